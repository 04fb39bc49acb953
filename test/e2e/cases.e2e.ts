import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient, bootstrapCode } from './apiClient'
import { approveDevice, approvePending } from './certify'
import { seriousViolations } from './axe'
import { startHarness, type Harness } from './harness'
import { firstSignIn } from './signIn'
import { makeDeviceKeys, registrationBody } from '../server/devices'
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

/** A passphrase the vault's strength rule accepts (headless Chromium offers no PRF without a virtual authenticator: test/e2e/vault.e2e.ts). */
const PASSPHRASE = 'kraanvogel boven heide schoenveter'

/** Sets up the vault with a passphrase where the page shows the set-up form. */
async function setUpVault(page: Page, passphrase = PASSPHRASE) {
  await page.getByLabel('Nieuwe wachtzin').fill(passphrase)
  await page.getByLabel('Nog een keer').fill(passphrase)
  await page.getByRole('button', { name: 'Wachtzin instellen' }).click()
}
/** Opens the vault where the page shows the unlock form. */
async function unlockVault(page: Page, passphrase = PASSPHRASE) {
  await page.getByLabel('Wachtzin', { exact: true }).fill(passphrase)
  await page.getByRole('button', { name: 'Openen', exact: true }).click()
}

/**
 * A social worker signed in on a phone whose device the beheerder approved; returns the page at
 * "Mijn casussen" with the vault open. The device's keys are made in an open vault, so the vault is
 * set up on the professional home page first (docs/device-trust.md); `setUp` replaces that step.
 */
async function workerOnApprovedPhone(email: string, options: { clock?: boolean; setUp?: (page: Page) => Promise<void> } = {}) {
  await admin.invite(organisationId, { email, name: 'Sanne de Wit', role: 'sociaal-werker' }, WORKER.password)
  const context = await h.browser.newContext({ viewport: { width: 390, height: 800 } })
  const page = await context.newPage()
  if (options.clock) await page.clock.install()
  await firstSignIn(page, h.baseUrl, email, WORKER.password)
  await page.getByRole('heading', { name: 'Dit apparaat', exact: true }).waitFor()
  await (options.setUp ?? setUpVault)(page)
  await page.getByRole('button', { name: 'Apparaat aanmelden' }).click()
  await page.getByTestId('device-status').waitFor()
  // Approved with a real certificate, as the beheerder's phone signs it (docs/device-trust.md).
  await approvePending(admin, organisationId)
  await page.getByRole('link', { name: 'Mijn casussen' }).click()
  await page.getByRole('button', { name: 'Nieuwe casus' }).waitFor()
  return { context, page }
}
afterAll(async () => {
  await h?.stop()
})

const WORKER = { email: 'sanne@welzijn.example', password: 'Kraanvogel-Heide-31-Uden' }
const RESIDENT = { name: 'Maria Verhoeven', year: '1948', phone: '06 00112233', wil: 'Weer onder de mensen komen', kan: 'Goed koken voor anderen', nodig: 'Vervoer naar het dorpshuis' }
/** The birth year as stored or sent would look (a JSON number or string): four bare digits also turn up by chance in hashes and ids. */
const YEAR_AS_VALUE = [`:${RESIDENT.year}`, `"${RESIDENT.year}"`]


/** Every IndexedDB database of the page, dumped as text (typed arrays as their bytes). */
async function dumpIndexedDb(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const out: string[] = []
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(info.name!)
        r.onsuccess = () => resolve(r.result)
        r.onerror = () => reject(r.error)
      })
      for (const store of Array.from(db.objectStoreNames)) {
        const rows = await new Promise<unknown[]>((resolve) => {
          const req = db.transaction(store).objectStore(store).getAll()
          req.onsuccess = () => resolve(req.result)
        })
        out.push(
          JSON.stringify(rows, (_k, v) => (v instanceof Uint8Array || v instanceof ArrayBuffer ? new TextDecoder('latin1').decode(v instanceof ArrayBuffer ? new Uint8Array(v) : v) : v)),
        )
      }
      db.close()
    }
    return out.join('\n')
  })
}

