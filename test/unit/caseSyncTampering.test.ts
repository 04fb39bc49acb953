/**
 * Tampering (docs/case-sync.md): a modified ciphertext, an update moved to another case or
 * snapshot, a replay, an unknown signer, a device the server injected, a forged key box and a
 * rewritten snapshot chain are all refused by the phone, before anything is decrypted or applied.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  CaseSyncError,
  makeSnapshot,
  makeUpdate,
  newDocumentKey,
  openDocumentKey,
  openUpdate,
  snapshotHash,
  wrapDocumentKey,
  type CaseSnapshot,
  type CaseUpdate,
  type Signer,
} from '../../src/shared/caseSync/messages'
import { CaseReplica, initialState, type PendingSnapshot, type PendingUpdate } from '../../src/shared/caseSync/replica'
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'
import { toBase64, fromBase64 } from '../../src/shared/crypto/backup'
import type { DocPull } from '../../src/shared/api/caseSync'

let worker: Signer
let intruder: Signer
const keys = new Map<string, JsonWebKey>()
let dk: CryptoKey

async function device(): Promise<Signer> {
  const pair = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
  const deviceId = crypto.randomUUID()
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
  keys.set(deviceId, { kty, crv, x, y })
  return { deviceId, signingKey: pair.privateKey }
}
// The phone trusts only the worker's certified device; the intruder's key is "known" to the server, not to the phone.
const trusted = async (d: string) => (d === worker.deviceId ? keys.get(d)! : null)

beforeAll(async () => {
  worker = await device()
  intruder = await device()
  dk = await newDocumentKey()
})

const yUpdate = (word: string) => {
  const doc = new Y.Doc()
  doc.getText('notes').insert(0, word)
  return Y.encodeStateAsUpdateV2(doc)
}
const publicPart = () => ({ id: crypto.randomUUID(), docId: crypto.randomUUID(), snapshotId: crypto.randomUUID(), clock: 1, keyGen: 1 })

describe('a case update', () => {
  it('opens when signed by a trusted device and untouched', async () => {
    const u = await makeUpdate(dk, worker, publicPart(), yUpdate('Jansen'))
    const doc = new Y.Doc()
    Y.applyUpdateV2(doc, await openUpdate(u, dk, trusted))
    expect(doc.getText('notes').toString()).toBe('Jansen')
  })

  it('with one byte of its ciphertext changed is refused as a bad signature', async () => {
    const u = await makeUpdate(dk, worker, publicPart(), yUpdate('Jansen'))
    const bytes = fromBase64(u.ciphertext)
    bytes[5]! ^= 1
    await expect(openUpdate({ ...u, ciphertext: toBase64(bytes) }, dk, trusted)).rejects.toThrow(new CaseSyncError('bad-signature'))
  })

  it('moved to another case, snapshot, clock or key generation is refused', async () => {
    const u = await makeUpdate(dk, worker, publicPart(), yUpdate('Jansen'))
    for (const moved of [{ docId: crypto.randomUUID() }, { snapshotId: crypto.randomUUID() }, { clock: 2 }, { keyGen: 2 }]) {
      await expect(openUpdate({ ...u, ...moved } as CaseUpdate, dk, trusted)).rejects.toThrow(CaseSyncError)
    }
  })

  it('signed by a device the server added (not certified for this phone) is refused before decryption', async () => {
    const u = await makeUpdate(dk, intruder, publicPart(), yUpdate('Vals'))
    await expect(openUpdate(u, dk, trusted)).rejects.toThrow(new CaseSyncError('unknown-signer'))
    // Re-signed under the worker's device id with the intruder's key: the signature does not verify.
    const forged = await makeUpdate(dk, { deviceId: worker.deviceId, signingKey: intruder.signingKey }, publicPart(), yUpdate('Vals'))
    await expect(openUpdate(forged, dk, trusted)).rejects.toThrow(new CaseSyncError('bad-signature'))
  })

  it('encrypted under another key does not open (a signature alone is not enough)', async () => {
    const u = await makeUpdate(await newDocumentKey(), worker, publicPart(), yUpdate('Jansen'))
    await expect(openUpdate(u, dk, trusted)).rejects.toThrow(new CaseSyncError('tampered'))
  })
})

describe('a key box', () => {
  it('opens with the user key; a forged or re-targeted box is refused', async () => {
    const uk = await newDocumentKey()
    const to = { docId: crypto.randomUUID(), keyGen: 1, userId: crypto.randomUUID(), userKeyId: crypto.randomUUID() }
    const box = await wrapDocumentKey(dk, uk, worker, to)
    const opened = await openDocumentKey(box, uk, trusted)
    expect(toBase64(new Uint8Array(await crypto.subtle.exportKey('raw', opened)))).toBe(toBase64(new Uint8Array(await crypto.subtle.exportKey('raw', dk))))
    await expect(openDocumentKey({ ...box, userId: crypto.randomUUID() }, uk, trusted)).rejects.toThrow(new CaseSyncError('bad-signature'))
    const injected = await wrapDocumentKey(await newDocumentKey(), uk, intruder, to)
    await expect(openDocumentKey(injected, uk, trusted)).rejects.toThrow(new CaseSyncError('unknown-signer'))
    await expect(openDocumentKey(box, await newDocumentKey(), trusted)).rejects.toThrow(new CaseSyncError('tampered'))
  })
})

describe('the engine', () => {
  async function created() {
    const docId = crypto.randomUUID()
    const a = new CaseReplica({ docId, signer: worker, key: () => dk, signerKey: trusted })
    a.markNew()
    a.doc.getText('notes').insert(0, 'begin ')
    const create = (await a.outgoing()) as PendingSnapshot
    await a.accepted(create)
    const b = new CaseReplica({ docId, signer: worker, key: () => dk, signerKey: trusted }, initialState(docId))
    const pull = (updates: DocPull['updates'], snapshot = create.message): DocPull => ({
      doc: { docId, keyGen: 1, activeSnapshotId: snapshot.id, lastSeq: updates.at(-1)?.seq ?? 0, requiresSnapshot: false, role: 'lead' },
      snapshot,
      updates,
      more: false,
      keyBoxes: [],
    })
    return { a, b, create, pull, docId }
  }

  it('does not apply an update it cannot verify, and will not snapshot over it', async () => {
    const { b, create, pull, docId } = await created()
    const injected = await makeUpdate(dk, intruder, { id: crypto.randomUUID(), docId, snapshotId: create.message.id, clock: 1, keyGen: 1 }, yUpdate('Vals'))
    await b.receive(pull([{ seq: 1, update: injected }]), b.pullRequest())
    expect(b.doc.getText('notes').toString()).toBe('begin ')
    expect(b.unverifiedCount).toBe(1)
  })

  it('ignores a replayed update it already applied', async () => {
    const { a, b, pull } = await created()
    a.doc.getText('notes').insert(6, 'Jansen ')
    const o = (await a.outgoing()) as PendingUpdate
    await b.receive(pull([{ seq: 1, update: o.message }]), b.pullRequest())
    const again = b.pullRequest()
    await b.receive({ ...pull([{ seq: 1, update: o.message }]), snapshot: undefined }, again)
    expect(b.doc.getText('notes').toString()).toBe('begin Jansen ')
    expect(b.pullRequest().after).toBe(1)
  })

  it('refuses a next snapshot whose parent hash does not match the one it has (a rewritten chain)', async () => {
    const { a, b, pull, create } = await created()
    await b.receive(pull([]), b.pullRequest())
    a.doc.getText('notes').insert(0, 'x ')
    // A snapshot that names the right parent but a made-up hash of it.
    const forged = { ...create.message, id: crypto.randomUUID(), parentId: create.message.id, parentHash: 'a'.repeat(64) }
    await expect(b.receive(pull([], forged), b.pullRequest())).rejects.toThrow(new CaseSyncError('broken-chain'))
  })
})

describe('after a re-keying (a member removed)', () => {
  // The removed member still holds the old document key and is still a certified colleague whose
  // signature verifies; the server (or a database writer) passes on what they make.
  it('refuses an update or a snapshot under the old key generation on top of a snapshot under the new one', async () => {
    const former = await device()
    const members = async (d: string) => ([worker.deviceId, former.deviceId].includes(d) ? keys.get(d)! : null)
    const [dk1, dk2] = [dk, await newDocumentKey()]
    const docId = crypto.randomUUID()
    const key = (gen: number) => (gen === 1 ? dk1 : gen === 2 ? dk2 : undefined)
    const a = new CaseReplica({ docId, signer: worker, key, signerKey: members })
    a.markNew()
    a.doc.getText('notes').insert(0, 'begin ')
    const create = (await a.outgoing()) as PendingSnapshot
    await a.accepted(create)
    const state = Y.encodeStateAsUpdateV2(a.doc)
    const rekeyed = await makeSnapshot(dk2, worker, { id: crypto.randomUUID(), docId, parentId: create.message.id, parentHash: await snapshotHash(create.message), clocks: {}, keyGen: 2 }, state)
    const pull = (snapshot: CaseSnapshot, updates: DocPull['updates'] = []): DocPull => ({
      doc: { docId, keyGen: 2, activeSnapshotId: snapshot.id, lastSeq: updates.at(-1)?.seq ?? 0, requiresSnapshot: false, role: 'lead' },
      snapshot,
      updates,
      more: false,
      keyBoxes: [],
    })
    const b = new CaseReplica({ docId, signer: worker, key, signerKey: members }, initialState(docId))
    await b.receive(pull(rekeyed), b.pullRequest())
    expect(b.doc.getText('notes').toString()).toBe('begin ')

    const injected = await makeUpdate(dk1, former, { id: crypto.randomUUID(), docId, snapshotId: rekeyed.id, clock: 1, keyGen: 1 }, yUpdate('Vals '))
    await b.receive(pull(rekeyed, [{ seq: 1, update: injected }]), b.pullRequest())
    expect(b.doc.getText('notes').toString()).toBe('begin ')
    expect(b.unverifiedCount).toBe(1)

    const old = await makeSnapshot(dk1, former, { id: crypto.randomUUID(), docId, parentId: rekeyed.id, parentHash: await snapshotHash(rekeyed), clocks: {}, keyGen: 1 }, yUpdate('Vals '))
    await expect(b.receive(pull(old), b.pullRequest())).rejects.toThrow(new CaseSyncError('tampered'))
    expect(b.doc.getText('notes').toString()).toBe('begin ')
  })
})
