/**
 * Issue 11 finding 3 in the browser: a revoked phone learns it at its next contact even with no
 * session at all — it answers the server's challenge with its authentication key — and wipes what
 * it holds, saying why in Dutch. Seeded through the API; one browser context is the phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from './apiClient'
import { approveDevice } from './certify'
import { seriousViolations } from './axe'
import { startHarness, type Harness } from './harness'
import { firstSignIn, registerThisDevice, unlockVault } from './signIn'

const PASSWORD = 'Kraanvogel-Heide-31-Uden'
const passwordOf = (out: string) => /Password \(shown once\): (\S+)/.exec(out)![1]!
const orgIdOf = (out: string) => /: ([0-9a-f-]{36})/.exec(out)![1]!
const DAY = 24 * 60 * 60 * 1000

let h: Harness
let admin: ApiClient
let orgId: string

beforeAll(async () => {
  h = await startHarness({ setup: [['org:create', 'Welzijn Oss'], ['user:create', 'beheer@welzijn.example', 'Beheer Welzijn', 'Welzijn Oss', 'beheerder']] })
  orgId = orgIdOf(h.setupOutput[0]!)
  admin = new ApiClient(h.baseUrl)
  await admin.signInFirstTime('beheer@welzijn.example', passwordOf(h.setupOutput[1]!))
}, 120_000)
afterAll(async () => {
  await h?.stop()
})

/** The IndexedDB databases this origin holds, by name. */
const databases = (page: import('playwright-core').Page) => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).sort())

describe('a revoked phone', () => {
  it('wipes at its next contact without any session, and says why in Dutch', async () => {
    await admin.invite(orgId, { email: 'sanne@welzijn.example', name: 'Sanne de Wit', role: 'sociaal-werker' }, PASSWORD)
    const context = await h.browser.newContext({ viewport: { width: 390, height: 800 } })
    const page = await context.newPage()
    await firstSignIn(page, h.baseUrl, 'sanne@welzijn.example', PASSWORD)
    await registerThisDevice(page)
    const { devices } = await admin.call<{ devices: { id: string; status: string }[] }>('GET', `/api/orgs/${orgId}/devices`)
    expect(devices).toHaveLength(1)
    const deviceId = devices[0]!.id
    await approveDevice(admin, orgId, deviceId)
    await page.getByRole('button', { name: 'Status opnieuw bekijken' }).click()
    await expect.poll(() => page.getByTestId('device-status').textContent()).toBe('Goedgekeurd.')
    expect(await databases(page)).toEqual(expect.arrayContaining(['samenwerkwijze-apparaat', 'samenwerkwijze-casussen']))

    // The phone is lost; its session is gone (no cookie at all). The beheerder revokes it.
    await context.clearCookies()
    const revoked = await admin.call<{ status: string }>('POST', `/api/orgs/${orgId}/devices/${deviceId}/revoke`)
    expect(revoked.status).toBe('revoked')

    // Whoever holds the phone opens the app on the residents' start page: no sign-in, only the challenge.
    const calls: string[] = []
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) calls.push(`${r.method()} ${new URL(r.url()).pathname}`)
    })
    await page.goto(`${h.baseUrl}/`)
    const notice = page.getByTestId('device-notice')
    await expect.poll(() => notice.textContent()).toContain('Je organisatie heeft dit apparaat ingetrokken. Daarom zijn alle gegevens op dit apparaat gewist')
    expect(await page.getByRole('alert').filter({ hasText: 'ingetrokken' }).count()).toBe(1)
    expect(calls.filter((c) => c.includes('/api/devices/'))).toEqual([`POST /api/devices/${deviceId}/challenge`, `POST /api/devices/${deviceId}/status`])
    expect(await context.cookies()).toEqual([])

    // Nothing is left: no device keys, no vault, no referrals.
    expect(await databases(page)).not.toContain('samenwerkwijze-apparaat')
    expect(await databases(page)).not.toContain('samenwerkwijze-verwijzingen')
    const vaultKeys = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const req = indexedDB.open('samenwerkwijze-casussen')
          req.onsuccess = () => {
            const db = req.result
            if (!db.objectStoreNames.contains('keys')) return resolve(0)
            const count = db.transaction('keys').objectStore('keys').count()
            count.onsuccess = () => resolve(count.result)
          }
        }),
    )
    expect(vaultKeys).toBe(0)
    expect(await seriousViolations(page)).toEqual([])

    // The notice stays until read, and then goes.
    await page.reload()
    await notice.waitFor()
    await notice.getByRole('button', { name: 'Gelezen' }).click()
    await expect.poll(() => notice.count()).toBe(0)
    await context.close()
  })

  it('keeps its data shut after more than 14 days without reaching the server, says why, and opens once it has', async () => {
    await admin.invite(orgId, { email: 'kees@welzijn.example', name: 'Kees Veld', role: 'sociaal-werker' }, PASSWORD)
    const context = await h.browser.newContext({ viewport: { width: 390, height: 800 } })
    const page = await context.newPage()
    // The page's clock, so fifteen days can pass without waiting.
    await page.clock.install()
    await firstSignIn(page, h.baseUrl, 'kees@welzijn.example', PASSWORD)
    await registerThisDevice(page)

    // Fifteen days later, in a place where the server cannot be reached.
    await page.clock.setSystemTime(new Date(Date.now() + 15 * DAY))
    await page.route('**/api/devices/**', (route) => route.abort('internetdisconnected'))
    await page.goto(`${h.baseUrl}/werk`)
    await unlockVault(page)
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBe(
      'Dit apparaat heeft 15 dagen geen contact gehad met de server. Daarom blijven de gegevens dicht. Maak verbinding met internet en probeer het opnieuw.',
    )
    expect(await page.getByLabel('Wachtzin', { exact: true }).count()).toBe(1)
    expect(await seriousViolations(page)).toEqual([])

    // Back in reach: the same unlock first asks the server, then opens.
    await page.unroute('**/api/devices/**')
    await unlockVault(page)
    await page.getByRole('button', { name: 'Nieuwe casus' }).waitFor()
    await context.close()
  })
})
