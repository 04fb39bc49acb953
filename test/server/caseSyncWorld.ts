/**
 * The people, phones and messages of the case-sync server tests (test/server/caseSync.test.ts and
 * the two-process test): a welzijn organisation with a social worker who has two approved,
 * certified devices (a phone and a laptop, each with its own session), a colleague of the same
 * organisation, and signed, encrypted messages made with the shared code
 * (src/shared/caseSync/messages.ts) and real WebCrypto keys.
 */
import { randomUUID } from 'node:crypto'
import type { Database } from '../../src/server/db/types'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import { makeSnapshot, makeUpdate, newDocumentKey, snapshotHash, wrapDocumentKey, type CaseSnapshot, type CaseUpdate } from '../../src/shared/caseSync/messages'
import { userKeyContext } from '../../src/shared/api/caseSync'
import { sealSigned } from '../../src/shared/crypto/sealed'
import { Agent, PASSWORD, signedIn, type Clock } from './agent'
import { approvedBoundDevice, type TestDevice } from './devices'
import type { TestApp } from './fixture'

export interface Phone {
  agent: Agent
  device: TestDevice
  userId: string
}
/** What signs a case's messages: a device (its keys) of a user. */
export type Signer = Pick<Phone, 'device' | 'userId'>

/** Another session of a signed-in person (password and a fresh TOTP step), as a second device signs in. */
export async function anotherSession(app: TestApp, clock: Clock, email: string, secret: string): Promise<Agent> {
  const agent = new Agent(app)
  const res = await agent.call('POST', '/api/auth/sign-in', { email, password: PASSWORD })
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status}`)
  clock.advance(30)
  const second = await agent.call('POST', '/api/auth/totp', { code: totpAt(secret, counterAt(clock.now())) })
  if (second.status !== 200) throw new Error(`second factor failed: ${second.status} ${await second.text()}`)
  return agent
}

export async function caseSyncWorld({ app, db, clock }: { app: TestApp; db: Database; clock: Clock }) {
  const admin = await signedIn(app, db, clock, 'beheerder')
  const org = admin.organisationId
  const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: org })
  const phone: Phone = { agent: worker.agent, device: await approvedBoundDevice(worker.agent, admin.agent, org, 'Telefoon'), userId: worker.userId }
  const laptopAgent = await anotherSession(app, clock, worker.email, worker.secret)
  const laptop: Phone = { agent: laptopAgent, device: await approvedBoundDevice(laptopAgent, admin.agent, org, 'Laptop'), userId: worker.userId }
  const colleagueIn = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: org })
  const colleague: Phone = { agent: colleagueIn.agent, device: await approvedBoundDevice(colleagueIn.agent, admin.agent, org), userId: colleagueIn.userId }
  return { admin, org, worker, phone, laptop, colleague }
}

/** One case as its devices hold it: the document key, the worker's user key, the chain so far. */
export class TestCase {
  readonly userKeyId = randomUUID()
  /** The active snapshot as the server should hold it, and each device's last clock under it. */
  active!: CaseSnapshot
  clocks: Record<string, number> = {}
  private constructor(
    readonly docId: string,
    readonly dk: CryptoKey,
    readonly userKey: CryptoKey,
  ) {}

  static async make(docId: string = randomUUID()): Promise<TestCase> {
    return new TestCase(docId, await newDocumentKey(), await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']))
  }

  /** The body of POST /api/case-sync/docs, made on `by`. */
  async createBody(by: Signer) {
    const signer = { deviceId: by.device.id, signingKey: by.device.keys.signing.privateKey }
    const snapshot = await makeSnapshot(this.dk, signer, { id: randomUUID(), docId: this.docId, parentId: null, parentHash: null, clocks: {}, keyGen: 1 }, new TextEncoder().encode('leeg'))
    const keyBox = await wrapDocumentKey(this.dk, this.userKey, signer, { docId: this.docId, keyGen: 1, userId: by.userId, userKeyId: this.userKeyId })
    this.active = snapshot
    return { snapshot, keyBox }
  }

  /** The next update of `by` under the active snapshot (its clock counted here unless `clock` is given). */
  async update(by: Signer, text = 'een wijziging', change: Partial<Pick<CaseUpdate, 'id' | 'clock' | 'snapshotId' | 'keyGen'>> = {}): Promise<CaseUpdate> {
    const signer = { deviceId: by.device.id, signingKey: by.device.keys.signing.privateKey }
    const clock = change.clock ?? (this.clocks[by.device.id] ?? 0) + 1
    if (change.clock === undefined) this.clocks[by.device.id] = clock
    return makeUpdate(this.dk, signer, { id: change.id ?? randomUUID(), docId: this.docId, snapshotId: change.snapshotId ?? this.active.id, clock, keyGen: change.keyGen ?? 1 }, new TextEncoder().encode(text))
  }

  /** A snapshot of `by` on the active one, naming the clocks counted here (or `clocks`). */
  async snapshot(by: Signer, clocks: Record<string, number> = this.clocks, parent: Partial<Pick<CaseSnapshot, 'parentId' | 'parentHash' | 'keyGen'>> & { text?: string } = {}): Promise<CaseSnapshot> {
    const signer = { deviceId: by.device.id, signingKey: by.device.keys.signing.privateKey }
    const on = { parentId: parent.parentId ?? this.active.id, parentHash: parent.parentHash ?? (await snapshotHash(this.active)) }
    return makeSnapshot(this.dk, signer, { id: randomUUID(), docId: this.docId, ...on, clocks: { ...clocks }, keyGen: parent.keyGen ?? 1 }, new TextEncoder().encode(parent.text ?? 'alles tot nu'))
  }

  /** The server took `s`: it is the active one now, and clocks start again under it. */
  accepted(s: CaseSnapshot) {
    this.active = s
    this.clocks = {}
  }
}

/** A case made through the API by `by` (its lead), ready for updates. */
export async function ownCase(by: Phone): Promise<TestCase> {
  const c = await TestCase.make()
  const res = await by.agent.call('POST', '/api/case-sync/docs', await c.createBody(by))
  if (res.status !== 201) throw new Error(`case not made: ${res.status} ${await res.text()}`)
  return c
}

/** A case of someone else (`userId`, its only member), written straight into the tables. */
export async function someoneElsesCase(db: Database, organisationId: string, userId: string): Promise<string> {
  const docId = randomUUID()
  const snapshotId = randomUUID()
  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO sync_documents (id, organisation_id, created_by, active_snapshot_id) VALUES ($1, $2, $3, $4)', [docId, organisationId, userId, snapshotId])
    await tx.query("INSERT INTO sync_snapshots (id, document_id, snapshot_hash, clocks, device_id, key_gen) VALUES ($1, $2, $3, '{}'::jsonb, $4, 1)", [snapshotId, docId, 'a'.repeat(64), randomUUID()])
    await tx.query("INSERT INTO sync_members (document_id, user_id, role) VALUES ($1, $2, 'lead')", [docId, userId])
  })
  return docId
}

/** A user key sealed by `by` to one of the same user's devices (the body of POST /api/case-sync/user-keys). */
export async function userKeyBox(by: Signer, to: TestDevice = by.device, keyId = randomUUID()) {
  const box = await sealSigned({ userId: by.userId, keyId, key: Buffer.alloc(32, 9).toString('base64') }, [{ deviceId: to.id, publicKey: to.keys.publicKey }], userKeyContext(by.userId, keyId), { deviceId: by.device.id, signingKey: by.device.keys.signing.privateKey }, new Date().toISOString())
  return { keyId, deviceId: to.id, box }
}
