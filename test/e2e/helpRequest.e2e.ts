/**
 * "Ik wil hulp" (issue 20, docs/help-request.md) in two browsers against the real server: a resident
 * on a 320 px phone finds the form from the start page, fills it in offline, and the outbox sends it
 * when the phone is back online — the first answer is lost on the way, so it is sent a second time,
 * with the same id. The social worker of the organisation the routing table names for the
 * municipality sees it exactly once in the inbox, labelled as from an unverified resident, and opens it.
 * What the resident wrote waits on their phone only until the server has it.
 */
import type { Page, Route } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { seriousViolations } from './axe'
import { useOrganisation, workerOnPhone } from './socialWorkerPhone'

const world = useOrganisation()
const QUESTION = 'Sinds mijn man is overleden kom ik de deur niet uit en de rekeningen stapelen zich op.'
const NAME = 'Wilhelmina Krabbendam'

/** Every row of the phone's help-request database, as text. */
const helpDatabase = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('samenwerkwijze-hulpvragen')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          const tx = db.transaction([...db.objectStoreNames], 'readonly')
          const rows: unknown[] = []
          for (const name of db.objectStoreNames) tx.objectStore(name).getAll().onsuccess = (e) => rows.push(...((e.target as IDBRequest<unknown[]>).result ?? []))
          tx.oncomplete = () => {
            db.close()
            resolve(JSON.stringify(rows))
          }
        }
      }),
  )

