/**
 * The vault's two modes in Chromium (issue 11, finding 1): set-up and unlock with a platform
 * authenticator's PRF (Chromium's virtual authenticator over CDP, with hasPrf), and a device
 * without one, where a weak passphrase is refused in Dutch and a strong one sets the vault up.
 */
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient, bootstrapCode } from './apiClient'
import { approvePending } from './certify'
import { seriousViolations } from './axe'
import { startHarness, type Harness } from './harness'
import { firstSignIn } from './signIn'

let h: Harness
let admin: ApiClient
let organisationId: string
/** The app at "localhost": WebAuthn refuses an IP address as relying party id, so the PRF test cannot use 127.0.0.1. */
let appUrl: string
beforeAll(async () => {
  h = await startHarness()
  appUrl = h.baseUrl.replace('127.0.0.1', 'localhost')
  admin = new ApiClient(h.baseUrl)
  ;({ organisationId } = await admin.call<{ organisationId: string }>('POST', '/api/auth/bootstrap', { code: bootstrapCode(h.dataDir), organisation: 'Welzijn Uden', name: 'Beheer', email: 'beheer@welzijn.example', password: 'Reiger-Plas-40-Volkel' }))
  await admin.signInFirstTime('beheer@welzijn.example', 'Reiger-Plas-40-Volkel')
})
afterAll(async () => {
  await h?.stop()
})

const PASSWORD = 'Kraanvogel-Heide-31-Uden'
const PASSPHRASE = 'paraplu onder de brug zingt'

/** A signed-in social worker on a phone of their own, at the professional home page. */
async function workerPhone(email: string, prepare?: (context: BrowserContext, page: Page) => Promise<void>) {
  await admin.invite(organisationId, { email, name: 'Sanne de Wit', role: 'sociaal-werker' }, PASSWORD)
  const context = await h.browser.newContext({ viewport: { width: 390, height: 800 } })
  const page = await context.newPage()
  await prepare?.(context, page)
  await firstSignIn(page, appUrl, email, PASSWORD)
  await page.getByRole('heading', { name: 'Dit apparaat', exact: true }).waitFor()
  return { context, page }
}

/** What the vault's key record holds, as the page's IndexedDB has it (typed arrays as lengths). */
async function keyRecord(page: Page): Promise<Record<string, unknown> | undefined> {
  return page.evaluate(
    () =>
      new Promise<Record<string, unknown> | undefined>((resolve, reject) => {
        const r = indexedDB.open('samenwerkwijze-casussen')
        r.onerror = () => reject(r.error)
        r.onsuccess = () => {
          const req = r.result.transaction('keys').objectStore('keys').get('data-key')
          req.onsuccess = () => {
            const row = req.result as Record<string, unknown> | undefined
            r.result.close()
            if (!row) return resolve(undefined)
            const plain = (v: unknown): unknown => (v instanceof Uint8Array ? `${v.length} bytes` : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v)
            resolve(plain(row) as Record<string, unknown>)
          }
        }
      }),
  )
}

