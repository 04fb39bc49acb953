/**
 * Issue 14: each role walks from sign-in to its "Vandaag" and on to one task from there, on a
 * 360 px phone, in the professionals' own shell (header with person and organisation, sync state,
 * lock; a bottom bar per role; no resident menu or "inloggen" footer). Seeded through the API where
 * clicking is not what the test is about: a referral sealed from a Node "GP phone", a device
 * waiting for approval, a report, a target.
 */
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from './apiClient'
import { approvePending } from './certify'
import { approvedBoundDevice, registerDevice, type PublicJwk } from '../server/devices'
import { sealSigned } from '../../src/shared/crypto/sealed'
import { referralContext } from '../../src/shared/referrals/referral'
import { regionDate } from '../../src/shared/core/clock'
import { periodOf } from '../../src/shared/kpi/period'
import { accountabilityName, accountabilityPeriodOf, DEFAULT_ACCOUNTABILITY_PERIODS } from '../../src/shared/kpi/accountability'
import { seriousViolations } from './axe'
import { startHarness, type Harness } from './harness'
import { firstSignIn, registerThisDevice, unlockVault } from './signIn'

const PASSWORD = 'Kraanvogel-Heide-31-Uden'
const PHONE = { width: 360, height: 740 }

let h: Harness
let welzijn: ApiClient
let praktijk: ApiClient
let region: ApiClient
let welzijnId: string
let praktijkId: string
let regionId: string
const contexts: BrowserContext[] = []

const passwordOf = (out: string) => /Password \(shown once\): (\S+)/.exec(out)![1]!
const orgIdOf = (out: string) => /: ([0-9a-f-]{36})/.exec(out)![1]!

/** A new organisation made by the region's beheerder, with its first beheerder signed in from Node (fewer CLI starts: a faster set-up). */
async function newOrganisation(name: string, email: string): Promise<[string, ApiClient]> {
  const { id, invitation } = await region.call<{ id: string; invitation: { link: string } }>('POST', '/api/region/organisations', { name, firstBeheerder: { email, name: `Beheer ${name}` } })
  const admin = new ApiClient(h.baseUrl)
  await admin.call('POST', '/api/links/redeem', { token: invitation.link.split('#')[1], password: PASSWORD, name: `Beheer ${name}` })
  await admin.signInFirstTime(email, PASSWORD)
  return [id, admin]
}

beforeAll(async () => {
  h = await startHarness({
    setup: [
      ['org:create', '--region', 'Programmabureau SiG'],
      ['user:create', 'beheer@sig.example', 'Beheer Regio', 'Programmabureau SiG', 'beheerder'],
    ],
  })
  regionId = orgIdOf(h.setupOutput[0]!)
  region = new ApiClient(h.baseUrl)
  await region.signInFirstTime('beheer@sig.example', passwordOf(h.setupOutput[1]!))
  ;[welzijnId, welzijn] = await newOrganisation('Welzijn Oss', 'beheer@welzijn.example')
  ;[praktijkId, praktijk] = await newOrganisation('Huisartsenpraktijk De Linde', 'beheer@linde.example')
}, 240_000)
afterAll(async () => {
  for (const c of contexts) await c.close()
  await h?.stop()
})

/** A new member of `organisationId`, signed in for the first time on a 360 px phone: lands on Vandaag. */
async function signedInPhone(admin: ApiClient, organisationId: string, email: string, name: string, role: string): Promise<Page> {
  await admin.invite(organisationId, { email, name, role }, PASSWORD)
  const context = await h.browser.newContext({ viewport: PHONE })
  contexts.push(context)
  const page = await context.newPage()
  await firstSignIn(page, h.baseUrl, email, PASSWORD)
  await page.getByRole('heading', { level: 1, name: 'Vandaag' }).waitFor()
  expect(new URL(page.url()).pathname).toBe('/beheer')
  return page
}

/** The shell: the person and organisation in the header, the role's bar, nothing of the residents' chrome. */
async function checkShell(page: Page, person: string, organisation: string, bar: string[]) {
  await expect.poll(() => page.getByTestId('pro-person').textContent()).toBe(`${person} · ${organisation}`)
  expect((await page.getByTestId('pro-nav').getByRole('link').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim())).toEqual(bar)
  expect(await page.getByTestId('nav-today').getAttribute('aria-current')).toBe('page')
  expect(await page.getByRole('link', { name: /Mijn lijstje|Voor professionals/ }).count()).toBe(0)
  expect(await page.getByRole('button', { name: 'English' }).count()).toBe(0)
  // The bar's items are standalone touch targets, and the bar sits at the bottom of the phone's screen.
  for (const box of await page.getByTestId('pro-nav').getByRole('link').evaluateAll((links) => links.map((l) => l.getBoundingClientRect().toJSON() as DOMRect))) {
    expect(box.width).toBeGreaterThanOrEqual(44)
    expect(box.height).toBeGreaterThanOrEqual(44)
    expect(box.bottom).toBeGreaterThan(PHONE.height - 2)
  }
  expect(await seriousViolations(page)).toEqual([])
}

