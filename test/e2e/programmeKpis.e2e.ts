/**
 * Issue 18 "Done when": three workers' devices — two of Welzijn Uden, one of another organisation —
 * take cases through every measure, sync, and the programme team's figures equal what was counted
 * by hand here: on the server, and on the dashboard a programme officer reads in the browser, with
 * small cells suppressed where the view leaves the programme team, and a correction sent after its
 * half-year ended marked as one. The phones run the app's own case and counting code in Node
 * (measuringPhone.ts): clicking cases together is not this test's subject (cases.e2e.ts does that,
 * and checks the snapshots on the wire).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { regionDate } from '../../src/shared/core/clock'
import { periodOf } from '../../src/shared/kpi/period'
import { ApiClient } from './apiClient'
import { seriousViolations } from './axe'
import { chartOverlaps } from './chartOverlaps'
import { firstSignIn } from './signIn'
import { measuringPhone, type MeasuringPhone } from './measuringPhone'
import { otherOrganisation, useOrganisation } from './socialWorkerPhone'

const PASSWORD = 'Kraanvogel-Heide-31-Uden'
const world = useOrganisation()
const phones: MeasuringPhone[] = []
afterAll(() => phones.forEach((p) => p.close()))

/** A Welzijn op Recept case referred by a GP on `referred`, first contact and intake as given. */
function wor(o: { referred: string; contact: string; intake: string; feedback?: string; birthYear: number; municipality: 'Oss' | 'Bernheze'; satisfactionStart?: number }): CaseRecord {
  const c = newCase(crypto.randomUUID(), 'wor', new Date(`${o.referred}T09:00:00Z`))
  c.resident = { name: 'Inwoner', birthYear: o.birthYear, municipality: o.municipality, contact: '' }
  c.referral = { date: o.referred, referrerType: 'huisarts' }
  c.wor = { matchedServiceIds: [], firstContactDate: o.contact, intakeDate: o.intake, ...(o.feedback ? { feedbackDate: o.feedback, feedbackToGp: 'Gaat goed' } : {}) }
  if (o.satisfactionStart !== undefined) c.satisfaction = { start: o.satisfactionStart }
  return c
}

/** A samenwerkwijze case with a plan (an action with an owner, an evaluation date). */
function samenwerkwijze(o: { referred: string; overleg: string; evaluation: string; heldOn?: string; closedOn?: string }): CaseRecord {
  const c = newCase(crypto.randomUUID(), 'samenwerkwijze', new Date(`${o.referred}T09:00:00Z`))
  c.resident = { name: 'Inwoner', birthYear: 1985, municipality: 'Oss', contact: '' }
  c.referral = { date: o.referred, referrerType: 'sociaal-werker' }
  c.consultation = {
    date: o.overleg,
    residentPresent: true,
    participants: [],
    actions: [{ id: crypto.randomUUID(), what: 'Schuldhulp bellen', owner: 'Karin' }],
    evaluationDate: o.evaluation,
    ...(o.heldOn ? { evaluationHeldOn: o.heldOn } : {}),
  }
  if (o.closedOn) {
    c.status = 'closed'
    c.closedAt = o.closedOn
    c.closeCategory = 'doel-bereikt'
    c.satisfaction = { start: 4, end: 8 }
    c.support = { before: [], after: [], beforeCategories: ['schuldhulp'], afterCategories: ['eigen-netwerk'] }
    c.domainSnapshots = [{ date: o.referred, scores: { geldzaken: 2 } }]
    c.lifeDomains = { geldzaken: { score: 4, wantsToTalk: false } }
  }
  return c
}

let anna: MeasuringPhone
let bram: MeasuringPhone
let carla: MeasuringPhone
let programme: ApiClient
let otherOrgId: string
const today = regionDate(new Date())

beforeAll(async () => {
  const base = world.h.baseUrl
  const uden = { admin: world.admin, organisationId: world.organisationId }
  const other = await otherOrganisation(world, 'Vivent Welzijn', 'beheer@vivent.example')
  otherOrgId = other.organisationId
  ;[anna, bram, carla] = await Promise.all([
    measuringPhone(base, uden, { email: 'anna@welzijn.example', name: 'Anna Jansen' }, PASSWORD),
    measuringPhone(base, uden, { email: 'bram@welzijn.example', name: 'Bram de Boer' }, PASSWORD),
    measuringPhone(base, other, { email: 'carla@vivent.example', name: 'Carla Smits' }, PASSWORD),
  ])
  phones.push(anna, bram, carla)
  await world.admin.invite(world.organisationId, { email: 'cijfers@welzijn.example', name: 'Pia Programma', role: 'programma' }, PASSWORD)
  programme = new ApiClient(base)
  await programme.signInFirstTime('cijfers@welzijn.example', PASSWORD)
}, 120_000)

