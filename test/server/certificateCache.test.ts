/**
 * Review finding 8 (issue 11): the server remembers which device certificates verified, so that a
 * directory request does not check every chain again. The answer may only be reused for the very
 * same certificate under the very same chain: a certificate with the same signature but other
 * content (here: an encryption key swapped in the database, in the certificate and the device row
 * alike) must be checked again, and refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { certifiedDevices, receivingDevices } from '../../src/server/auth/certificates'
import { verifyDeviceCertificate } from '../../src/shared/devices/certificates'
import { signedIn } from './agent'
import { approvedBoundDevice, makeDeviceKeys, organisationTrust } from './devices'
import { setupServerTest, type ServerTest } from './fixture'

let shared: ServerTest
beforeAll(async () => {
  shared = await setupServerTest()
}, 60_000)
afterAll(async () => {
  await shared.close()
})

describe('the certificate check cache (review finding 8)', () => {
  it('does not accept a certificate with the same signature but other content from the cache', async () => {
    const { app, db, clock } = shared
    const welzijn = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: welzijn.organisationId })
    const phone = await approvedBoundDevice(worker.agent, welzijn.agent, welzijn.organisationId)
    const trust = await organisationTrust(welzijn.agent, welzijn.organisationId)

    // Checked once: the answer is remembered.
    const before = await receivingDevices(db, [welzijn.organisationId])
    expect(before.map((d) => d.deviceId)).toEqual([phone.id])

    // Whoever can write the server's tables swaps the encryption key in the certificate and in the
    // device row, and keeps the beheerder's signature.
    const spy = await makeDeviceKeys()
    await db.query(`UPDATE devices SET certificate = jsonb_set(certificate::jsonb, '{encryptionKey}', $2::jsonb), public_key = $2::jsonb WHERE id = $1`, [phone.id, JSON.stringify(spy.publicKey)])
    const { rows } = await db.query<{ certificate: unknown }>('SELECT certificate FROM devices WHERE id = $1', [phone.id])
    const chain = { organisationId: welzijn.organisationId, organisationKey: (await db.query<{ k: unknown }>('SELECT organisation_key AS k FROM organisations WHERE id = $1', [welzijn.organisationId])).rows[0]!.k, beheerders: [trust.adminCertificate] }
    // Checked from scratch, the changed certificate does not verify.
    expect(await verifyDeviceCertificate(rows[0]!.certificate, chain, null)).toEqual({ ok: false, reason: 'bad-signature' })

    // Before the fix the cache, keyed by the signature, answered "verified": the spy key became a recipient.
    expect(await receivingDevices(db, [welzijn.organisationId])).toEqual([])
    expect(await certifiedDevices(db, 'd.id = $1', [phone.id])).toEqual([])

    // Put back as it was, the real certificate verifies again.
    await db.query(`UPDATE devices SET certificate = jsonb_set(certificate::jsonb, '{encryptionKey}', $2::jsonb), public_key = $2::jsonb WHERE id = $1`, [phone.id, JSON.stringify(phone.keys.publicKey)])
    expect((await receivingDevices(db, [welzijn.organisationId])).map((d) => d.certificate.encryptionKey.x)).toEqual([phone.keys.publicKey.x])
  })
})
