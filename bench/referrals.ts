/**
 * Referral figures (issue 5): seal-and-send and receive-and-open for a referral to an organisation
 * with 1, 10 and 50 approved devices, on the real app and an in-memory PGlite in this process,
 * Node's WebCrypto doing the sealing as a browser would. The peer is the same referral sent as a
 * one-recipient box: the ratios say what every extra device costs.
 */
import { TEST_SERVER_KEY } from '../test/server/helpers'
import { createApp } from '../src/server/app'
import { SignInGuard } from '../src/server/auth/signIn'
import { openDatabase } from '../src/server/db/database'
import { silentLogger } from '../src/server/log'
import { openSealed, seal, type Recipient, type Sealed } from '../src/shared/crypto/sealed'
import { referralContext, type ReferralContent } from '../src/shared/referrals/referral'
import { Clock, signedIn, type Agent } from '../test/server/agent'
import { bindDevice, registerDevice } from '../test/server/devices'

const CONTENT: ReferralContent = {
  intervention: 'wor',
  patient: { name: 'Inwoner Bench', phone: '06 12345678', birthYear: 1950, municipality: 'Oss' },
  reasons: ['eenzaamheid', 'somberheid'],
  note: 'Korte toelichting van de huisarts over wat er speelt, een paar zinnen lang. '.repeat(4),
  domains: ['sociaal', 'geest'],
  urgency: 'gewoon',
  consent: { given: true, date: '2026-11-20' },
  referrer: { name: 'Dokter Bench', organisation: 'Praktijk Bench' },
}
/** A phone registered through the API, approved, and bound to the session (sending and the inbox need one, docs/device-trust.md). */
async function boundDevice(db: Awaited<ReturnType<typeof openDatabase>>, agent: Agent, organisationId: string) {
  const device = await registerDevice(agent, organisationId, 'Bench')
  await db.query("UPDATE devices SET status = 'approved' WHERE id = $1", [device.id])
  await bindDevice(agent, device)
  return device
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const round = (n: number) => Math.round(n * 100) / 100

export async function referralBench(runs = 15) {
  const db = await openDatabase(undefined)
  const clock = new Clock()
  const app = createApp(db, { serverKey: TEST_SERVER_KEY, logger: silentLogger(), guard: new SignInGuard(clock.now) })
  const gp = await signedIn(app, db, clock, 'huisarts')
  await boundDevice(db, gp.agent, gp.organisationId)
  const results: Record<string, { seal_ms: number; send_ms: number; receive_ms: number; open_ms: number; box_kb: number }> = {}
  for (const n of [1, 10, 50]) {
    const worker = await signedIn(app, db, clock, 'sociaal-werker')
    const devices: { id: string; privateKey: CryptoKey; publicKey: JsonWebKey }[] = []
    for (let i = 0; i < n - 1; i++) {
      const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits'])) as CryptoKeyPair
      const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
      const id = crypto.randomUUID()
      await db.query("INSERT INTO devices (id, user_id, organisation_id, name, public_key, status) VALUES ($1, $2, $3, 'Bench', $4::jsonb, 'approved')", [id, worker.userId, worker.organisationId, JSON.stringify({ kty, crv, x, y })])
      devices.push({ id, privateKey: pair.privateKey, publicKey: { kty, crv, x, y } })
    }
    // The n-th device is the social worker's own phone, which the inbox is read on.
    const own = await boundDevice(db, worker.agent, worker.organisationId)
    devices.push({ id: own.id, privateKey: own.keys.encryption.privateKey, publicKey: own.keys.publicKey })
    const recipients: Recipient[] = devices.map((d) => ({ deviceId: d.id, publicKey: d.publicKey }))
    const sealT: number[] = []
    const sendT: number[] = []
    const receiveT: number[] = []
    const openT: number[] = []
    let size = 0
    for (let r = 0; r < runs; r++) {
      const id = crypto.randomUUID()
      const t0 = performance.now()
      const sealed = await seal(CONTENT, recipients, referralContext(id))
      const t1 = performance.now()
      const res = await gp.agent.call('POST', '/api/referrals', { id, intervention: 'wor', senderOrganisationId: gp.organisationId, receivingOrganisationId: worker.organisationId, sentAt: new Date().toISOString(), sealed })
      if (res.status !== 201) throw new Error(`send failed: ${res.status} ${await res.text()}`)
      const t2 = performance.now()
      const inbox = (await (await worker.agent.call('GET', '/api/referrals/inbox')).json()) as { referrals: { id: string; sealed: Sealed }[] }
      const t3 = performance.now()
      const mine = inbox.referrals.find((x) => x.id === id)!
      await openSealed(mine.sealed, devices[n - 1]!.id, devices[n - 1]!.privateKey, referralContext(id))
      const t4 = performance.now()
      sealT.push(t1 - t0)
      sendT.push(t2 - t1)
      receiveT.push(t3 - t2)
      openT.push(t4 - t3)
      size = JSON.stringify(sealed).length
      await db.query('DELETE FROM referrals WHERE id = $1', [id])
    }
    results[`devices_${n}`] = { seal_ms: round(median(sealT)), send_ms: round(median(sendT)), receive_ms: round(median(receiveT)), open_ms: round(median(openT)), box_kb: round(size / 1024) }
  }
  await db.close()
  const one = results.devices_1!
  const total = (x: typeof one) => x.seal_ms + x.send_ms
  return {
    ...results,
    ratio_seal_and_send_50_vs_1: round(total(results.devices_50!) / total(one)),
    ratio_seal_and_send_10_vs_1: round(total(results.devices_10!) / total(one)),
    ratio_receive_and_open_50_vs_1: round((results.devices_50!.receive_ms + results.devices_50!.open_ms) / (one.receive_ms + one.open_ms)),
  }
}
