import type { Page } from 'playwright-core'
import { counterAt, totpAt } from '../../src/server/auth/totp'

/** First sign-in in the browser: password, then the authenticator set up with the key shown. */
export async function firstSignIn(page: Page, baseUrl: string, email: string, password: string) {
  await page.goto(`${baseUrl}/beheer/inloggen`)
  await page.getByLabel('E-mailadres').fill(email)
  await page.getByLabel('Wachtwoord').fill(password)
  await page.getByRole('button', { name: 'Verder' }).click()
  const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '')
  await page.getByLabel('Code uit je app').fill(totpAt(secret, counterAt(Date.now())))
  await page.getByRole('button', { name: 'Inloggen' }).click()
}
