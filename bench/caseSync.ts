/**
 * Case sync (docs/case-sync.md), what end-to-end encryption costs against the same CRDT in clear:
 * - opening a case from a snapshot plus 300 updates: the engine (signatures checked, AES-GCM
 *   opened, Yjs applied; src/shared/caseSync/replica.ts) against applying the same Yjs snapshot and
 *   updates unencrypted;
 * - bytes on the wire for 100 edits sent one by one: the signed, encrypted, padded update messages
 *   (JSON, as posted) against the raw Yjs updates, and against sending the whole case sealed on
 *   every save (what a "sync the record" design would send).
 */
import * as Y from 'yjs'
import { CaseReplica, initialState, type Outgoing } from '../src/shared/caseSync/replica'
import { newDocumentKey } from '../src/shared/caseSync/messages'
import { ECDSA_P256 } from '../src/shared/crypto/signatures'
import type { DocPull, SequencedUpdate } from '../src/shared/api/caseSync'

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d
const WORDS = 'de inwoner wil weer mensen zien en samen koken met de buurvrouw op dinsdag'.split(' ')

async function device() {
  const pair = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
  return { signer: { deviceId: crypto.randomUUID(), signingKey: pair.privateKey }, publicKey: { kty, crv, x, y } }
}

async function median(fn: () => Promise<void>, runs: number): Promise<number> {
  const times: number[] = []
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!
}

export async function caseSyncBench(updates = 300, runs = 15) {
  const dk = await newDocumentKey()
  const a = await device()
  const docId = crypto.randomUUID()
  const signerKey = async (d: string) => (d === a.signer.deviceId ? a.publicKey : null)
  const writer = new CaseReplica({ docId, signer: a.signer, key: () => dk, signerKey, snapshotEvery: 1_000_000 })
  writer.markNew()
  // A case of some substance in the snapshot: three questions and notes.
  writer.doc.getText('wil').insert(0, WORDS.join(' ').repeat(20))
  writer.doc.getText('notes').insert(0, WORDS.join(' ').repeat(60))
  const create = (await writer.outgoing())!
  const plainSnapshot = Y.encodeStateAsUpdateV2(writer.doc)
  await writer.accepted(create)
  const sequenced: SequencedUpdate[] = []
  const plainUpdates: Uint8Array[] = []
  writer.doc.on('updateV2', (u: Uint8Array) => plainUpdates.push(u))
  for (let i = 0; i < updates; i++) {
    const text = writer.doc.getText('notes')
    text.insert(text.length, ` ${WORDS[i % WORDS.length]}`)
    const o = (await writer.outgoing()) as Extract<Outgoing, { kind: 'update' }>
    sequenced.push({ seq: i + 1, update: o.message })
    await writer.accepted(o)
  }
  const pull: DocPull = {
    doc: { docId, keyGen: 1, activeSnapshotId: create.message.id, lastSeq: updates, requiresSnapshot: false, role: 'lead' },
    snapshot: create.kind === 'create' ? create.message : undefined,
    updates: sequenced,
    more: false,
    keyBoxes: [],
  }
  const encrypted = await median(async () => {
    const r = new CaseReplica({ docId, signer: a.signer, key: () => dk, signerKey }, initialState(docId))
    await r.receive(pull, r.pullRequest())
  }, runs)
  const plain = await median(async () => {
    const doc = new Y.Doc()
    Y.applyUpdateV2(doc, plainSnapshot)
    for (const u of plainUpdates) Y.applyUpdateV2(doc, u)
  }, runs)

  // 100 edits, each sent on its own (the worst case: a save after every word).
  const wire = sequenced.slice(0, 100).reduce((n, s) => n + JSON.stringify(s.update).length, 0)
  const raw = plainUpdates.slice(0, 100).reduce((n, u) => n + u.length, 0)
  // The alternative: the whole case encrypted on every save (base64 of the padded state, as a sealed record would be).
  const wholeCase = Math.ceil((Y.encodeStateAsUpdateV2(writer.doc).length * 4) / 3)
  return {
    updates,
    open_encrypted_ms: round(encrypted),
    open_plain_yjs_ms: round(plain),
    ratio_open_encrypted_vs_plain: round(encrypted / plain),
    wire_100_edits_bytes: wire,
    raw_yjs_100_edits_bytes: raw,
    ratio_wire_vs_raw_yjs: round(wire / raw),
    whole_case_each_save_100_bytes: wholeCase * 100,
    ratio_wire_vs_whole_case_each_save: round(wire / (wholeCase * 100), 3),
  }
}
