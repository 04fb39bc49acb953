/**
 * The region's date on the server (issue 12): a referral sent at 00:30 in Oss is due fourteen days
 * after the region's date, not the UTC date, and it turns overdue when the region's day turns
 * (at 00:30 on the due day's morrow), not when UTC's day does. The server's clock decides, never
 * the database session's time zone (current_date) nor the machine's date.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../src/server/db/database'
import { sealSigned } from '../../src/shared/crypto/sealed'
import { recipientOf, type Certificate } from '../../src/shared/devices/certificates'
import { referralContext, type ReferralContent } from '../../src/shared/referrals/referral'
import { Clock } from './agent'
import { setupServerTest, type TestApp } from './fixture'
import { referralWorld } from './referralWorld'

let db: Database
let close: () => Promise<void>
let app: TestApp
const clock = new Clock()

beforeEach(async () => {
  ;({ db, close, app } = await setupServerTest({ clock }))
})
afterEach(async () => {
  await close()
})

const CONTENT: ReferralContent = {
  intervention: 'wor',
  patient: { name: 'Test Inwoner', phone: '06 1234 5678', birthYear: 1950, municipality: 'Oss' },
  reasons: ['eenzaamheid'],
  note: '',
  domains: ['sociaal'],
  urgency: 'gewoon',
  consent: { given: true, date: '2026-03-14' },
  referrer: { name: 'Dokter Test', organisation: 'Praktijk' },
}

type Listed = { id: string; overdue: boolean; firstContactDue: string | null }

describe("the region's date on the server", () => {
  it('dates a referral sent at 00:30 in Oss by the region\'s day, and flags it overdue when the region\'s day turns', async () => {
    const { welzijn, worker, practice, gp, workerPhone, gpPhone } = await referralWorld({ app, db, clock })

    // 2026-03-14T23:30Z is 00:30 on 15 March in Oss (UTC+1).
    clock.t = Date.UTC(2026, 2, 14, 23, 30)
    const sentAt = new Date(clock.t).toISOString()
    const dir = (await (await gp.agent.call('GET', '/api/referrals/directory')).json()) as { keys: Record<string, Certificate[]>; own: Certificate[] }
    const id = crypto.randomUUID()
    const recipients = [...dir.keys[welzijn.organisationId]!, ...dir.own].map(recipientOf)
    const sealed = await sealSigned(CONTENT, recipients, referralContext(id), { deviceId: gpPhone.id, signingKey: gpPhone.keys.signing.privateKey }, sentAt)
    const sent = await gp.agent.call('POST', '/api/referrals', { id, intervention: 'wor', senderOrganisationId: practice.organisationId, receivingOrganisationId: welzijn.organisationId, sentAt, sealed })
    expect(sent.status).toBe(201)
    expect(workerPhone.id).toBeTruthy()
    const inbox = async () => ((await (await worker.agent.call('GET', '/api/referrals/inbox')).json()) as { referrals: Listed[] }).referrals[0]!

    // Fourteen days after the region's 15 March (UTC's 14 March would give the 28th).
    expect(await inbox()).toMatchObject({ id, firstContactDue: '2026-03-29', overdue: false })
    // 23:30 on the due day in Oss (UTC+2 since that night): not overdue yet.
    clock.t = Date.UTC(2026, 2, 29, 21, 30)
    expect(await inbox()).toMatchObject({ firstContactDue: '2026-03-29', overdue: false })
    // 00:30 on 30 March in Oss, still 29 March in UTC: overdue.
    clock.t = Date.UTC(2026, 2, 29, 22, 30)
    expect(await inbox()).toMatchObject({ firstContactDue: '2026-03-29', overdue: true })
  })
})
