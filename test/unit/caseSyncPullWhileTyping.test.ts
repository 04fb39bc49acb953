/**
 * The engine applies a pull answer although the worker saved an edit while the pull was under way
 * (the draft saves 50 ms after a keystroke, useCaseDraft.ts): a local edit does not change what a
 * pull answer means, so it must not make the device drop every answer while someone types.
 */
import { describe, expect, it } from 'vitest'
import type { DocPull } from '../../src/shared/api/caseSync'
import { newDocumentKey, type Signer } from '../../src/shared/caseSync/messages'
import { CaseReplica, initialState, type PendingSnapshot, type PendingUpdate } from '../../src/shared/caseSync/replica'
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'

async function device(keys: Map<string, JsonWebKey>): Promise<Signer> {
  const pair = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
  const deviceId = crypto.randomUUID()
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
  keys.set(deviceId, { kty, crv, x, y })
  return { deviceId, signingKey: pair.privateKey }
}

describe('a pull answer arriving after a local edit', () => {
  it('is applied, and the local edit still goes out', async () => {
    const keys = new Map<string, JsonWebKey>()
    const [phone, laptop] = [await device(keys), await device(keys)]
    const dk = await newDocumentKey()
    const docId = crypto.randomUUID()
    const options = (signer: Signer) => ({ docId, signer, key: () => dk, signerKey: async (d: string) => keys.get(d) ?? null })
    const a = new CaseReplica(options(phone))
    a.markNew()
    a.doc.getText('notes').insert(0, 'begin ')
    const create = (await a.outgoing()) as PendingSnapshot
    await a.accepted(create)
    a.doc.getText('notes').insert(6, 'telefoon ')
    const update = (await a.outgoing()) as PendingUpdate
    await a.accepted(update)

    const b = new CaseReplica(options(laptop), initialState(docId))
    const pull = (): DocPull => ({
      doc: { docId, keyGen: 1, activeSnapshotId: create.message.id, lastSeq: 1, requiresSnapshot: false, role: 'lead' },
      snapshot: create.message,
      updates: [{ seq: 1, update: update.message }],
      more: false,
      keyBoxes: [],
    })
    const request = b.pullRequest()
    b.doc.getText('notes').insert(0, 'laptop ')
    await b.receive(pull(), request)
    expect(b.needsPull).toBe(false)
    expect(b.doc.getText('notes').toString()).toContain('telefoon')
    const next = (await b.outgoing()) as PendingUpdate
    expect(next?.kind).toBe('update')
    expect(next.message.snapshotId).toBe(create.message.id)
    expect(b.doc.getText('notes').toString()).toContain('laptop')
  })
})
