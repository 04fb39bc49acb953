/**
 * Linking a worker's second device in the browser, as a person does it (issue 16, docs/case-sync.md
 * "Keys and linking a device"): the new device shows its code on "Dit apparaat koppelen", the code
 * is pasted on "Nieuw apparaat koppelen" of the device that holds the user key, and the new device
 * says it is linked. The first time, each phone accepts its own organisation's key number (it has
 * not pinned it yet: docs/device-trust.md "Certificates"). Both pages must be signed in, on an
 * approved device, with the vault open; they are reached through Meer so the vault stays open.
 */
import type { Page } from 'playwright-core'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import { approvePending } from './certify'
import { firstSignIn, registerThisDevice, unlockVault } from './signIn'
import type { Organisation } from './socialWorkerPhone'

/** Signs in on another device of a person whose authenticator is set up already (`secret`: what firstSignIn returned). */
export async function signInAgain(page: Page, baseUrl: string, email: string, password: string, secret: string): Promise<void> {
  await page.goto(`${baseUrl}/beheer/inloggen`)
  await page.getByLabel('E-mailadres').fill(email)
  await page.getByLabel('Wachtwoord').fill(password)
  await page.getByRole('button', { name: 'Verder' }).click()
  // The next step: a code of the first sign-in's step is not taken twice (src/server/auth/totp.ts).
  await page.getByLabel('Code uit je app').fill(totpAt(secret, counterAt(Date.now()) + 1))
  await page.getByRole('button', { name: 'Inloggen' }).click()
}

/** Opens a page of the Meer list in the app (no reload: the vault stays open). */
export async function openFromMore(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name: 'Meer', exact: true }).click()
  await page.getByRole('link', { name, exact: true }).click()
  await page.getByRole('heading', { level: 1, name }).waitFor()
}

/** Accepts the own organisation's key number where the page asks for it; false when it did not ask. */
async function acceptOwnOrganisation(page: Page): Promise<boolean> {
  const notice = page.getByTestId('unknown-organisation')
  if (!(await notice.isVisible())) return false
  await notice.getByRole('checkbox').check()
  await notice.getByRole('button', { name: 'Nummer accepteren' }).click()
  await notice.waitFor({ state: 'detached' })
  return true
}

/** Waits until one of the locators shows; returns its index. */
async function first(page: Page, testIds: string[]): Promise<number> {
  const locators = testIds.map((id) => page.getByTestId(id))
  await locators.reduce((a, b) => a.or(b)).first().waitFor()
  for (let i = 0; i < locators.length; i++) if (await locators[i]!.isVisible()) return i
  return -1
}

/** Links `newPage` (a new device of the worker) from `existingPage` (one that holds the user key) by the pasted code. Returns the code. */
export async function linkDevices(newPage: Page, existingPage: Page): Promise<string> {
  await openFromMore(newPage, 'Dit apparaat koppelen')
  const code = (await newPage.getByTestId('link-code').textContent())!.trim()
  await openFromMore(existingPage, 'Nieuw apparaat koppelen')
  await existingPage.getByTestId('link-code-input').fill(code)
  await existingPage.getByTestId('link-submit').click()
  if ((await first(existingPage, ['link-result', 'unknown-organisation'])) === 1) await acceptOwnOrganisation(existingPage)
  await existingPage.getByTestId('link-result').waitFor()
  // The new device looks every few seconds; a press looks at once.
  await newPage.getByRole('button', { name: 'Ik heb het gekoppeld' }).click()
  await newPage.getByTestId('unknown-organisation').or(newPage.getByText('Dit apparaat is gekoppeld.')).first().waitFor()
  await acceptOwnOrganisation(newPage)
  await newPage.getByText('Klaar. Dit apparaat is gekoppeld.').waitFor()
  return code
}

/**
 * A social worker with two approved devices — a 360 px phone and a 1024 px laptop, separate browser
 * contexts — each at "Mijn casussen" with its vault open and its session bound to it; not linked yet.
 */
export async function workerOnTwoDevices({ h, admin, organisationId }: Organisation, email: string, password = 'Kraanvogel-Heide-31-Uden'): Promise<{ phone: Page; laptop: Page }> {
  await admin.invite(organisationId, { email, name: 'Sanne de Wit', role: 'sociaal-werker' }, password)
  const phone = await (await h.browser.newContext({ viewport: { width: 360, height: 740 } })).newPage()
  const secret = await firstSignIn(phone, h.baseUrl, email, password)
  await registerThisDevice(phone)
  const laptop = await (await h.browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage()
  await signInAgain(laptop, h.baseUrl, email, password, secret)
  await registerThisDevice(laptop)
  await approvePending(admin, organisationId)
  // A load after the approval binds each session to its approved device; the vault opens again.
  for (const page of [phone, laptop]) {
    await page.goto(`${h.baseUrl}/werk`)
    await unlockVault(page)
    await page.getByRole('button', { name: 'Nieuwe casus' }).waitFor()
  }
  return { phone, laptop }
}
