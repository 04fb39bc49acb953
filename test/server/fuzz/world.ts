/**
 * The fuzz's world: organisation A with a beheerder (its organisation key set), a social worker
 * and a GP on approved devices bound to their sessions, the region's kaartbeheerder, programma
 * and beheerder, anonymous callers, and makers of the real rows a valid request names (a
 * listing, a member, a pending device, a referral, a proposal, a report, an invitation).
 * Identities whose session a request may end are made again when that happened.
 */
import { randomUUID } from 'node:crypto'
import { addMember, createOrganisation } from '../../../src/server/auth/accounts'
import { createLink } from '../../../src/server/auth/links'
import type { Database } from '../../../src/server/db/database'
import { buildExampleMap } from '../../../src/server/seed/exampleMap'
import { storeReport, storeServices } from '../../../src/server/socialMap/repository'
import { certifiedDevices, receivingDevices } from '../../../src/server/auth/certificates'
import { signMessage } from '../../../src/shared/crypto/signatures'
import { sealedSignedMessage } from '../../../src/shared/crypto/sealed'
import { Agent, Clock, PASSWORD, regionOrganisation, signedIn } from '../agent'
import { initiativeProposal } from '../../support/initiativeProposal'
import { approvedBoundDevice, certificateFor, makeDeviceKeys, organisationTrust, type TestDevice } from '../devices'
import type { TestApp } from '../fixture'

export type Who = 'anonymous' | 'kaartbeheerder' | 'programma' | 'regionBeheerder' | 'beheerder' | 'sociaalWerker' | 'huisarts' | 'passwordOnly' | 'fullSession'
/** Identities made again once a request ended or changed their session. */
const REMADE: readonly Who[] = ['passwordOnly', 'fullSession']

export interface Caller {
  agent: Agent
  userId?: string
  secret?: string
  device?: TestDevice
}

export class World {
  readonly map = buildExampleMap({ referenceDate: '2026-11-01' })
  orgA = ''
  orgR = ''
  someUserId = ''
  loginEmail = ''
  /** Counts the identities made again (each one writes a user and a session). */
  remade = 0
  private callers = new Map<Who, Caller>()
  private stale = new Set<Who>()

  constructor(
    readonly app: TestApp,
    readonly db: Database,
    readonly clock: Clock,
  ) {}

  async setUp() {
    await storeServices(this.db, this.map)
    this.orgA = await createOrganisation(this.db, 'Fuzz Organisatie A', null)
    this.orgR = await regionOrganisation(this.db)
    this.someUserId = (await addMember(this.db, { email: 'lid@example.org', name: 'Een Lid', password: PASSWORD }, this.orgA, 'sociaal-werker', null)).userId
    this.loginEmail = 'login@example.org'
    await addMember(this.db, { email: this.loginEmail, name: 'Login', password: PASSWORD }, this.orgA, 'huisarts', null)
    const admin = await this.signIn('beheerder', this.orgA)
    await organisationTrust(admin.agent, this.orgA)
    this.callers.set('beheerder', admin)
    for (const [who, role] of [['sociaalWerker', 'sociaal-werker'], ['huisarts', 'huisarts']] as const) {
      const caller = await this.signIn(role, this.orgA)
      caller.device = await approvedBoundDevice(caller.agent, admin.agent, this.orgA)
      this.callers.set(who, caller)
    }
    for (const [who, role] of [['kaartbeheerder', 'kaartbeheerder'], ['programma', 'programma'], ['regionBeheerder', 'beheerder']] as const) this.callers.set(who, await this.signIn(role, this.orgR))
  }

  private async signIn(role: Parameters<typeof signedIn>[3], organisationId: string): Promise<Caller> {
    const s = await signedIn(this.app, this.db, this.clock, role, { organisationId })
    return { agent: s.agent, userId: s.userId, secret: s.secret }
  }

  /** The caller for a request; anonymous callers are new each time (a sign-in gives them a cookie). */
  async caller(who: Who): Promise<Caller> {
    if (who === 'anonymous') return { agent: new Agent(this.app) }
    const known = this.callers.get(who)
    if (known && !this.stale.has(who)) return known
    this.stale.delete(who)
    this.remade++
    const made = who === 'passwordOnly' ? await this.passwordOnly() : await this.signIn('sociaal-werker', this.orgA)
    this.callers.set(who, made)
    return made
  }

  /** A request changed the caller's session (a 2xx on a session route, a new cookie). */
  sessionChanged(who: Who) {
    if (!REMADE.includes(who) && who !== 'anonymous') throw new Error(`the session of ${who} changed; give the route a remade identity`)
    this.stale.add(who)
  }