type Row = { measure: string; bucket: string; organisationId: string; ageBand: string; count: number }
const measures = async (period: string) => programme.call<{ rows: Row[]; contributions: { organisationId: string; devices: number; corrections: number }[] }>('GET', `/api/kpi/measures?period=${period}`)
const sum = (rows: Row[], measure: string, bucket: string, where: (r: Row) => boolean = () => true) => rows.filter((r) => r.measure === measure && r.bucket === bucket && where(r)).reduce((n, r) => n + r.count, 0)

describe('the programme steers on figures made by the work (issue 18)', () => {
  it('counts every measure from three workers’ phones as counted by hand, per organisation, with a correction after the half-year', async () => {
    // Anna: four GP referrals answered in time, intake after nine days, satisfied 6 at the start (age 26).
    for (let i = 0; i < 4; i++) await anna.save(wor({ referred: '2026-08-03', contact: '2026-08-10', intake: '2026-08-12', feedback: '2026-08-20', birthYear: 2000, municipality: 'Oss', satisfactionStart: 6 }))
    // Bram: two in time without feedback yet, two late (first contact after 24 days, intake after 34).
    for (let i = 0; i < 2; i++) await bram.save(wor({ referred: '2026-08-03', contact: '2026-08-10', intake: '2026-08-12', birthYear: 1990, municipality: 'Oss' }))
    for (let i = 0; i < 2; i++) await bram.save(wor({ referred: '2026-09-01', contact: '2026-09-25', intake: '2026-10-05', birthYear: 1950, municipality: 'Bernheze' }))
    // Carla (another organisation): a plan evaluated on time and closed with its goal reached; a plan whose evaluation passed unheld.
    await carla.save(samenwerkwijze({ referred: '2026-09-10', overleg: '2026-10-01', evaluation: '2026-11-01', heldOn: '2026-10-30', closedOn: '2026-11-20' }))
    await carla.save(samenwerkwijze({ referred: '2026-09-12', overleg: '2026-10-05', evaluation: '2026-11-10' }))
    for (const p of phones) expect(await p.sync(today)).toBeGreaterThan(0)

    const { rows, contributions } = await measures('2026-H2')
    const uden = (r: Row) => r.organisationId === world.organisationId
    const vivent = (r: Row) => r.organisationId === otherOrgId
    expect([sum(rows, 'first-contact', 'within-14-days'), sum(rows, 'first-contact', 'later')]).toEqual([6, 2])
    expect([sum(rows, 'gp-feedback', 'given'), sum(rows, 'gp-feedback', 'not-given')]).toEqual([4, 4])
    expect([sum(rows, 'referral-to-intake', '2-weeks'), sum(rows, 'referral-to-intake', 'longer')]).toEqual([6, 2])
    expect([sum(rows, 'plan', 'with-plan', vivent), sum(rows, 'plan', 'without-plan')]).toEqual([2, 0])
    expect([sum(rows, 'evaluation', 'on-time'), sum(rows, 'evaluation', 'late'), sum(rows, 'evaluation', 'not-held')]).toEqual([1, 0, 1])
    expect(sum(rows, 'close-reason', 'doel-bereikt', vivent)).toBe(1)
    expect([sum(rows, 'satisfaction-start', '5-6', uden), sum(rows, 'satisfaction-start', '0-4', vivent), sum(rows, 'satisfaction-end', '7-8', vivent)]).toEqual([4, 1, 1])
    expect(sum(rows, 'domain-change', 'geldzaken:better')).toBe(1)
    expect([sum(rows, 'support-before', 'schuldhulp'), sum(rows, 'support-after', 'eigen-netwerk')]).toEqual([1, 1])
    expect(sum(rows, 'first-contact', 'within-14-days', (r) => r.ageBand === '18-30')).toBe(4)
    // Fidelity: the first contact recorded is the essential of the WoR contact step, met for all eight.
    const current = periodOf(today)
    const fidelity = current === '2026-H2' ? rows : (await measures(current)).rows
    expect(sum(fidelity, 'fidelity', 'wor-contact:met')).toBe(8)
    expect(contributions.map((c) => [c.organisationId, c.devices]).sort()).toEqual(
      [
        [world.organisationId, 2],
        [otherOrgId, 1],
      ].sort(),
    )

    // A case of the first half-year that Anna records only now: a correction of a period that ended.
    await anna.save(wor({ referred: '2026-04-27', contact: '2026-05-04', intake: '2026-05-06', birthYear: 1980, municipality: 'Oss' }))
    await anna.sync(today)
    const h1 = await measures('2026-H1')
    expect(sum(h1.rows, 'first-contact', 'within-14-days')).toBe(1)
    expect(h1.contributions.find((c) => c.organisationId === world.organisationId)?.corrections).toBe(1)
  })

  it('shows the same figures to a programme officer on a 320 px phone, and hides small cells where they leave the team', async () => {
    await world.admin.invite(world.organisationId, { email: 'rapport@welzijn.example', name: 'Rik Rapport', role: 'programma' }, PASSWORD)
    const page = await (await world.h.browser.newContext({ viewport: { width: 320, height: 640 } })).newPage()
    await firstSignIn(page, world.h.baseUrl, 'rapport@welzijn.example', PASSWORD)
    await page.goto(`${world.h.baseUrl}/beheer/kpi`)
    await page.getByLabel('Verantwoordingsperiode').selectOption({ label: 'Periode 4 (2e helft 2026)' })
    const cell = (section: string, group: string, bucket: string) => page.locator(`[data-section="${section}"] tbody[data-group="${group}"] tr[data-bucket="${bucket}"] td`).first()
    // The hand count of the first test, in words.
    await expect.poll(() => cell('first-contact', 'wor', 'within-14-days').textContent(), { timeout: 15_000 }).toBe('6 van 8 (75%)')
    expect(await cell('first-contact', 'wor', 'later').textContent()).toBe('2 van 8 (25%)')
    expect(await cell('gp-feedback', 'wor', 'given').textContent()).toBe('4 van 8 (50%)')
    expect(await cell('evaluation', 'samenwerkwijze', 'not-held').textContent()).toBe('1 van 2 (50%)')
    // The inclusion charts: no label over a bar or another label, nothing sticking out, at 320 and
    // 640 px (issue 18 point 7) — and the check does see a label laid over its bar.
    expect(await chartOverlaps(page)).toEqual([])
    await page.setViewportSize({ width: 640, height: 400 })
    expect(await chartOverlaps(page)).toEqual([])
    // (Laid over through the style object: the page's CSP refuses a style element, rightly.)
    const layOver = (how: string) => page.evaluate((position) => document.querySelectorAll<HTMLElement>('[data-chart="funnel"] .kpi-figures__text').forEach((e) => (e.style.position = position)), how)
    await layOver('absolute')
    expect((await chartOverlaps(page)).some((f) => f.startsWith('funnel: ') && f.includes(' over bar '))).toBe(true)
    await layOver('')
    await page.setViewportSize({ width: 320, height: 640 })
    // Per organisation (the programme team only): Vivent's plans.
    await page.getByTestId('kpi-breakdown').selectOption({ label: 'Vivent Welzijn' })
    await expect.poll(() => cell('plan', 'samenwerkwijze', 'with-plan').textContent()).toBe('2 van 2 (100%)')
    await page.getByTestId('kpi-breakdown').selectOption({ index: 0 })
    // As shown outside the programme team: the two late first contacts are a small cell.
    await page.getByTestId('kpi-suppress').check()
    await expect.poll(() => cell('first-contact', 'wor', 'later').textContent()).toMatch(/^<5/)
    expect(await cell('first-contact', 'wor', 'within-14-days').textContent()).not.toMatch(/van 8/)
    // What the figures rest on: both organisations, and the evidence to download.
    const evidence = page.getByTestId('kpi-evidence')
    expect(await evidence.textContent()).toMatch(/Vivent Welzijn/)
    expect(await seriousViolations(page)).toEqual([])

    // The period's report, as a financier reads it: small cells hidden, and what the figures rest on
    // (who reported, the evidence file's fingerprint).
    await page.getByTestId('kpi-report-link').click()
    await page.getByRole('heading', { level: 1 }).waitFor()
    const report = async () => (await page.locator('main').textContent()) ?? ''
    await expect.poll(report, { timeout: 15_000 }).toMatch(/Vingerafdruk \(SHA-256\) van het bewijsbestand over 2e helft 2026: [0-9a-f]{64}/)
    expect(await report()).toMatch(/Binnen 14 dagen6Later<5/)
    expect(await seriousViolations(page)).toEqual([])
  })
})