describe('the vault on a phone', () => {
  it('sets up and opens with the platform authenticator (WebAuthn PRF): nothing to guess in the stored record', async () => {
    let authenticatorId = ''
    const { page, context } = await workerPhone('prf@welzijn.example', async (context, page) => {
      const cdp = await context.newCDPSession(page)
      await cdp.send('WebAuthn.enable')
      ;({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, hasPrf: true, automaticPresenceSimulation: true },
      }))
      ;(page as Page & { cdp?: typeof cdp }).cdp = cdp
    })
    expect(authenticatorId).not.toBe('')
    const prf = page.getByLabel('Met je vingerafdruk, gezicht of schermslot')
    await prf.waitFor()
    expect(await prf.isChecked()).toBe(true)
    // What each mode protects against is said on the set-up screen.
    await page.getByText('zonder deze telefoon kan niemand ze openen').waitFor()
    await page.getByText('kan proberen de zin te raden').waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await page.getByRole('button', { name: 'Instellen met vingerafdruk of gezicht' }).click()
    await page.getByRole('button', { name: 'Apparaat aanmelden' }).waitFor()

    const record = await keyRecord(page)
    expect(record).toMatchObject({ mode: 'prf', prfSalt: '32 bytes', hkdfSalt: '32 bytes', wrappedKey: '40 bytes', failedAttempts: 0 })
    expect(record).not.toHaveProperty('kdf')
    expect(record).not.toHaveProperty('iterations')
    const cdp = (page as Page & { cdp?: import('playwright-core').CDPSession }).cdp!
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    expect(credentials).toHaveLength(1)
    expect(credentials[0]!.rpId).toBe('localhost')

    // A reload forgets the key; the authenticator opens the vault again, with no passphrase asked.
    await page.reload()
    const open = page.getByRole('button', { name: 'Openen met vingerafdruk of gezicht' })
    await open.waitFor()
    expect(await page.getByLabel('Wachtzin', { exact: true }).count()).toBe(0)
    expect(await seriousViolations(page)).toEqual([])
    await open.click()
    await page.getByRole('button', { name: 'Apparaat aanmelden' }).waitFor()

    // Without the authenticator (another phone, or the credential gone) the vault stays shut and says so.
    await page.reload()
    await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: credentials[0]!.credentialId })
    await page.getByRole('button', { name: 'Openen met vingerafdruk of gezicht' }).click()
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 10_000 }).toMatch(/gestopt voordat het klaar was|kan je vingerafdruk of gezicht hier niet gebruiken/)
    expect(await page.getByRole('button', { name: 'Apparaat aanmelden' }).count()).toBe(0)
    await context.close()
  })

  it('asks a device without a platform authenticator for a strong passphrase, and locks and opens with it', async () => {
    const { page, context } = await workerPhone('wachtzin@welzijn.example')
    await page.getByText('Dit apparaat heeft geen vingerafdruk, gezichtsherkenning of schermslot').waitFor()
    expect(await page.getByLabel('Met je vingerafdruk, gezicht of schermslot').count()).toBe(0)
    expect(await seriousViolations(page)).toEqual([])
    for (const [weak, said] of [
      ['482913', /te kort/],
      ['wachtwoord1234', /te makkelijk te raden/],
    ] as const) {
      await page.getByLabel('Nieuwe wachtzin').fill(weak)
      await page.getByLabel('Nog een keer').fill(weak)
      await page.getByRole('button', { name: 'Wachtzin instellen' }).click()
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(said)
    }
    expect(await keyRecord(page)).toBeUndefined()
    await page.getByLabel('Nieuwe wachtzin').fill(PASSPHRASE)
    await page.getByLabel('Nog een keer').fill(PASSPHRASE)
    await page.getByRole('button', { name: 'Wachtzin instellen' }).click()
    await page.getByRole('button', { name: 'Apparaat aanmelden' }).click()
    await page.getByTestId('device-status').waitFor()
    expect(await keyRecord(page)).toMatchObject({ mode: 'passphrase', kdf: { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1, salt: '16 bytes' } })

    // Approved, the cases page is open; locking it asks for the passphrase again.
    await approvePending(admin, organisationId)
    // The professionals' menu (the shell's bottom bar) leads to the cases.
    await page.getByRole('link', { name: /^Casussen/ }).first().click()
    await page.getByRole('button', { name: 'Nieuwe casus' }).waitFor()
    await page.getByRole('button', { name: 'Vergrendelen' }).click()
    const field = page.getByLabel('Wachtzin', { exact: true })
    await field.waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await field.fill('paraplu onder de brug')
    await page.getByRole('button', { name: 'Openen', exact: true }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Dit klopt niet\. Nog 9 pogingen/)
    await field.fill(PASSPHRASE)
    // While Argon2id derives the key (seconds), a placeholder of the page stands in its place, busy, saying what happens (issue 14).
    // Seen by an observer in the page from the moment it appears: on a fast run the key is ready before a
    // second round trip from the test could read it (CI once timed out reading a placeholder already gone).
    const opening = page.evaluate(
      () =>
        new Promise<{ busy: string | null; status: string | null | undefined }>((resolve) => {
          const look = () => {
            const el = document.querySelector('[data-testid="vault-opening"]')
            if (!el) return
            observer.disconnect()
            resolve({ busy: el.getAttribute('aria-busy'), status: el.querySelector('[role="status"]')?.textContent })
          }
          const observer = new MutationObserver(look)
          observer.observe(document.body, { childList: true, subtree: true })
          look()
        }),
    )
    const started = Date.now()
    await page.getByRole('button', { name: 'Openen', exact: true }).click()
    expect(await opening).toEqual({ busy: 'true', status: 'Kluis wordt geopend …' })
    await page.getByRole('button', { name: 'Nieuwe casus' }).waitFor()
    // Argon2id (64 MiB, 3 passes) in the key worker, in headless Chromium on this machine.
    console.log(`passphrase unlock in the browser: ${Date.now() - started} ms`)
    await context.close()
  })

  it('opens a vault made before issue 11 once with its old PIN, then asks for a new way before it opens', async () => {
    const { page, context } = await workerPhone('oud@welzijn.example')
    await page.getByLabel('Nieuwe wachtzin').waitFor()
    // The vault as the app made it before: PBKDF2-600k of a 6-digit PIN wrapping the data key.
    await page.evaluate(async () => {
      const salt = crypto.getRandomValues(new Uint8Array(16))
      const material = await crypto.subtle.importKey('raw', new TextEncoder().encode('482913'), 'PBKDF2', false, ['deriveKey'])
      const kek = await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 600_000 }, material, { name: 'AES-KW', length: 256 }, false, ['wrapKey'])
      const dataKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt'])
      const wrappedKey = new Uint8Array(await crypto.subtle.wrapKey('raw', dataKey, kek, 'AES-KW'))
      await new Promise<void>((resolve, reject) => {
        const r = indexedDB.open('samenwerkwijze-casussen')
        r.onerror = () => reject(r.error)
        r.onsuccess = () => {
          const tx = r.result.transaction('keys', 'readwrite')
          tx.objectStore('keys').put({ name: 'data-key', salt, iterations: 600_000, wrappedKey, failedAttempts: 0 })
          tx.oncomplete = () => (r.result.close(), resolve())
          tx.onerror = () => reject(tx.error)
        }
      })
    })
    await page.reload()
    const old = page.getByLabel('Oude toegangscode')
    await old.waitFor()
    await page.getByText('Dit apparaat gebruikt nog een oude toegangscode').waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await old.fill('000000')
    await page.getByRole('button', { name: 'Openen', exact: true }).click()
    await expect.poll(async () => (await page.getByRole('alert').allTextContents()).join(' | '), { timeout: 15_000 }).toMatch(/Dit klopt niet\. Nog 9 pogingen/)
    await old.fill('482913')
    await page.getByRole('button', { name: 'Openen', exact: true }).click()
    // Right, but not open: first a new way to open.
    await page.getByRole('heading', { name: 'Kies een nieuwe manier om te openen' }).waitFor()
    expect(await page.getByRole('button', { name: 'Apparaat aanmelden' }).count()).toBe(0)
    expect(await seriousViolations(page)).toEqual([])
    await page.getByLabel('Nieuwe wachtzin').fill('482913482913')
    await page.getByLabel('Nog een keer').fill('482913482913')
    await page.getByRole('button', { name: 'Wachtzin instellen' }).click()
    await expect.poll(async () => (await page.getByRole('alert').allTextContents()).join(' | ')).toMatch(/te makkelijk te raden/)
    await page.getByLabel('Nieuwe wachtzin').fill(PASSPHRASE)
    await page.getByLabel('Nog een keer').fill(PASSPHRASE)
    await page.getByRole('button', { name: 'Wachtzin instellen' }).click()
    await page.getByRole('button', { name: 'Apparaat aanmelden' }).waitFor()
    const record = await keyRecord(page)
    expect(record).toMatchObject({ mode: 'passphrase', kdf: { algorithm: 'argon2id' }, wrappedKey: '40 bytes', failedAttempts: 0 })
    expect(record).not.toHaveProperty('iterations')
    await context.close()
  })
})
