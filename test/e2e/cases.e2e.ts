import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { ApiClient, bootstrapCode } from './apiClient'
import { approveDevice, approvePending } from './certify'
import { seriousViolations } from './axe'
import { chartOverlaps } from './chartOverlaps'
import { caseIdOf, KEPT_THROUGH_WIPE, storedAt, storesWithRows, untilStored, vaultRecords, wipeLeftovers } from './caseStorage'
import { dumpDevice, dumpIndexedDb, published, scanDump, storeValues } from './deviceDump'
import { PLANT_PLACES, plantEverywhere, removePlant } from './devicePlant'
import { startHarness, type Harness } from './harness'
import { captureRequests, PLANTED_REQUEST_FORMS, scanRequests, sendPlant } from './outgoing'
import { firstSignIn, setUpVault, unlockVault } from './signIn'
import { makeDeviceKeys, registrationBody } from '../server/devices'
import { describeFindings, scanDatabase } from '../support/secretScan'
import { neverLog } from './logWatch'
import { openDatabase } from '../../src/server/db/database'
import { addDays } from '../../src/shared/core/days'
import { DATABASES, LOCAL_KEYS } from '../../src/app/core/storageNames'
import { regionDate } from '../../src/shared/core/clock'
import { challengeMessage } from '../../src/shared/devices/deviceTrust'
import { signMessage } from '../../src/shared/crypto/signatures'
import { snapshotMessage } from '../../src/shared/kpi/snapshot'

let h: Harness
let admin: ApiClient
let organisationId: string
beforeAll(async () => {
  h = await startHarness()
  const code = bootstrapCode(h.dataDir)
  admin = new ApiClient(h.baseUrl)
  ;({ organisationId } = await admin.call<{ organisationId: string }>('POST', '/api/auth/bootstrap', { code, organisation: 'Welzijn Uden', name: 'Beheer', email: 'beheer@welzijn.example', password: 'Reiger-Plas-40-Volkel' }))
  await admin.signInFirstTime('beheer@welzijn.example', 'Reiger-Plas-40-Volkel')
})

/**
 * A social worker signed in on a phone whose device the beheerder approved; returns the page at
 * "Mijn casussen" with the vault open, and every request the phone made from its first page on
 * (the service worker's included). The device's keys are made in an open vault, so the vault is
 * set up on the professional home page first (docs/device-trust.md); `setUp` replaces that step.
 */
async function workerOnApprovedPhone(email: string, options: { clock?: boolean; setUp?: (page: Page) => Promise<void> } = {}) {
  await admin.invite(organisationId, { email, name: 'Sanne de Wit', role: 'sociaal-werker' }, WORKER.password)
  const context = await h.browser.newContext({ viewport: { width: 390, height: 800 } })
  const requests = captureRequests(context)
  const page = await context.newPage()
  if (options.clock) await page.clock.install()
  await firstSignIn(page, h.baseUrl, email, WORKER.password)
  await page.getByRole('heading', { name: 'Dit apparaat', exact: true }).waitFor()
  await (options.setUp ?? setUpVault)(page)
  await page.getByRole('button', { name: 'Apparaat aanmelden' }).click()
  await page.getByTestId('device-status').waitFor()
  // Approved with a real certificate, as the beheerder's phone signs it (docs/device-trust.md).
  await approvePending(admin, organisationId)
  await page.getByRole('link', { name: /casussen/i }).first().click()
  await page.getByRole('button', { name: 'Nieuwe casus' }).waitFor()
  return { context, page, requests }
}
afterAll(async () => {
  await h?.stop()
})

/**
 * The resident holds their plan (issue 17 point 4; docs/resident-plan.md): a link made on the plan
 * page opens the whole plan on the resident's own phone (320 px, no account); the key leaves the
 * address bar; offline it opens again; past its last day it shows nothing, offline too; withdrawn,
 * it stops working at the next online open. The server's tables hold none of the plan's words nor
 * the key, and its output never held the key (neverLog: the harness checks the log when it stops).
 */
