/**
 * The engine counts each update under the active snapshot once (docs/case-sync.md "The engine",
 * rule 5): its own update is counted when the server takes it, not again when it comes back in a
 * pull, so a snapshot comes after SNAPSHOT_EVERY updates, not after half as many.
 */
import { describe, expect, it } from 'vitest'
import type { DocPull } from '../../src/shared/api/caseSync'
import { newDocumentKey } from '../../src/shared/caseSync/messages'
import { CaseReplica, type PendingSnapshot, type PendingUpdate } from '../../src/shared/caseSync/replica'
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'

describe('counting updates towards the next snapshot', () => {
  it('counts its own update once, also when a pull brings it back', async () => {
    const pair = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
    const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
    const signer = { deviceId: crypto.randomUUID(), signingKey: pair.privateKey }
    const dk = await newDocumentKey()
    const docId = crypto.randomUUID()
    const r = new CaseReplica({ docId, signer, key: () => dk, signerKey: async (d) => (d === signer.deviceId ? { kty, crv, x, y } : null), snapshotEvery: 4 })
    r.markNew()
    const create = (await r.outgoing()) as PendingSnapshot
    await r.accepted(create)
    const taken: DocPull['updates'] = []
    for (let i = 0; i < 3; i++) {
      r.doc.getText('notes').insert(0, `w${i} `)
      const u = (await r.outgoing()) as PendingUpdate
      await r.accepted(u)
      taken.push({ seq: i + 1, update: u.message })
    }
    const request = r.pullRequest()
    await r.receive({ doc: { docId, keyGen: 1, activeSnapshotId: create.message.id, lastSeq: 3, requiresSnapshot: false, role: 'lead' }, updates: taken, more: false }, request)
    expect(r.exportState().updatesSinceSnapshot).toBe(3)
    // Three of four: the next message is an update, not yet a snapshot.
    r.doc.getText('notes').insert(0, 'w3 ')
    expect((await r.outgoing())?.kind).toBe('update')
  })
})