describe('case work on the social worker’s phone', () => {
  it('sets a passphrase, keeps a WoR case through a killed tab, and leaves nothing readable on the device', async () => {
    // Every request the app makes from here on, to prove what leaves the phone.
    const requests: { url: string; method: string; body: string }[] = []
    const { context, page: first } = await workerOnApprovedPhone(WORKER.email, {
      setUp: async (page) => {
        page.context().on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postData() ?? '' }))
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

    await page.getByLabel('Naam van de inwoner').fill(RESIDENT.name)
    await page.getByLabel('Geboortejaar').fill(RESIDENT.year)
    await page.getByLabel('Gemeente').selectOption('Maashorst')
    await page.getByLabel('Telefoon of e-mail').fill(RESIDENT.phone)
    const today = new Date().toISOString().slice(0, 10)
    await page.getByLabel('Datum van verwijzing').fill(today)
    await expect.poll(() => page.getByTestId('wor-deadline').textContent()).toMatch(/Nog 14 dagen voor het eerste contact/)
    await page.getByRole('button', { name: /^2\. Voorbereiden/ }).click()
    await page.getByLabel('Wat wil ik?').fill(RESIDENT.wil)
    await page.getByLabel('Wat kan ik (zelf)?').fill(RESIDENT.kan)
    expect(await seriousViolations(page)).toEqual([])
    // Typed a moment ago, then the tab dies: nothing is lost.
    await page.getByLabel('Wat heb ik nodig?').fill(RESIDENT.nodig)
    await page.getByLabel('Cijfer: Sociaal netwerk').selectOption('2')
    await page.waitForTimeout(150)
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
    await page.getByRole('button', { name: /^2\. Voorbereiden/ }).click()
    expect(await page.getByLabel('Wat heb ik nodig?').inputValue()).toBe(RESIDENT.nodig)
    expect(await page.getByLabel('Cijfer: Sociaal netwerk').inputValue()).toBe('2')

    // The WoR path: first contact, intake (the moment of inclusion), an activity, feedback, closing.
    await page.getByLabel('Eerste contact').fill(today)
    await page.getByLabel('Intake gehouden op').fill(today)
    await expect.poll(() => page.getByText(`Meegeteld vanaf ${today}`).isVisible()).toBe(true)
    await page.getByLabel('Zoek een activiteit op de sociale kaart').fill('wandelgroep')
    await page.getByRole('button', { name: 'Zoeken' }).click()
    await page.getByRole('button', { name: /^Koppelen: Wandelgroep/ }).first().click()
    await expect.poll(() => page.getByRole('button', { name: /^Weghalen: Wandelgroep/ }).count()).toBe(1)
    await page.getByLabel('Terugkoppeling aan de huisarts').fill('Mevrouw gaat wekelijks mee met de wandelgroep.')
    await page.getByRole('button', { name: /^5\. Evalueren/ }).click()
    await page.getByRole('button', { name: 'Casus afsluiten' }).click()
    await page.getByText(/^Afgesloten op/).waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await page.waitForTimeout(150)

    // The resident's copy of the plan.
    await page.getByRole('link', { name: 'Plan voor de inwoner (afdrukken)' }).click()
    await page.getByRole('heading', { name: 'Mijn plan' }).waitFor()
    expect(await page.getByText(RESIDENT.wil).count()).toBe(1)
    expect(await seriousViolations(page)).toEqual([])

    // Nothing readable on the device: no name, birth year, phone or free text in any database.
    const dump = await dumpIndexedDb(page)
    expect(dump).toContain('Maashorst')
    for (const secretValue of [RESIDENT.name, 'Verhoeven', ...YEAR_AS_VALUE, RESIDENT.phone, RESIDENT.wil, RESIDENT.kan, RESIDENT.nodig]) {
      expect(dump).not.toContain(secretValue)
    }
    // Nor in the page title or the address.
    expect(await page.title()).not.toContain('Maria')
    expect(page.url()).not.toContain('Maria')

    // Back at the list the counts go upstream: counts only, no personal value in any request.
    await page.goto(`${h.baseUrl}/werk`)
    await unlockVault(page)
    await expect.poll(() => page.getByTestId('counts-sync').textContent()).toMatch(/laatst verstuurd op/)
    const kpi = requests.filter((r) => r.url.endsWith('/api/kpi/snapshots'))
    expect(kpi.length).toBeGreaterThan(0)
    for (const r of kpi) {
      const sent = JSON.parse(r.body) as { rows: Record<string, unknown>[] }
      // Under the counting id the server issued, signed by the device (docs/device-trust.md).
      expect(Object.keys(sent).sort()).toEqual(['counterId', 'period', 'rows', 'signature', 'snapshotVersion'])
      for (const row of sent.rows) expect(Object.keys(row).sort()).toEqual(['completed', 'included', 'includedCumulative', 'intervention', 'municipality', 'referred', 'referrerType'])
    }
    const included = kpi.map((r) => JSON.parse(r.body) as { period: string; rows: { intervention: string; included: number; completed: number }[] })
    expect(included.some((s) => s.rows.some((row) => row.intervention === 'wor' && row.included === 1 && row.completed === 1))).toBe(true)
    const everything = requests.map((r) => `${r.url}\n${r.body}`).join('\n')
    for (const secretValue of [RESIDENT.name, 'Verhoeven', ...YEAR_AS_VALUE, RESIDENT.phone, RESIDENT.wil, RESIDENT.kan, RESIDENT.nodig, 'wekelijks mee']) {
      expect(everything).not.toContain(secretValue)
    }
  })

  it('walks a Samenwerkwijze case to a plan and closes it; the count starts at the overleg', async () => {
    const { page } = await workerOnApprovedPhone('samen@welzijn.example')
    await page.getByRole('button', { name: 'Nieuwe casus' }).click()
    await page.getByRole('heading', { name: 'Casus: Samenwerkwijze' }).waitFor()
    await page.getByLabel('Naam van de inwoner').fill('Jan de Vries')
    await page.getByRole('button', { name: /^2\. Voorbereiden/ }).click()
    await page.getByLabel('Wat wil ik?').fill('Mijn schulden op orde')
    await page.getByLabel('Naam van de persoon').fill('Dochter Anne')
    await page.getByLabel('Relatie', { exact: true }).fill('dochter')
    await page.getByLabel('Wat kan deze persoon doen').fill('post openen')
    await page.getByRole('button', { name: 'Persoon toevoegen' }).click()
    await page.getByRole('button', { name: /^3\. Samenwerkoverleg/ }).click()
    await page.getByLabel('Datum', { exact: true }).fill('2026-11-20')
    await page.getByLabel('Naam van de deelnemer').fill('Karin')
    await page.getByLabel('Rol', { exact: true }).fill('schuldhulpverlener')
    await page.getByRole('button', { name: 'Deelnemer toevoegen' }).click()
    expect(await page.getByText(/Meegeteld vanaf/).count()).toBe(0)
    await page.getByRole('button', { name: 'Actie toevoegen' }).click()
    await page.getByLabel('Actie 1', { exact: true }).fill('Budgetplan maken')
    await page.getByLabel('Wie doet actie 1').fill('Karin')
    await expect.poll(() => page.getByText('Meegeteld vanaf 2026-11-20').isVisible()).toBe(true)
    await page.getByLabel('Nieuwe stap').fill('Post samen openen met Anne')
    await page.getByRole('button', { name: 'Stap toevoegen' }).click()
    expect(await seriousViolations(page)).toEqual([])
    await page.getByRole('button', { name: /^5\. Evalueren/ }).click()
    await page.getByLabel('Cijfer: Geldzaken').selectOption('3')
    await page.getByRole('button', { name: 'Cijfers van vandaag vastleggen' }).click()
    await expect.poll(() => page.getByRole('table', { name: 'Cijfers per levensdomein, per keer' }).getByRole('row', { name: /Geldzaken/ }).textContent()).toMatch(/Geldzaken\s*3/)
    await page.getByLabel('Hulp en ondersteuning in gebruik bij de start').fill('huisarts 2× per maand\nschuldhulp')
    await page.getByLabel('Tevredenheid aan het eind (0–10)').selectOption('8')
    await page.getByRole('button', { name: 'Casus afsluiten' }).click()
    await page.getByText(/^Afgesloten op/).waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await page.waitForTimeout(150)
    await page.getByRole('link', { name: 'Mijn casussen' }).first().click()
    await page.getByText('Afgesloten (1)').waitFor()
  })

  it('locks itself after five idle minutes, and wipes the cases after ten wrong passcodes', async () => {
    const { page } = await workerOnApprovedPhone('slot@welzijn.example', { clock: true })
    await page.getByRole('button', { name: 'Nieuwe casus' }).click()
    await page.getByLabel('Naam van de inwoner').fill('Piet Smit')
    await page.waitForTimeout(150)
    await page.clock.fastForward('05:01')
    await page.getByRole('link', { name: 'Mijn casussen' }).first().click()
    await page.getByLabel('Wachtzin', { exact: true }).waitFor()
    for (let i = 1; i <= 10; i++) {
      await unlockVault(page, 'kraanvogel boven de heide')
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(i < 10 ? /Nog \d+ pogingen|Wacht/ : /gewist/)
      await page.clock.fastForward('05:00')
    }
    const dump = await dumpIndexedDb(page)
    expect(dump).not.toContain('Piet')
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
    await page.getByLabel('Naam van de inwoner').fill('Els Peters')
    await page.getByLabel('Gesprek gehouden op').fill('2026-11-18')
    await page.getByLabel('Uitkomst').selectOption('basis-ggz')
    await page.getByLabel('Advies aan de huisarts').fill('Verwijzing naar basis-GGZ, met steun van de dochter.')
    await expect.poll(() => page.getByText('Meegeteld vanaf 2026-11-18').isVisible()).toBe(true)
    await page.waitForTimeout(150)

    await page.getByRole('link', { name: 'Mijn casussen' }).first().click()
    await page.getByLabel('Route').selectOption('sa')
    await page.getByRole('button', { name: 'Nieuwe casus' }).click()
    await page.getByRole('heading', { name: 'Casus: Sociaal Arrangeren' }).waitFor()
    await page.getByLabel('Mantelzorger').fill('Zoon Kees')
    await page.getByLabel('Intake thuis op').fill('2026-11-02')
    await page.getByLabel('Triage').selectOption('arrangement')
    await page.getByLabel('Arrangement gestart op').fill('2026-11-09')
    await expect.poll(() => page.getByText('Meegeteld vanaf 2026-11-09').isVisible()).toBe(true)
    expect(await seriousViolations(page)).toEqual([])
    await page.waitForTimeout(150)
    await page.getByRole('link', { name: 'Mijn casussen' }).first().click()
    await page.getByText('2 open casussen').waitFor()
  })

  it('wipes the cases of a device its beheerder revoked, at its next contact', async () => {
    const { page } = await workerOnApprovedPhone('ingetrokken@welzijn.example')
    await page.getByRole('button', { name: 'Nieuwe casus' }).click()
    await page.getByLabel('Naam van de inwoner').fill('Truus Bakker')
    await page.waitForTimeout(150)
    const { devices } = await admin.call<{ devices: { id: string; name: string; userName: string; status: string }[] }>('GET', `/api/orgs/${organisationId}/devices`)
    // Not the beheerder's own device (certify.ts made it to sign certificates).
    const mine = devices.filter((d) => d.status === 'approved' && d.name !== 'Telefoon beheerder')
    for (const d of mine) await admin.call('POST', `/api/orgs/${organisationId}/devices/${d.id}/revoke`)
    const before = await dumpIndexedDb(page)
    expect(before).toContain('"currentStep"')
    await page.getByRole('link', { name: 'Mijn casussen' }).first().click()
    await page.getByText('Dit apparaat is ingetrokken door je beheerder').waitFor()
    // No case left at all: not even its clear index fields, nor the wrapped key.
    const after = await dumpIndexedDb(page)
    expect(after).not.toContain('"currentStep"')
    expect(after).not.toContain('"wrappedKey"')
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
    await page.getByRole('link', { name: "Inclusie en KPI's" }).click()
    await page.getByLabel('Verantwoordingsperiode').selectOption('2027-H1')
    await page.getByLabel('Doel Welzijn op Recept').fill('10')
    await page.getByRole('button', { name: 'Doelen opslaan' }).click()
    const wor = page.locator('tr[data-intervention="wor"]')
    await expect.poll(() => wor.textContent(), { timeout: 10_000 }).toMatch(/Welzijn op Recept\s*12\s*9\s*2\s*10\s*90% ja/)
    // The funnel and the trend, as tables a screen reader can read.
    expect(await page.locator('tr[data-funnel="wor"]').textContent()).toMatch(/Welzijn op Recept\s*0\s*12\s*9 \(75% van verwezen\)\s*2 \(22% van bereikt\)/)
    expect(await page.locator('tr[data-trend="2027-H1"]').textContent()).toMatch(/2027-H1\s*9 van 10/)
    // The MeasureReport for the financiers downloads as FHIR JSON.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /FHIR MeasureReport/ }).click()])
    const report = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { resourceType: string; group: { population: { count?: number }[] }[] }
    expect(report.resourceType).toBe('MeasureReport')
    expect(report.group[0]!.population.map((p) => p.count)).toEqual([12, 9, undefined]) // 2 completed: a small cell, masked
    expect(await seriousViolations(page)).toEqual([])
  })
})