async function residentHoldsThePlan(page: Page) {
  await page.getByRole('link', { name: 'Plan voor de inwoner (afdrukken)' }).click()
  await page.getByRole('heading', { name: 'Mijn plan' }).waitFor()
  await page.getByRole('button', { name: 'Link maken' }).click()
  const url = await page.getByTestId('resident-link-url').inputValue()
  const key = new URL(url).hash.slice(1)
  expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/)
  neverLog(key)
  // The link panel at 320 px too (issue 17: axe clean on the new screens at 320 px).
  const size = page.viewportSize()!
  await page.setViewportSize({ width: 320, height: 640 })
  expect(await seriousViolations(page)).toEqual([])
  await page.setViewportSize(size)

  const residentPhone = await h.browser.newContext({ viewport: { width: 320, height: 640 } })
  const resident = await residentPhone.newPage()
  await resident.goto(url)
  await resident.getByText('Budgetplan maken').waitFor()
  expect(new URL(resident.url()).hash).toBe('')
  const plan = (await resident.locator('main').textContent()) ?? ''
  expect(plan).toContain('Gemaakt op 20 november 2026 door Welzijn Uden.')
  expect(plan).toMatch(/Karin — houdt contact met jou\s*schuldhulpverlener, Schuldhulp Maasland\s*0412 555 010/)
  expect(plan).toContain('Wie: Karin, Schuldhulp Maasland')
  for (const words of ['Mijn schulden op orde', 'Dochter Anne', 'Post samen openen met Anne']) expect(plan).toContain(words)
  expect(await seriousViolations(resident)).toEqual([])
  await resident.evaluate(async () => void (await navigator.serviceWorker.ready))
  await residentPhone.setOffline(true)
  await resident.reload()
  await resident.getByText('Budgetplan maken').waitFor()
  await resident.getByText(/^Je bent offline\. Je ziet je plan/).waitFor()
  await resident.clock.setFixedTime(new Date(`${addDays(regionDate(new Date()), 91)}T12:00:00Z`))
  await resident.reload()
  await resident.getByText(/Deze link is verlopen/).waitFor()
  expect(await resident.getByText('Budgetplan maken').count()).toBe(0)
  expect(await resident.evaluate((k) => localStorage.getItem(k), LOCAL_KEYS.residentPlans)).toBeNull()
  await residentPhone.close()

  const another = await (await h.browser.newContext({ viewport: { width: 320, height: 640 } })).newPage()
  await another.goto(url)
  await another.getByText('Budgetplan maken').waitFor()
  page.once('dialog', (d) => void d.accept())
  await page.getByRole('button', { name: 'Link intrekken' }).click()
  await page.getByText('De link is ingetrokken.').waitFor()
  await another.reload()
  await another.getByText(/Deze link werkt niet meer/).waitFor()
  await another.context().close()

  const copy = mkdtempSync(join(tmpdir(), 'swz-plan-scan-'))
  onTestFinished(() => rmSync(copy, { recursive: true, force: true }))
  cpSync(h.dataDir, copy, { recursive: true })
  const db = await openDatabase({ kind: 'pglite', dataDir: copy })
  const found = await scanDatabase(db, ['Budgetplan maken', 'Schuldhulp Maasland', '0412 555 010', 'Mijn schulden op orde', key, 'Welzijn Uden']).finally(() => db.close())
  // The scan reaches the tables: the organisation's name is stored in the clear on purpose.
  expect(found.some((f) => f.secret === 'Welzijn Uden')).toBe(true)
  expect(describeFindings(found.filter((f) => f.secret !== 'Welzijn Uden'))).toEqual([])
}

