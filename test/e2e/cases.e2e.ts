import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import { ApiClient } from './apiClient'
import { startHarness, type Harness } from './harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.stop()
})

const WORKER = { email: 'sanne@welzijn.example', password: 'Kraanvogel-Heide-31-Uden' }
const RESIDENT = { name: 'Maria Verhoeven', year: '1948', phone: '06 00112233', wil: 'Weer onder de mensen komen', kan: 'Goed koken voor anderen', nodig: 'Vervoer naar het dorpshuis' }

async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

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
  it('sets a passcode, keeps a WoR case through a killed tab, and leaves nothing readable on the device', async () => {
    // Accounts: the first beheerder and a social worker (through the API: not what this test is about).
    const code = /\/beheer\/start#([A-Za-z0-9_-]+)/.exec(h.output())![1]
    const admin = new ApiClient(h.baseUrl)
    const { organisationId } = await admin.call<{ organisationId: string }>('POST', '/api/auth/bootstrap', { code, organisation: 'Welzijn Uden', name: 'Beheer', email: 'beheer@welzijn.example', password: 'Reiger-Plas-40-Volkel' })
    await admin.signInFirstTime('beheer@welzijn.example', 'Reiger-Plas-40-Volkel')
    await admin.call('POST', `/api/orgs/${organisationId}/members`, { email: WORKER.email, name: 'Sanne de Wit', role: 'sociaal-werker', password: WORKER.password })

    // The worker signs in on her phone and registers it; the beheerder approves.
    const context = await h.browser.newContext({ viewport: { width: 390, height: 800 } })
    let page = await context.newPage()
    await page.goto(`${h.baseUrl}/beheer/inloggen`)
    await page.getByLabel('E-mailadres').fill(WORKER.email)
    await page.getByLabel('Wachtwoord').fill(WORKER.password)
    await page.getByRole('button', { name: 'Verder' }).click()
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '')
    await page.getByLabel('Code uit je app').fill(totpAt(secret, counterAt(Date.now())))
    await page.getByRole('button', { name: 'Inloggen' }).click()
    await page.getByRole('button', { name: 'Apparaat aanmelden' }).click()
    await page.getByTestId('device-status').waitFor()
    const { devices } = await admin.call<{ devices: { id: string }[] }>('GET', `/api/orgs/${organisationId}/devices`)
    await admin.call('POST', `/api/orgs/${organisationId}/devices/${devices[0]!.id}/approve`)

    // Passcode, then a new Welzijn op Recept case.
    await page.getByRole('link', { name: 'Mijn casussen' }).click()
    await page.getByLabel('Nieuwe toegangscode').fill('4829')
    await page.getByLabel('Nog een keer').fill('4829')
    await page.getByRole('button', { name: 'Code instellen' }).click()
    await expect.poll(() => page.getByText('De code is te kort').isVisible()).toBe(true)
    await page.getByLabel('Nieuwe toegangscode').fill('482913')
    await page.getByLabel('Nog een keer').fill('482913')
    await page.getByRole('button', { name: 'Code instellen' }).click()
    await page.getByLabel('Route').selectOption('wor')
    await page.getByRole('button', { name: 'Nieuwe casus' }).click()
    await page.getByRole('heading', { name: 'Casus: Welzijn op Recept' }).waitFor()
    expect(await seriousViolations(page)).toEqual([])
    expect(await page.title()).toBe('Casus — Sociale kaart')

    await page.getByLabel('Naam', { exact: true }).fill(RESIDENT.name)
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
    await page.getByLabel('Toegangscode').fill('000000')
    await page.getByRole('button', { name: 'Openen' }).click()
    await expect.poll(() => page.getByText(/Deze code klopt niet\. Nog 9 pogingen/).isVisible()).toBe(true)
    await page.getByLabel('Toegangscode').fill('482913')
    await page.getByRole('button', { name: 'Openen' }).click()
    await page.getByRole('heading', { name: 'Casus: Welzijn op Recept' }).waitFor()
    await page.getByRole('button', { name: /^2\. Voorbereiden/ }).click()
    expect(await page.getByLabel('Wat heb ik nodig?').inputValue()).toBe(RESIDENT.nodig)
    expect(await page.getByLabel('Cijfer: Sociaal netwerk').inputValue()).toBe('2')

    // The resident's copy of the plan.
    await page.getByRole('link', { name: 'Plan voor de inwoner (afdrukken)' }).click()
    await page.getByRole('heading', { name: 'Mijn plan' }).waitFor()
    expect(await page.getByText(RESIDENT.wil).count()).toBe(1)
    expect(await seriousViolations(page)).toEqual([])

    // Nothing readable on the device: no name, birth year, phone or free text in any database.
    const dump = await dumpIndexedDb(page)
    expect(dump).toContain('Maashorst')
    for (const secretValue of [RESIDENT.name, 'Verhoeven', RESIDENT.year, RESIDENT.phone, RESIDENT.wil, RESIDENT.kan, RESIDENT.nodig]) {
      expect(dump).not.toContain(secretValue)
    }
    // Nor in the page title or the address.
    expect(await page.title()).not.toContain('Maria')
    expect(page.url()).not.toContain('Maria')
  })
})
