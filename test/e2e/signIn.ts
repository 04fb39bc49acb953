import type { Page } from 'playwright-core'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import { neverLog } from './logWatch'

/** First sign-in in the browser: password, then the authenticator set up with the key shown. Returns that key (a second device signs in with it). */
export async function firstSignIn(page: Page, baseUrl: string, email: string, password: string): Promise<string> {
  await page.goto(`${baseUrl}/beheer/inloggen`)
  await page.getByLabel('E-mailadres').fill(email)
  await page.getByLabel('Wachtwoord').fill(password)
  await page.getByRole('button', { name: 'Verder' }).click()
  const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '')
  // None of it may reach the server's log (test/e2e/harness.ts checks when it stops).
  neverLog(email, password, secret)
  await page.getByLabel('Code uit je app').fill(totpAt(secret, counterAt(Date.now())))
  await page.getByRole('button', { name: 'Inloggen' }).click()
  return secret
}

/** A passphrase the strength rule accepts (four loose words); headless Chromium offers no PRF without a virtual authenticator. */
export const VAULT_PASSPHRASE = 'kraanvogel boven heide schoenveter'

/** Sets up the device's vault with a passphrase, where the page shows the set-up form. */
export async function setUpVault(page: Page, passphrase = VAULT_PASSPHRASE) {
  await page.getByLabel('Nieuwe wachtzin').fill(passphrase)
  await page.getByLabel('Nog een keer').fill(passphrase)
  await page.getByRole('button', { name: 'Wachtzin instellen' }).click()
}

/** Opens the vault with its passphrase, where the page shows the unlock form. */
export async function unlockVault(page: Page, passphrase = VAULT_PASSPHRASE) {
  await page.getByLabel('Wachtzin', { exact: true }).fill(passphrase)
  await page.getByRole('button', { name: 'Openen', exact: true }).click()
}

/**
 * Registers this phone on the professional home page (where sign-in lands): the keys are made in an
 * open vault, so the vault is set up first (docs/device-trust.md). Waits until the page says the
 * device waits for approval.
 */
export async function registerThisDevice(page: Page, passphrase = VAULT_PASSPHRASE) {
  await page.getByRole('heading', { name: 'Dit apparaat', exact: true }).waitFor()
  await setUpVault(page, passphrase)
  await page.getByRole('button', { name: 'Apparaat aanmelden' }).click()
  await page.getByTestId('device-status').waitFor()
}