const WORKER = { email: 'sanne@welzijn.example', password: 'Kraanvogel-Heide-31-Uden' }
const RESIDENT = { name: 'Maria Verhoeven', year: '1948', phone: '06 00112233', wil: 'Weer onder de mensen komen', kan: 'Goed koken voor anderen', nodig: 'Vervoer naar het dorpshuis' }
const FEEDBACK = 'Mevrouw gaat wekelijks mee met de wandelgroep.'
/** A calendar date as the case shows it, the Dutch way ("18 november 2026"), with no time-zone shift. */
const dutchDate = (iso: string) => new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`))
/** The birth year as stored or sent would look (a JSON number or string): four bare digits also turn up by chance in hashes and ids. */
const YEAR_AS_VALUE = [`:${RESIDENT.year}`, `"${RESIDENT.year}"`]
/** Everything personal typed into the WoR case. */
const RESIDENT_SECRETS = [RESIDENT.name, 'Verhoeven', ...YEAR_AS_VALUE, RESIDENT.phone, RESIDENT.wil, RESIDENT.kan, RESIDENT.nodig, FEEDBACK, 'wekelijks mee']
/** Known plaintexts put on the device and on the wire on purpose, to prove the scans see them. */
const STORAGE_PLANT = 'Zoë Tulpenbol uit Zevenhuizen'
const REQUEST_PLANT = 'Kees Tulpenbol uit Zevenhuizen'
/** Opens step n of the case's own steps (the method definition's, src/shared/method/sigMethod.ts). */
const step = (page: Page, n: number) => page.getByRole('navigation', { name: 'Stappen' }).getByRole('link', { name: new RegExp(`^${n}\\. `) }).click()

describe('case work on the social worker’s phone', () => {
  it('sets a passphrase, keeps a WoR case through a killed tab, and leaves nothing readable on the device', async () => {
    const { context, page: first, requests } = await workerOnApprovedPhone(WORKER.email, {
      setUp: async (page) => {
        // A passphrase, then a new Welzijn op Recept case. A PIN is refused.
        await page.getByLabel('Nieuwe wachtzin').waitFor()
        expect(await seriousViolations(page)).toEqual([])
        await setUpVault(page, '4829')
        await expect.poll(() => page.getByText('De wachtzin is te kort').isVisible()).toBe(true)
        await setUpVault(page, '482913482913')
        await expect.poll(() => page.getByText('Deze wachtzin is te makkelijk te raden').isVisible()).toBe(true)
        await setUpVault(page)
      },
    })
    let page = first
    await page.getByLabel('Route').selectOption('wor')
    expect(await seriousViolations(page)).toEqual([])
    await page.getByRole('button', { name: 'Nieuwe casus' }).click()
    await page.getByRole('heading', { name: 'Casus: Welzijn op Recept' }).waitFor()
    expect(await seriousViolations(page)).toEqual([])
    expect(await page.title()).toBe('Casus — Sociale kaart')
    const caseId = caseIdOf(page)

    await page.getByLabel('Naam van de inwoner').fill(RESIDENT.name)
    await page.getByLabel('Geboortejaar').fill(RESIDENT.year)
    await page.getByLabel('Gemeente').selectOption('Maashorst')
    await page.getByLabel('Telefoon of e-mail').fill(RESIDENT.phone)
    // The region's date, as the app counts days (src/shared/core/clock.ts).
    const today = regionDate(Date.now())
    await page.getByLabel('Datum van verwijzing').fill(today)
    await step(page, 2)
    await expect.poll(() => page.getByTestId('wor-deadline').textContent()).toMatch(/Nog 14 dagen voor het eerste contact/)
    await step(page, 3)
    await page.getByLabel('Wat wil ik?').fill(RESIDENT.wil)
    await page.getByLabel('Wat kan ik (zelf)?').fill(RESIDENT.kan)
    expect(await seriousViolations(page)).toEqual([])
    // Typed a moment ago, then the tab dies: nothing is lost. The consent last: it completes step 1,
    // so once the stored case (its clear index) stands at step 2, the save that holds everything
    // typed before has landed (saves queue in order, each holding the whole case), and not a moment
    // later the tab dies.
    await page.getByLabel('Wat heb ik nodig?').fill(RESIDENT.nodig)
    await page.getByRole('group', { name: 'Sociaal netwerk', exact: true }).getByRole('radio', { name: '2', exact: true }).check()
    await step(page, 1)
    await page.getByLabel('De inwoner geeft toestemming').check()
    await untilStored(page, caseId, (c) => c.currentStep === 'wor-contact')
    const caseUrl = page.url()
    await page.close({ runBeforeUnload: false })

    page = await context.newPage()
    await page.goto(caseUrl)
    await page.getByLabel('Wachtzin', { exact: true }).waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await unlockVault(page, 'kraanvogel boven de heide')
    await expect.poll(async () => (await page.getByRole('alert').allTextContents()).join(' | '), { timeout: 15_000 }).toMatch(/Dit klopt niet\. Nog 9 pogingen/)
    await unlockVault(page)
    await page.getByRole('heading', { name: 'Casus: Welzijn op Recept' }).waitFor()
    await step(page, 1)
    expect(await page.getByLabel('Naam van de inwoner').inputValue()).toBe(RESIDENT.name)
    await step(page, 2)
    await page.getByLabel('Eerste contact', { exact: true }).fill(today)
    await step(page, 3)
    expect(await page.getByLabel('Wat heb ik nodig?').inputValue()).toBe(RESIDENT.nodig)
    expect(await page.getByRole('group', { name: 'Sociaal netwerk', exact: true }).getByRole('radio', { name: '2', exact: true }).isChecked()).toBe(true)

    // The WoR path: first contact (above), intake (the moment of inclusion), an activity, feedback, closing.
    await page.getByLabel('Intake gehouden op').fill(today)
    await expect.poll(() => page.getByText(`Meegeteld vanaf ${dutchDate(today)}`).isVisible()).toBe(true)
    await step(page, 5)
    await page.getByLabel('Zoek een activiteit op de sociale kaart').fill('wandelgroep')
    await page.getByRole('button', { name: 'Zoeken' }).click()
    await page.getByRole('button', { name: /^Koppelen: Wandelgroep/ }).first().click()
    await expect.poll(() => page.getByRole('button', { name: /^Weghalen: Wandelgroep/ }).count()).toBe(1)
    await step(page, 6)
    await page.getByLabel('Bericht aan de huisarts').fill(FEEDBACK)
    await step(page, 7)
    await page.getByRole('button', { name: 'Casus afsluiten' }).click()
    await page.getByText(/^Afgesloten op/).waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await untilStored(page, caseId, (c) => c.status === 'closed')

    // The resident's copy of the plan.
    await page.getByRole('link', { name: 'Plan voor de inwoner (afdrukken)' }).click()
    await page.getByRole('heading', { name: 'Mijn plan' }).waitFor()
    expect(await page.getByText(RESIDENT.wil).count()).toBe(1)
    expect(await seriousViolations(page)).toEqual([])

    // Nothing readable on the device: no name, birth year, phone or free text in any storage area,
    // in keys or values. A plaintext planted in every area shows the dump and the scan reach it.
    await plantEverywhere(page, STORAGE_PLANT)
    const dump = await dumpDevice(page, await published(h))
    await removePlant(page, STORAGE_PLANT)
    // The app's files and the map as published are left out, exact copies only (deviceDump.ts).
    expect(dump.caches.flatMap((c) => c.entries).filter((e) => 'builtFile' in e.body).length).toBeGreaterThan(0)
    expect(JSON.stringify(storeValues(dump.indexedDb, DATABASES.socialMap, 'services'))).toContain('"$published"')
    const stored = storeValues(dump.indexedDb, DATABASES.cases, 'cases') as { id: string; municipality?: string }[]
    expect(stored.find((c) => c.id === caseId)?.municipality).toBe('Maashorst')
    const onDevice = scanDump(dump, [...RESIDENT_SECRETS, STORAGE_PLANT])
    expect(describeFindings(onDevice.filter((f) => f.secret !== STORAGE_PLANT))).toEqual([])
    const plantedAt = onDevice.filter((f) => f.secret === STORAGE_PLANT).map((f) => f.where)
    expect(PLANT_PLACES.filter((place) => !plantedAt.some((where) => place.test(where))).map(String)).toEqual([])
    // Nor in the page title or the address.
    expect(await page.title()).not.toContain('Maria')
    expect(page.url()).not.toContain('Maria')

    // Back at the list the counts go upstream: counts only, no personal value in any request.
    await page.goto(`${h.baseUrl}/werk`)
    await unlockVault(page)
    await expect.poll(() => page.getByTestId('counts-sync').textContent(), { timeout: 15_000 }).toMatch(/laatst verstuurd (vandaag|gisteren|\d+ \w+) om \d{2}:\d{2}/)
    // A request made on purpose with a known multi-word value (path, query, header, body) shows the capture and the scan see it.
    await sendPlant(page, REQUEST_PLANT)
    const sent = await requests.sent()
    // The capture sees the service worker's own fetches too (its precache of the app).
    expect(sent.some((r) => r.fromServiceWorker)).toBe(true)
    const kpi = sent.filter((r) => r.url.endsWith('/api/kpi/snapshots'))
    expect(kpi.length).toBeGreaterThan(0)
    const snapshots = kpi.map((r) => JSON.parse(r.body!.toString('utf8')) as { rows: Record<string, unknown>[]; measures: Record<string, unknown>[] })
    for (const sentSnapshot of snapshots) {
      // Under the counting id the server issued, signed by the device (docs/device-trust.md), with the steering measures (docs/kpi.md).
      expect(Object.keys(sentSnapshot).sort()).toEqual(['counterId', 'measures', 'period', 'rows', 'signature', 'snapshotVersion'])
      for (const row of sentSnapshot.rows) expect(Object.keys(row).sort()).toEqual(['completed', 'included', 'includedCumulative', 'intervention', 'municipality', 'referred', 'referrerType'])
      for (const row of sentSnapshot.measures) expect(Object.keys(row).sort()).toEqual(['ageBand', 'bucket', 'count', 'intervention', 'measure', 'municipality', 'referrerType'])
    }
    // The measures went too: this case's first contact, counted (codes and counts only).
    expect(snapshots.some((s) => s.measures.some((row) => row.measure === 'first-contact' && row.count === 1))).toBe(true)
    expect(snapshots.some((s) => s.rows.some((row) => row.intervention === 'wor' && row.included === 1 && row.completed === 1))).toBe(true)
    const onWire = scanRequests(sent, [...RESIDENT_SECRETS, REQUEST_PLANT])
    expect(describeFindings(onWire.filter((f) => f.secret !== REQUEST_PLANT))).toEqual([])
    const plantForms = onWire.filter((f) => f.secret === REQUEST_PLANT).map((f) => [f.where.split(' ').pop(), f.form])
    for (const [part, form] of PLANTED_REQUEST_FORMS) expect(plantForms).toContainEqual([part, form])
  })

  it('walks a Samenwerkwijze case to a plan and closes it; the count starts at the overleg', async () => {
    const { page } = await workerOnApprovedPhone('samen@welzijn.example')
    await page.getByRole('button', { name: 'Nieuwe casus' }).click()
    await page.getByRole('heading', { name: 'Casus: Samenwerkwijze' }).waitFor()
    const caseId = caseIdOf(page)
    await page.getByLabel('Naam van de inwoner').fill('Jan de Vries')
    await step(page, 2)
    await page.getByLabel('Wat wil ik?').fill('Mijn schulden op orde')
    await page.getByLabel('Naam van de persoon').fill('Dochter Anne')
    await page.getByLabel('Relatie', { exact: true }).fill('dochter')
    await page.getByLabel('Wat kan deze persoon doen').fill('post openen')
    await page.getByRole('button', { name: 'Persoon toevoegen' }).click()
    await step(page, 3)
    await page.getByRole('button', { name: 'Samenwerkoverleg beleggen' }).click()
    await page.getByLabel('Datum', { exact: true }).fill('2026-11-20')
    await page.getByLabel('Naam van de deelnemer').fill('Karin')
    await page.getByLabel('Rol', { exact: true }).fill('schuldhulpverlener')
    await page.getByLabel('Organisatie', { exact: true }).fill('Schuldhulp Maasland')
    await page.getByLabel('Telefoonnummer', { exact: true }).fill('0412 555 010')
    await page.getByRole('button', { name: 'Deelnemer toevoegen' }).click()
    expect(await page.getByText(/Meegeteld vanaf/).count()).toBe(0)
    await page.getByRole('button', { name: 'Actie toevoegen' }).click()
    await page.getByLabel('Actie 1: wat gaat er gebeuren').fill('Budgetplan maken')
    await page.getByLabel('Actie 1: wie doet het').selectOption({ label: 'Karin (schuldhulpverlener)' })
    await page.getByLabel('Wie houdt de regie samen met de inwoner?').selectOption({ label: 'Karin (schuldhulpverlener)' })
    await expect.poll(() => page.getByText('Meegeteld vanaf 20 november 2026').isVisible()).toBe(true)
    await page.getByLabel('Nieuwe stap').fill('Post samen openen met Anne')
    await page.getByRole('button', { name: 'Stap toevoegen' }).click()
    expect(await seriousViolations(page)).toEqual([])
    await step(page, 4)
    // Scored for the first time in step 4: that is the baseline and now (lifeDomains.e2e.ts tests the baseline kept).
    await page.getByRole('group', { name: 'Geldzaken', exact: true }).getByRole('radio', { name: '3', exact: true }).check()
    await step(page, 5)
    await expect.poll(() => page.getByRole('table', { name: 'Levensdomeinen: begin en nu' }).getByRole('row', { name: /Geldzaken/ }).textContent()).toMatch(/Geldzaken\s*3\s*3\s*0/)
    await page.getByLabel('Hulp en ondersteuning in gebruik bij de start').fill('huisarts 2× per maand\nschuldhulp')
    await page.getByLabel('Tevredenheid aan het eind (0–10)').selectOption('8')
    await page.getByRole('button', { name: 'Casus afsluiten' }).click()
    await page.getByText(/^Afgesloten op/).waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await untilStored(page, caseId, (c) => c.status === 'closed' && c.includedAt === '2026-11-20')
    await residentHoldsThePlan(page)
    // From the plan page, the professionals' menu leads back to the cases.
    await page.getByRole('link', { name: /^Casussen/ }).first().click()
    await page.getByText('Afgesloten (1)').waitFor()
  })

  it('locks itself after five idle minutes, and wipes the cases after ten wrong passcodes', async () => {
    const { page } = await workerOnApprovedPhone('slot@welzijn.example', { clock: true })
    await page.getByRole('button', { name: 'Nieuwe casus' }).click()
    await page.getByLabel('Naam van de inwoner').waitFor()
    const caseId = caseIdOf(page)
    const created = await storedAt(page, caseId)
    await page.getByLabel('Naam van de inwoner').fill('Piet Smit')
    await untilStored(page, caseId, (c) => c.updatedAt !== created)
    // Before: the vault holds the case and its wrapped key.
    const before = vaultRecords(await dumpIndexedDb(page, [DATABASES.cases]))
    expect(before.caseIds).toEqual([caseId])
    expect(before.sealed).toHaveLength(2)
    await page.clock.fastForward('05:01')
    await page.getByRole('link', { name: 'Mijn casussen' }).first().click()
    await page.getByLabel('Wachtzin', { exact: true }).waitFor()
    for (let i = 1; i <= 10; i++) {
      await unlockVault(page, 'kraanvogel boven de heide')
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(i < 10 ? /Nog \d+ pogingen|Wacht/ : /gewist/)
      await page.clock.fastForward('05:00')
    }
    // After: every store of the vault's database is empty, and neither the case nor the key is anywhere on the device.
    const after = await dumpDevice(page, await published(h))
    expect(storesWithRows(after.indexedDb, DATABASES.cases)).toEqual([])
    expect(wipeLeftovers(after, before)).toEqual([])
  })

  it('does a Verkennend Gesprek and a Sociaal Arrangeren case in airplane mode', async () => {
    const { context, page } = await workerOnApprovedPhone('offline@welzijn.example')
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    // Airplane mode: nothing reaches the network, the service worker's requests included.
    await context.route('**/*', (route) => route.abort('internetdisconnected'))
    await context.setOffline(true)
    await page.reload()
    await unlockVault(page)

    await page.getByLabel('Route').selectOption('vg')
    await page.getByRole('button', { name: 'Nieuwe casus' }).click()
    await page.getByRole('heading', { name: 'Casus: Verkennend Gesprek' }).waitFor()
    const vg = caseIdOf(page)
    await page.getByLabel('Naam van de inwoner').fill('Els Peters')
    await step(page, 3)
    await page.getByLabel('Gesprek gehouden op').fill('2026-11-18')
    await step(page, 4)
    await page.getByLabel('Uitkomst').selectOption('basis-ggz')
    // The VG's advice is the one message to the GP (CaseGpMessage.vue, docs/referral-case.md).
    await page.getByLabel('Bericht aan de huisarts').fill('Verwijzing naar basis-GGZ, met steun van de dochter.')
    await expect.poll(() => page.getByText('Meegeteld vanaf 18 november 2026').isVisible()).toBe(true)
    await untilStored(page, vg, (c) => c.includedAt === '2026-11-18')

    await page.getByRole('link', { name: 'Mijn casussen' }).first().click()
    await page.getByLabel('Route').selectOption('sa')
    await page.getByRole('button', { name: 'Nieuwe casus' }).click()
    await page.getByRole('heading', { name: 'Casus: Sociaal Arrangeren' }).waitFor()
    const sa = caseIdOf(page)
    await step(page, 2)
    await page.getByRole('textbox', { name: 'Mantelzorger', exact: true }).fill('Zoon Kees')
    await page.getByLabel('Intake thuis op').fill('2026-11-02')
    await step(page, 3)
    await page.getByRole('combobox', { name: 'Triage', exact: true }).selectOption('arrangement')
    await page.getByLabel('Arrangement gestart op').fill('2026-11-09')
    await expect.poll(() => page.getByText('Meegeteld vanaf 9 november 2026').isVisible()).toBe(true)
    expect(await seriousViolations(page)).toEqual([])
    await untilStored(page, sa, (c) => c.includedAt === '2026-11-09')
    await page.getByRole('link', { name: 'Mijn casussen' }).first().click()
    await page.getByText('2 open casussen').waitFor()
  })

  it('wipes the cases of a device its beheerder revoked, at its next contact', async () => {
    const { page } = await workerOnApprovedPhone('ingetrokken@welzijn.example')
    await page.getByRole('button', { name: 'Nieuwe casus' }).click()
    await page.getByLabel('Naam van de inwoner').waitFor()
    const caseId = caseIdOf(page)
    const created = await storedAt(page, caseId)
    await page.getByLabel('Naam van de inwoner').fill('Truus Bakker')
    await untilStored(page, caseId, (c) => c.updatedAt !== created)
    const { devices } = await admin.call<{ devices: { id: string; name: string; userName: string; status: string }[] }>('GET', `/api/orgs/${organisationId}/devices`)
    // Not the beheerder's own device (certify.ts made it to sign certificates).
    const mine = devices.filter((d) => d.status === 'approved' && d.name !== 'Telefoon beheerder')
    for (const d of mine) await admin.call('POST', `/api/orgs/${organisationId}/devices/${d.id}/revoke`)
    // Before: the vault holds the case and its wrapped key; the device's own database holds its keys.
    const before = await dumpIndexedDb(page, [DATABASES.cases, DATABASES.device])
    expect(before.map((d) => d.name).sort()).toEqual([DATABASES.device, DATABASES.cases].sort())
    const records = vaultRecords(before)
    expect(records.caseIds).toEqual([caseId])
    expect(records.sealed).toHaveLength(2)
    expect(storesWithRows(before, DATABASES.device)).not.toEqual([])
    await page.getByRole('link', { name: 'Mijn casussen' }).first().click()
    await page.getByText('Dit apparaat is ingetrokken door je beheerder').waitFor()
    // After: no database is left but the public social map (storageNames.ts keeps it on purpose),
    // localStorage holds device settings and the notice only, and neither the case nor the vault's
    // key is anywhere on the device.
    const after = await dumpDevice(page, await published(h))
    expect(after.indexedDb.map((d) => d.name).filter((name) => name !== DATABASES.socialMap)).toEqual([])
    expect(after.localStorage.map(([key]) => key).filter((key) => !KEPT_THROUGH_WIPE.includes(key))).toEqual([])
    expect(wipeLeftovers(after, records)).toEqual([])
  })

  it('shows the programme team the region\'s inclusion against target', async () => {
    // A worker's device sends counts (through the API: the phone side is tested above). The device
    // is registered, approved and bound, counts under a server-issued id and signs the snapshot.
    await admin.invite(organisationId, { email: 'teller@welzijn.example', name: 'Teller', role: 'sociaal-werker' }, WORKER.password)
    const counter = new ApiClient(h.baseUrl)
    await counter.signInFirstTime('teller@welzijn.example', WORKER.password)
    const keys = await makeDeviceKeys()
    const { id: deviceId } = await counter.call<{ id: string }>('POST', '/api/devices', registrationBody(organisationId, keys))
    await approveDevice(admin, organisationId, deviceId)
    const { challenge } = await counter.call<{ challenge: string }>('POST', `/api/devices/${deviceId}/challenge`, { purpose: 'bind' })
    await counter.call('POST', `/api/devices/${deviceId}/bind`, { challenge, signature: await signMessage(keys.auth.privateKey, challengeMessage(deviceId, 'bind', challenge)) })
    const { counterId } = await counter.call<{ counterId: string }>('POST', '/api/kpi/counters', { organisationId })
    const unsigned = {
      snapshotVersion: 1,
      counterId,
      period: '2027-H1',
      rows: [{ intervention: 'wor' as const, municipality: 'Oss', referrerType: 'huisarts' as const, referred: 12, included: 9, completed: 2, includedCumulative: 9 }],
    }
    await counter.call('POST', '/api/kpi/snapshots', { ...unsigned, signature: await signMessage(keys.signing.privateKey, await snapshotMessage({ ...unsigned, organisationId })) })
    // The first organisation is the region's: it may hold the programme role.
    await admin.invite(organisationId, { email: 'programma@sig.example', name: 'Programma', role: 'programma' }, WORKER.password)

    const page = await (await h.browser.newContext()).newPage()
    await firstSignIn(page, h.baseUrl, 'programma@sig.example', WORKER.password)
    // Vandaag is the home; the figures are the programme role's item in the shell's navigation.
    await page.getByRole('navigation', { name: 'Menu voor je werk' }).getByRole('link', { name: 'Cijfers' }).click()
    // Periods as the programme names them (docs/kpi.md "Periods and targets"); 2027-H1 is period 5.
    await page.getByLabel('Verantwoordingsperiode').selectOption({ label: 'Periode 5 (1e helft 2027)' })
    await page.getByLabel('Doel Welzijn op Recept: Bereikte inwoners (nieuw)').fill('10')
    await page.getByRole('button', { name: 'Doelen opslaan' }).click()
    await expect.poll(() => page.getByTestId('targets-result').textContent()).toMatch(/Doelen opgeslagen vandaag om \d{2}:\d{2}\./)
    const funnel = (bucket: string) => page.locator(`[data-chart="funnel"] tbody[data-group="wor"] tr[data-bucket="${bucket}"] td`)
    await expect.poll(() => funnel('referred').textContent(), { timeout: 10_000 }).toMatch(/^\s*12\s*$/)
    // The target beside the figure it judges, with the verdict and the 75 % line in words.
    await expect.poll(() => page.locator('tr[data-kpi="wor:included"]').textContent()).toMatch(/Bereikte inwoners \(nieuw\)\s*9.*Gehaald 9 bij een doel van 10 \(90 % van het doel\)\. Gehaald vanaf 75 % van het doel: 7,5\./)
    // The charts are tables a screen reader can read, every bar with its number in words (issue 18
    // point 7): reached against the target with its 75 % line, the funnel, the trend per half-year.
    expect(await page.locator('[data-chart="target"] tr[data-bucket="wor"] td').textContent()).toMatch(/^\s*9\. Doel: 10, gehaald vanaf 7,5\.\s*$/)
    expect(await funnel('included').textContent()).toMatch(/^\s*9 \(75% van verwezen\)\s*$/)
    expect(await funnel('completed').textContent()).toMatch(/^\s*2 \(22% van bereikt\)\s*$/)
    expect(await funnel('via-app').textContent()).toMatch(/^\s*0\s*$/)
    expect(await page.locator('[data-chart="trend"] tbody[data-group="wor"] tr[data-bucket="2027-H1"]').textContent()).toMatch(/1e helft 2027\s*9\. Doel: 10, gehaald vanaf 7,5\./)
    // With a target marked, no label overlaps a bar, a mark or another label at 320 and 640 px.
    for (const width of [320, 640]) {
      await page.setViewportSize({ width, height: 640 })
      expect(await chartOverlaps(page)).toEqual([])
    }
    // The MeasureReport for the financiers downloads as FHIR JSON.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /^Bestand voor financiers \(FHIR\)/ }).click()])
    const report = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { resourceType: string; group: { population: { count?: number }[] }[] }
    expect(report.resourceType).toBe('MeasureReport')
    expect(report.group[0]!.population.map((p) => p.count)).toEqual([12, 9, undefined]) // 2 completed: a small cell, masked
    expect(await seriousViolations(page)).toEqual([])
  })
})