  private async passwordOnly(): Promise<Caller> {
    const email = `pw.${randomUUID().slice(0, 8)}@example.org`
    const { userId } = await addMember(this.db, { email, name: 'Half Ingelogd', password: PASSWORD }, this.orgA, 'huisarts', null)
    const agent = new Agent(this.app)
    await agent.ask('POST', '/api/auth/sign-in', { email, password: PASSWORD })
    return { agent, userId }
  }

  // Rows a valid request names.

  async service() {
    const s = { ...this.map[0]!, id: randomUUID(), name: `Testaanbod ${randomUUID().slice(0, 8)}` }
    await storeServices(this.db, [s])
    await this.db.query('UPDATE services SET owner_organisation_id = $2 WHERE id = $1', [s.id, this.orgA])
    return s
  }
  async proposal() {
    const s = await this.service()
    const id = randomUUID()
    await this.db.query('INSERT INTO proposals (id, service_id, organisation_id, proposed_by, doc) VALUES ($1, $2, $3, $4, $5::jsonb)', [id, s.id, this.orgA, this.someUserId, JSON.stringify({ ...s, name: 'Voorgesteld' })])
    return id
  }
  async initiative() {
    const p = initiativeProposal(randomUUID())
    await this.db.query('INSERT INTO initiative_proposals (id, name, doc) VALUES ($1, $2, $3::jsonb)', [p.id, p.name, JSON.stringify(p)])
    return p.id
  }
  async report() {
    const id = randomUUID()
    await storeReport(this.db, { id, serviceId: this.map[0]!.id, message: 'Adres klopt niet' })
    return id
  }
  async member() {
    return (await addMember(this.db, { email: `lid.${randomUUID().slice(0, 8)}@example.org`, name: 'Een Lid', password: PASSWORD }, this.orgA, 'sociaal-werker', null)).userId
  }
  async invitation() {
    const { id, link } = await createLink(this.db, { kind: 'invitation', organisationId: this.orgA, email: `genodigd.${randomUUID().slice(0, 8)}@example.org`, name: 'Genodigd', role: 'huisarts' }, this.someUserId, new Date(this.clock.now()))
    return { id, token: link.split('#')[1]! }
  }
  /** A device of A's member someUserId, pending, with its keys. */
  async pendingDevice(): Promise<TestDevice> {
    const keys = await makeDeviceKeys()
    const id = randomUUID()
    await this.db.query('INSERT INTO devices (id, user_id, organisation_id, name, public_key, auth_key, signing_key) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb)', [
      id,
      this.someUserId,
      this.orgA,
      'Testtelefoon',
      JSON.stringify(keys.publicKey),
      JSON.stringify(keys.authKey),
      JSON.stringify(keys.signingKey),
    ])
    return { id, organisationId: this.orgA, keys }
  }
  async certificate(deviceId: string) {
    return certificateFor((await this.caller('beheerder')).agent, this.orgA, deviceId)
  }
  /** A referral from the GP to A, as stored (the sealed content is shaped right; the crypto is tested elsewhere). */
  async referral() {
    const id = randomUUID()
    const gp = await this.caller('huisarts')
    await this.db.query(
      `INSERT INTO referrals (id, intervention, sender_organisation_id, sender_user_id, receiving_organisation_id, sent_at, sealed) VALUES ($1, 'wor', $2, $3, $2, now(), $4::jsonb)`,
      [id, this.orgA, gp.userId, JSON.stringify(await this.sealed(gp, `referral|${id}`, new Date().toISOString()))],
    )
    return id
  }
  /** A sealed box to every certified social worker device of A and the sender's devices, signed by the sender's device. */
  async sealed(sender: Caller, context: string, at: string) {
    const recipients = [...(await receivingDevices(this.db, [this.orgA])), ...(sender.userId ? await certifiedDevices(this.db, 'd.user_id = $1', [sender.userId]) : [])]
    const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64')
    const epk = sender.device?.keys.publicKey ?? (await makeDeviceKeys()).publicKey
    const box = { alg: 'ECDH-P256+HKDF-SHA256+A256GCM' as const, epk, salt: b64(16), iv: b64(12), ciphertext: b64(64), recipients: [...new Set(recipients.map((r) => r.deviceId))].map((deviceId) => ({ deviceId, iv: b64(12), wrappedKey: b64(48) })) }
    const device = sender.device!
    const signature = await signMessage(device.keys.signing.privateKey, await sealedSignedMessage(box, context, device.id, at))
    return { ...box, v: 2, sender: { deviceId: device.id, at, signature } }
  }
}