describe('ik wil hulp', () => {
  it('goes from a resident offline to the right social worker exactly once, and opens there', async () => {
    const { h, admin, organisationId } = world
    const worker = await workerOnPhone(world, 'sanne@welzijn.example')
    // The region's routing table: social work in Maashorst is Welzijn Uden (the bootstrapped organisation is the region's own).
    await admin.call('PUT', '/api/referrals/routes', { routes: [{ intervention: 'wor', municipality: 'Maashorst', organisationId }] })
    h.neverLog(QUESTION, NAME, '06 27182818', 'w.krabbendam@voorbeeld.nl')

    // Blocked service worker: every API request of the page passes the route below.
    const context = await h.browser.newContext({ viewport: { width: 320, height: 740 }, serviceWorkers: 'block' })
    const page = await context.newPage()
    /** `offline`: no request gets through. `lose`: the post reaches the server, its answer is lost. `pass`: as it is. */
    let network: 'offline' | 'lose' | 'pass' = 'pass'
    const reached: string[] = []
    await context.route('**/api/help-requests**', async (route: Route) => {
      if (network === 'offline') return route.abort('internetdisconnected')
      if (route.request().method() !== 'POST') return route.fallback()
      const answer = await route.fetch()
      reached.push((JSON.parse(route.request().postData() ?? '{}') as { id: string }).id)
      return network === 'lose' ? route.abort('connectionreset') : route.fulfill({ response: answer })
    })

    await page.goto(`${h.baseUrl}/`)
    await page.getByRole('link', { name: 'Ik wil hulp' }).click()
    await page.getByRole('heading', { name: 'Ik wil hulp', level: 1 }).waitFor()
    expect(await seriousViolations(page)).toEqual([])
    // Sent empty: every field that needs something says what, in Dutch.
    await page.getByRole('button', { name: 'Hulpvraag versturen' }).click()
    await page.getByText('Kies je gemeente.').waitFor()
    await page.getByText('Zet een vinkje als je het goed vindt.').waitFor()
    expect(await seriousViolations(page)).toEqual([])

    await page.getByLabel('In welke gemeente woon je?').selectOption('Maashorst')
    await page.getByText('Je hulpvraag gaat naar Welzijn Uden.').waitFor()
    network = 'offline'
    await context.setOffline(true)
    await page.getByLabel('Wat is er aan de hand?').fill(QUESTION)
    await page.getByLabel('Geldzaken').check()
    await page.getByLabel('Sociaal netwerk').check()
    await page.getByLabel('Je naam').fill(NAME)
    await page.getByLabel('Telefoonnummer').fill('06 27182818')
    await page.getByLabel('E-mailadres').fill('w.krabbendam@voorbeeld.nl')
    await page.getByLabel('Wanneer kunnen we je het best bellen?').selectOption('ochtend')
    await page.getByLabel('Ik vind het goed dat de welzijnswerker mijn hulpvraag leest').check()
    await page.getByRole('button', { name: 'Hulpvraag versturen' }).click()
    await page.getByRole('heading', { name: 'Je hulpvraag is bewaard' }).waitFor()
    await page.getByText('Je hulpvraag is nog niet verstuurd: er is geen internet, of het is even druk.').waitFor()
    await page.getByText('Een welzijnswerker van Welzijn Uden belt of mailt je binnen 3 werkdagen nadat je hulpvraag is aangekomen.').waitFor()
    expect(await seriousViolations(page)).toEqual([])
    expect(reached).toEqual([])
    // While it waits, what the resident wrote is on their own phone (sealed only when it is sent).
    expect(await helpDatabase(page)).toContain(QUESTION)

    // Back online: the outbox sends at once, but the answer is lost — the request waits, and the server has it.
    network = 'lose'
    await context.setOffline(false)
    await expect.poll(() => reached.length, { timeout: 15_000 }).toBe(1)
    await page.getByText('Je hulpvraag is nog niet verstuurd: er is geen internet, of het is even druk.').waitFor()
    // The app opened again: it sends again, the same request, and now hears it arrived.
    network = 'pass'
    await page.reload()
    await page.getByText('Je hulpvraag is aangekomen bij Welzijn Uden.').waitFor({ timeout: 15_000 })
    await page.getByText(/belt of mailt je binnen 3 werkdagen\. Dus uiterlijk \w+dag \d+ \w+\./).waitFor()
    expect(await seriousViolations(page)).toEqual([])
    expect(reached).toHaveLength(2)
    expect(new Set(reached).size).toBe(1)
    // Once the server has it, nothing of it is left on the phone but the confirmation's facts.
    expect(await helpDatabase(page)).not.toContain(QUESTION)
    expect(await helpDatabase(page)).not.toContain(NAME)
    // Nothing waits any more: another visit sends nothing.
    await page.reload()
    await page.getByText('Je hulpvraag is aangekomen bij Welzijn Uden.').waitFor()
    expect(reached).toHaveLength(2)

    // The social worker's inbox: exactly one request, from an unverified resident, and it opens.
    await worker.page.getByRole('link', { name: 'Verwijzingen', exact: true }).click()
    const requests = worker.page.locator('article[data-help-request]')
    await requests.first().waitFor()
    expect(await requests.count()).toBe(1)
    expect(await requests.first().getAttribute('data-help-request')).toBe(reached[0])
    await requests.first().getByRole('heading', { name: `${NAME} — Maashorst` }).waitFor()
    expect(await requests.first().getByTestId('help-request-sender').textContent()).toBe('Van een inwoner, niet geverifieerd')
    await requests.first().getByText('Hulpvraag lezen').click()
    expect(await requests.first().getByTestId('help-request-question').textContent()).toBe(QUESTION)
    expect(await seriousViolations(worker.page)).toEqual([])
    await requests.first().getByRole('button', { name: 'Casus maken' }).click()
    await requests.first().getByRole('link', { name: 'Naar de casus' }).waitFor()
    // Taken in, it leaves the server: another visit to the inbox (a colleague's phone too) no longer lists it.
    await worker.page.reload()
    await worker.page.getByRole('heading', { level: 1 }).first().waitFor()
    await expect.poll(async () => (await worker.page.evaluate(async () => (await fetch('/api/help-requests/inbox', { credentials: 'same-origin' })).json())) as unknown).toEqual({ requests: [] })
    await context.close()
    await worker.context.close()
  })
})
