/**
 * Referral figures (issue 5): seal-and-send and receive-and-open for a referral to an organisation
 * with 1, 10 and 50 certified devices, on the real app and an in-memory PGlite in this process,
 * Node's WebCrypto doing the sealing as a browser would. The peer is the same referral sent as a
 * one-recipient box: the ratios say what every extra device costs. Since issue 11 a box is signed
 * by the sender's device (seal), the server checks the signature and the recipients' certificates
 * (send), the receiver checks the sender's certificate chain and signature before opening (open),
 * and `verify_ms` is what the GP's phone spends checking the n recipients' certificates.
 */
import { TEST_SERVER_KEY } from '../test/server/helpers'
import { createApp } from '../src/server/app'
import { SignInGuard } from '../src/server/auth/signIn'
import { openDatabase } from '../src/server/db/database'
import { silentLogger } from '../src/server/log'
import { openVerified, sealSigned, type Recipient, type Sealed } from '../src/shared/crypto/sealed'
import { signCertificate, verifyDeviceCertificate, type Certificate, type OrganisationChain } from '../src/shared/devices/certificates'
import { referralContext, type ReferralContent } from '../src/shared/referrals/referral'
import { Clock, signedIn } from '../test/server/agent'
import { approvedBoundDevice, makeDeviceKeys, organisationTrust, unsignedFor } from '../test/server/devices'

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
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const round = (n: number) => Math.round(n * 100) / 100

export async function referralBench(runs = 15) {
  const db = await openDatabase(undefined)
  const clock = new Clock()
  const app = createApp(db, { serverKey: TEST_SERVER_KEY, logger: silentLogger(), guard: new SignInGuard(clock.now) })
  const gp = await signedIn(app, db, clock, 'huisarts')
  const practice = await signedIn(app, db, clock, 'beheerder', { organisationId: gp.organisationId })
  // A phone registered through the API, approved with a certificate, and bound to the session (docs/device-trust.md).
  const gpPhone = await approvedBoundDevice(gp.agent, practice.agent, gp.organisationId, 'Bench')
  const signer = { deviceId: gpPhone.id, signingKey: gpPhone.keys.signing.privateKey }
  const results: Record<string, { seal_ms: number; send_ms: number; receive_ms: number; open_ms: number; verify_ms: number; box_kb: number }> = {}
  for (const n of [1, 10, 50]) {
    const worker = await signedIn(app, db, clock, 'sociaal-werker')
    const admin = await signedIn(app, db, clock, 'beheerder', { organisationId: worker.organisationId })
    const trust = await organisationTrust(admin.agent, worker.organisationId)
    const devices: { id: string; privateKey: CryptoKey; publicKey: JsonWebKey; certificate: Certificate }[] = []
    for (let i = 0; i < n - 1; i++) {
      // Other phones of the organisation's social workers, certified by its beheerder's phone (seeded, not timed).
      const keys = await makeDeviceKeys()
      const id = crypto.randomUUID()
      await db.query("INSERT INTO devices (id, user_id, organisation_id, name, public_key, signing_key, status) VALUES ($1, $2, $3, 'Bench', $4::jsonb, $5::jsonb, 'approved')", [
        id,
        worker.userId,
        worker.organisationId,
        JSON.stringify(keys.publicKey),
        JSON.stringify(keys.signingKey),
      ])
      const listed = { id, name: 'Bench', status: 'approved', userId: worker.userId, publicKey: keys.publicKey, signingKey: keys.signingKey, roles: ['sociaal-werker' as const], certificate: null }
      const certificate = await signCertificate(unsignedFor(worker.organisationId, listed, { kind: 'device', deviceId: trust.admin.id }), trust.admin.keys.signing.privateKey)
      await db.query('UPDATE devices SET certificate = $2::jsonb WHERE id = $1', [id, JSON.stringify(certificate)])
      devices.push({ id, privateKey: keys.encryption.privateKey, publicKey: keys.publicKey, certificate })
    }
    // The n-th device is the social worker's own phone, which the inbox is read on.
    const own = await approvedBoundDevice(worker.agent, admin.agent, worker.organisationId, 'Bench')
    const ownCert = (await (await admin.agent.call('GET', `/api/orgs/${worker.organisationId}/devices`)).json()) as { devices: { id: string; certificate: Certificate }[] }
    devices.push({ id: own.id, privateKey: own.keys.encryption.privateKey, publicKey: own.keys.publicKey, certificate: ownCert.devices.find((d) => d.id === own.id)!.certificate })
    const chain = ((await (await admin.agent.call('GET', `/api/orgs/${worker.organisationId}/chain`)).json()) as { chain: OrganisationChain }).chain
    const recipients: Recipient[] = devices.map((d) => ({ deviceId: d.id, publicKey: d.publicKey }))
    const verifyT: number[] = []
    const sealT: number[] = []
    const sendT: number[] = []
    const receiveT: number[] = []
    const openT: number[] = []
    let size = 0
    for (let r = 0; r < runs; r++) {
      const id = crypto.randomUUID()
      const v0 = performance.now()
      for (const d of devices) if (!(await verifyDeviceCertificate(d.certificate, chain, null)).ok) throw new Error('certificate does not verify')
      verifyT.push(performance.now() - v0)
      const sentAt = new Date().toISOString()
      const t0 = performance.now()
      const sealed = await sealSigned(CONTENT, recipients, referralContext(id), signer, sentAt)
      const t1 = performance.now()
      const res = await gp.agent.call('POST', '/api/referrals', { id, intervention: 'wor', senderOrganisationId: gp.organisationId, receivingOrganisationId: worker.organisationId, sentAt, sealed })
      if (res.status !== 201) throw new Error(`send failed: ${res.status} ${await res.text()}`)
      const t2 = performance.now()
      const inbox = (await (await worker.agent.call('GET', '/api/referrals/inbox')).json()) as { referrals: { id: string; sealed: Sealed; senderCertificate: Certificate; chains: Record<string, OrganisationChain> }[] }
      const t3 = performance.now()
      const mine = inbox.referrals.find((x) => x.id === id)!
      const sender = async () => ((await verifyDeviceCertificate(mine.senderCertificate, mine.chains[gp.organisationId], null)).ok ? mine.senderCertificate.signingKey : null)
      await openVerified(mine.sealed, devices[n - 1]!.id, devices[n - 1]!.privateKey, referralContext(id), sender)
      const t4 = performance.now()
      sealT.push(t1 - t0)
      sendT.push(t2 - t1)
      receiveT.push(t3 - t2)
      openT.push(t4 - t3)
      size = JSON.stringify(sealed).length
      await db.query('DELETE FROM referrals WHERE id = $1', [id])
    }
    results[`devices_${n}`] = {
      seal_ms: round(median(sealT)),
      send_ms: round(median(sendT)),
      receive_ms: round(median(receiveT)),
      open_ms: round(median(openT)),
      verify_ms: round(median(verifyT)),
      box_kb: round(size / 1024),
    }
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