describe('each role from sign-in to Vandaag and one task, on a 360 px phone', () => {
  it('sociaal-werker: a referral to accept (with the inbox count) leads to its inbox card; the lock locks; offline speaks of the work', async () => {
    const page = await signedInPhone(welzijn, welzijnId, 'sanne@welzijn.example', 'Sanne de Wit', 'sociaal-werker')
    // A new phone: registering it is the first task on Vandaag.
    await registerThisDevice(page)
    await approvePending(welzijn, welzijnId)

    // A GP's phone (made in Node, approved in its practice) seals a referral to Sanne's phone.
    const gp = new ApiClient(h.baseUrl)
    await praktijk.invite(praktijkId, { email: 'node-gp@linde.example', name: 'Dokter Node', role: 'huisarts' }, PASSWORD)
    await gp.signInFirstTime('node-gp@linde.example', PASSWORD)
    const gpPhone = await approvedBoundDevice(gp.agent, praktijk.agent, praktijkId)
    const { devices } = await welzijn.call<{ devices: { id: string; userName: string; status: string; publicKey: PublicJwk }[] }>('GET', `/api/orgs/${welzijnId}/devices`)
    const sanne = devices.find((d) => d.userName === 'Sanne de Wit' && d.status === 'approved')!
    const id = crypto.randomUUID()
    const at = new Date().toISOString()
    const content = { intervention: 'wor', patient: { name: 'Geertje Ploeg', municipality: 'Oss' }, reasons: ['eenzaamheid'], domains: [], consent: { given: true, date: at.slice(0, 10) } }
    const sealed = await sealSigned(content, [{ deviceId: sanne.id, publicKey: sanne.publicKey }], referralContext(id), { deviceId: gpPhone.id, signingKey: gpPhone.keys.signing.privateKey }, at)
    await gp.call('POST', '/api/referrals', { id, intervention: 'wor', senderOrganisationId: praktijkId, receivingOrganisationId: welzijnId, sentAt: at, sealed })

    // Back on Vandaag (a new page load: the vault is locked, Vandaag offers to open it).
    await page.goto(`${h.baseUrl}/beheer`)
    await page.getByTestId('today-locked').waitFor()
    await unlockVault(page)
    const accept = page.getByTestId('today-accept')
    await expect.poll(() => accept.textContent()).toMatch(/^Welzijn op Recept van Huisartsenpraktijk De Linde\s*Nieuw, verstuurd vandaag om/)
    await expect.poll(() => page.getByTestId('inbox-badge').textContent()).toMatch(/^\s*1/)
    await page.getByTestId('today-cases').getByText('Deze week staat er niets op je naam.').waitFor()
    await checkShell(page, 'Sanne de Wit', 'Welzijn Oss', ['Vandaag', 'Casussen', 'Inbox 1 wachten op jou', 'Kaart', 'Meer'])
    await expect.poll(() => page.getByTestId('sync-state').textContent()).toMatch(/^Alles verstuurd · bijgewerkt vandaag om/)

    await accept.getByRole('link').click()
    await page.getByRole('heading', { level: 1, name: 'Verwijzingen' }).waitFor()
    expect(new URL(page.url()).pathname + new URL(page.url()).hash).toBe(`/werk/verwijzingen#verwijzing-${id}`)
    expect(await page.getByTestId('nav-inbox').getAttribute('aria-current')).toBe('page')

    // The lock button locks the vault: the page asks for the passphrase again.
    await page.getByTestId('lock-vault').click()
    await page.getByLabel('Wachtzin', { exact: true }).waitFor()
    expect(await page.getByTestId('lock-vault').count()).toBe(0)

    // Offline on the case list: the notice is about the work, not about "de kaart".
    await page.getByTestId('nav-cases').click()
    await page.context().setOffline(true)
    await expect.poll(() => page.getByTestId('offline').textContent()).toContain('Je werk blijft op dit apparaat')
    expect(await page.getByTestId('offline').textContent()).not.toContain('kaart')
    // Vandaag reloaded with no connection opens (not a blank page) and leads to the cases on this phone.
    await page.goto(`${h.baseUrl}/beheer`)
    await page.getByTestId('today-offline').getByRole('link', { name: 'Naar je casussen' }).waitFor()
    expect(await page.getByRole('heading', { level: 1, name: 'Vandaag' }).count()).toBe(1)
    await page.context().setOffline(false)
    await page.reload()

    // The public map from the bar: the residents' footer leads back to Vandaag, not to signing in.
    await page.getByTestId('nav-map').click()
    await page.getByRole('link', { name: 'Terug naar je werk: Vandaag' }).waitFor()
    expect(await page.getByRole('link', { name: 'Voor professionals: inloggen' }).count()).toBe(0)
  }, 90_000)

  it('huisarts: Vandaag asks to register the phone first and leads to the referral form', async () => {
    const page = await signedInPhone(praktijk, praktijkId, 'dokter@linde.example', 'Dokter Jansen', 'huisarts')
    await page.getByTestId('today-gp').getByText('Je verwijzingen zie je hier zodra dit apparaat is aangemeld en goedgekeurd (zie hieronder).').waitFor()
    await checkShell(page, 'Dokter Jansen', 'Huisartsenpraktijk De Linde', ['Vandaag', 'Verwijzen', 'Overzicht', 'Kaart', 'Meer'])
    await page.getByRole('link', { name: 'Iemand verwijzen' }).click()
    await page.getByRole('heading', { level: 1, name: 'Verwijzen' }).waitFor()
    expect(await page.getByTestId('nav-refer').getAttribute('aria-current')).toBe('page')
  }, 60_000)

  it('beheerder: a device waiting for approval leads to the devices page', async () => {
    const colleague = new ApiClient(h.baseUrl)
    await praktijk.invite(praktijkId, { email: 'poh@linde.example', name: 'Petra Poh', role: 'huisarts' }, PASSWORD)
    await colleague.signInFirstTime('poh@linde.example', PASSWORD)
    await registerDevice(colleague.agent, praktijkId, 'Telefoon Petra')
    const page = await signedInPhone(praktijk, praktijkId, 'beheer2@linde.example', 'Bas Beheer', 'beheerder')
    const devices = page.getByTestId('today-devices')
    await expect.poll(() => devices.textContent()).toBe('1 apparaat wacht op goedkeuring')
    await checkShell(page, 'Bas Beheer', 'Huisartsenpraktijk De Linde', ['Vandaag', 'Leden', 'Apparaten', 'Meer'])
    await devices.click()
    await page.getByRole('heading', { level: 1, name: 'Apparaten' }).waitFor()
    expect(new URL(page.url()).pathname).toBe(`/beheer/organisatie/${praktijkId}/apparaten`)
  }, 60_000)

  it('kaartbeheerder: an open report leads to the reports page', async () => {
    const map = (await (await fetch(`${h.baseUrl}/api/social-map`)).json()) as { services: { id: string }[] }
    await new ApiClient(h.baseUrl).call('POST', '/api/reports', { id: crypto.randomUUID(), serviceId: map.services[0]!.id, message: 'De tijden kloppen niet meer.' })
    const page = await signedInPhone(region, regionId, 'kaart@sig.example', 'Karim Kaart', 'kaartbeheerder')
    const reports = page.getByTestId('today-reports')
    await expect.poll(() => reports.textContent()).toBe('1 open melding')
    await checkShell(page, 'Karim Kaart', 'Programmabureau SiG', ['Vandaag', 'Aanbod', 'Meldingen', 'Voorstellen', 'Meer'])
    await reports.click()
    await page.getByText('De tijden kloppen niet meer.').waitFor()
    expect(await page.getByTestId('nav-reports').getAttribute('aria-current')).toBe('page')
  }, 60_000)

  it('programma: the current period against its target leads to the figures', async () => {
    // The accountability period today falls in (docs/kpi.md "Periods and targets").
    const period = accountabilityPeriodOf(periodOf(regionDate(new Date())), DEFAULT_ACCOUNTABILITY_PERIODS)!
    const setter = new ApiClient(h.baseUrl)
    await region.invite(regionId, { email: 'doelen@sig.example', name: 'Dirk Doelen', role: 'programma' }, PASSWORD)
    await setter.signInFirstTime('doelen@sig.example', PASSWORD)
    await setter.call('PUT', '/api/kpi/targets', { targets: [{ period: period.id, kpi: 'included', intervention: 'wor', target: 40 }] })
    const page = await signedInPhone(region, regionId, 'cijfers@sig.example', 'Pia Programma', 'programma')
    // The period as the programme names it ('Periode 4 (2e helft 2026)'): never '2026-H2'.
    await page.getByRole('heading', { name: `${accountabilityName(period, DEFAULT_ACCOUNTABILITY_PERIODS)} tegen de doelen` }).waitFor()
    const target = page.getByTestId('today-target')
    await expect.poll(() => target.textContent()).toMatch(/^Welzijn op Recept: 0 van 40 \(0 %\)\s*nog niet gehaald$/)
    await checkShell(page, 'Pia Programma', 'Programmabureau SiG', ['Vandaag', 'Cijfers', 'Meer'])
    await target.click()
    await page.getByRole('heading', { level: 1, name: "Inclusie en KPI's" }).waitFor()
  }, 60_000)
})
