import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import { deviceFingerprint, fingerprint } from '../../src/shared/devices/certificates'
import { ApiClient, bootstrapCode } from './apiClient'
import { seriousViolations } from './axe'
import { startHarness, type Harness } from './harness'
import { registerThisDevice } from './signIn'

/** The server and browser of the test at hand: each describe below starts its own. */
let h: Harness

const ADMIN = { email: 'beheer@gemeente-oss.example', password: 'Klaproos-Akker-17-Maas', name: 'Anna Beheer' }
const EDITOR = { email: 'kaart@gemeente-oss.example', password: 'Vlinder-Brug-28-Heesch', name: 'Karim Kaart' }
/** The first organisation is the region's programme office: region-wide roles live there. */
const REGION = 'Programmabureau Samen in Gezondheid'


const secrets = new Map<string, string>()
/** The last authenticator step each account used: the server takes every step once (src/server/auth/signIn.ts). */
const usedSteps = new Map<string, number>()

/**
 * The code for the first step this account has not used yet. The server accepts the step before,
 * the current one and the next (clock drift, verifyTotp in src/server/auth/totp.ts), each once: a
 * second sign-in within 30 seconds takes the next step's code, as an authenticator a little ahead
 * would show it. No waiting for the next window.
 */
function freshCode(email: string): string {
  const now = counterAt(Date.now())
  const step = Math.max(now, (usedSteps.get(email) ?? -1) + 1)
  if (step > now + 1) throw new Error(`${email} used the next step already: the server would refuse this code`)
  usedSteps.set(email, step)
  return totpAt(secrets.get(email)!, step)
}

/** Signs in; on first sign-in reads the key shown and sets up the authenticator like a person would. */
async function signIn(page: Page, who: { email: string; password: string }, options: { again?: boolean } = {}) {
  await passwordStep(page, who, options)
  await page.getByLabel('Code uit je app').fill(freshCode(who.email))
  expect((await sendCode(page)).status()).toBe(200)
  await page.getByRole('heading', { name: 'Vandaag', exact: true }).waitFor()
}

/** The password step, up to the code field (on first sign-in: the key shown, read like a person would). */
async function passwordStep(page: Page, who: { email: string; password: string }, options: { again?: boolean }) {
  await page.goto(`${h.baseUrl}/beheer/inloggen`)
  await page.getByLabel('E-mailadres').fill(who.email)
  await page.getByLabel('Wachtwoord').fill(who.password)
  await page.getByRole('button', { name: 'Verder' }).click()
  if (options.again) return page.getByLabel('Code uit je app').waitFor()
  const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '')
  expect(secret).toMatch(/^[A-Z2-7]{32}$/)
  secrets.set(who.email, secret)
  await expectKeyReadableOnThisScreen(page)
  expect(await seriousViolations(page)).toEqual([])
}

/** Sends the code in the field; the server's answer. */
const sendCode = async (page: Page) =>
  (await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/api/auth/totp')), page.getByRole('button', { name: 'Inloggen' }).click()]))[0]

/** The set-up step shows a QR code drawn on the page, and the key in groups that a phone never breaks. */
async function expectKeyReadableOnThisScreen(page: Page) {
  const qr = page.getByRole('img', { name: 'QR-code voor je authenticator-app' })
  expect(await qr.evaluate((el) => el.tagName.toLowerCase())).toBe('svg')
  const width = page.viewportSize()!.width
  const box = (await qr.boundingBox())!
  expect(box.width).toBeGreaterThanOrEqual(Math.min(200, width - 64))
  expect(box.x + box.width).toBeLessThanOrEqual(width)
  const groups = page.getByTestId('totp-secret').locator('span')
  expect(await groups.count()).toBe(8)
  for (const group of await groups.all()) expect(await group.evaluate((el) => el.getClientRects().length)).toBe(1)
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
}

describe('professionals in the browser: the region from its first start', () => {
  beforeAll(async () => {
    // A new install: the server makes its database (initdb and every migration) on its first start.
    h = await startHarness({ firstStart: true })
  })
  afterAll(async () => {
    await h?.stop()
  })

  it('sets up the region, invites a kaartbeheerder by link, approves a device, edits a listing, resolves a report and locks an account', async () => {
    // Started without a terminal, the server leaves the link in DATA_DIR, never on stdout.
    const code = /\/beheer\/start#([A-Za-z0-9_-]+)/.exec(readFileSync(join(h.dataDir, 'bootstrap-link.txt'), 'utf8'))?.[1]
    expect(code, 'the server writes a one-time link on first start').toBeTruthy()
    expect(h.output()).not.toContain(code)

    // The first beheerder.
    const admin = await (await h.browser.newContext()).newPage()
    await admin.goto(`${h.baseUrl}/beheer/start#${code}`)
    await admin.getByLabel('Naam van het programmabureau van de regio').fill(REGION)
    await admin.getByLabel('Je naam').fill(ADMIN.name)
    await admin.getByLabel('E-mailadres').fill(ADMIN.email)
    await admin.getByLabel('Kies een wachtwoord').fill('wachtwoord123')
    await admin.getByRole('button', { name: 'Account aanmaken' }).click()
    await expect.poll(() => admin.getByText('Dit wachtwoord is te bekend').isVisible()).toBe(true)
    await admin.getByLabel('Kies een wachtwoord').fill(ADMIN.password)
    await admin.getByRole('button', { name: 'Account aanmaken' }).click()
    await admin.getByText('Gelukt. Log nu in.').waitFor()
    await signIn(admin, ADMIN)

    // The region's beheerder invites a kaartbeheerder: a link to hand over, never a password.
    await admin.getByRole('link', { name: /^Leden/ }).click()
    await admin.getByLabel('Naam', { exact: true }).fill(EDITOR.name)
    await admin.getByLabel('E-mailadres').fill(EDITOR.email)
    await admin.getByLabel('Rol').selectOption('kaartbeheerder')
    await admin.getByRole('button', { name: 'Uitnodiging maken' }).click()
    const handover = admin.getByTestId('link-handover')
    await handover.getByRole('img', { name: 'QR-code met de link' }).waitFor()
    const invitation = await handover.getByLabel('Link', { exact: true }).inputValue()
    expect(invitation).toMatch(new RegExp(`^${h.baseUrl}/beheer/link#[A-Za-z0-9_-]{20,}$`))
    await expect.poll(() => admin.getByTestId('invitation').textContent()).toContain(EDITOR.email)
    expect(await seriousViolations(admin)).toEqual([])

    // The kaartbeheerder opens the link on their phone and chooses their own password.
    const editorContext = await h.browser.newContext({ viewport: { width: 360, height: 780 } })
    const editor = await editorContext.newPage()
    await editor.goto(invitation)
    await editor.getByText(`Je bent uitgenodigd voor ${REGION} met de rol Kaartbeheerder.`).waitFor()
    expect(new URL(editor.url()).hash, 'the token leaves the address bar').toBe('')
    expect(await editor.getByLabel('Je naam').inputValue()).toBe(EDITOR.name)
    expect(await seriousViolations(editor)).toEqual([])
    await editor.getByLabel('Kies een wachtwoord').fill(EDITOR.password)
    await editor.getByRole('button', { name: 'Uitnodiging aannemen' }).click()
    await expect.poll(() => editor.getByTestId('link-message').textContent()).toMatch(/^Gelukt\./)
    await signIn(editor, EDITOR)
    // The device's keys are made in an open vault: a passphrase here (no platform authenticator headless).
    await registerThisDevice(editor)
    await expect.poll(() => editor.getByTestId('device-status').textContent()).toMatch(/Wacht op goedkeuring/)

    const editorNumber = (await editor.getByTestId('own-fingerprint').locator('strong').textContent())!
    expect(editorNumber).toMatch(/^\d{5}( \d{5}){5}$/)

    // The beheerder approves it, on their own phone: registered first (its vault set up), then the
    // organisation key made there, which certifies that phone (docs/device-trust.md, "Certificates").
    await admin.goto(`${h.baseUrl}/beheer`)
    await registerThisDevice(admin)
    await admin.getByRole('link', { name: /^Apparaten/ }).click()
    await admin.getByRole('button', { name: 'Organisatiesleutel maken' }).click()
    await expect.poll(() => admin.getByTestId('org-fingerprint').textContent()).toMatch(/Nummer van de organisatiesleutel: \d{5}( \d{5}){5}/)
    const editorDevice = admin.locator('[data-device-id]', { hasText: EDITOR.name })
    // The number to compare is the one the kaartbeheerder's phone shows.
    expect(await editorDevice.getByTestId('device-fingerprint').locator('strong').textContent()).toBe(editorNumber)
    // It covers both keys the certificate will carry, the encryption key too (review finding 3): not the signing key's number alone.
    const listed = await admin.evaluate(async () => {
      const me = (await (await fetch('/api/auth/me')).json()) as { memberships: { organisationId: string; isRegion: boolean }[] }
      const orgId = me.memberships.find((m) => m.isRegion)!.organisationId
      return ((await (await fetch(`/api/orgs/${orgId}/devices`)).json()) as { devices: { userName: string; publicKey: { crv: string; x: string; y: string }; signingKey: { crv: string; x: string; y: string } }[] }).devices
    })
    const editorKeys = listed.find((x) => x.userName === EDITOR.name)!
    expect(await deviceFingerprint(editorKeys.signingKey, editorKeys.publicKey)).toBe(editorNumber)
    expect(await fingerprint(editorKeys.signingKey)).not.toBe(editorNumber)
    expect(await seriousViolations(admin)).toEqual([])
    await admin.getByRole('button', { name: 'Mijn werktelefoon goedkeuren' }).click()
    await expect.poll(() => editorDevice.textContent()).toMatch(/Goedgekeurd\./)
    expect(await seriousViolations(admin)).toEqual([])
    await editor.getByRole('button', { name: 'Status opnieuw bekijken' }).click()
    await expect.poll(() => editor.getByTestId('device-status').textContent()).toBe('Goedgekeurd.')

    // The kaartbeheerder edits a listing; a wrong time gets a Dutch message next to the field.
    await editor.goto(`${h.baseUrl}/beheer/kaart`)
    await editor.getByLabel('Zoek op naam of plaats').fill('repair cafe heesch')
    await editor.getByRole('link', { name: 'Repair Café Heesch' }).click()
    await editor.getByRole('heading', { name: 'Bewerken: Repair Café Heesch' }).waitFor()
    await editor.getByLabel('Naam', { exact: true }).fill('Repair Café Heesch (De Pas)')
    await editor.getByLabel('Begintijd').fill('25:00')
    const website = await editor.getByLabel('Website').inputValue()
    await editor.getByLabel('Website').fill('javascript:alert(1)')
    await editor.getByRole('button', { name: 'Opslaan', exact: true }).click()
    await expect.poll(() => editor.getByText('Vul een tijd in zoals 09:30.').isVisible()).toBe(true)
    expect(await editor.getByLabel('Begintijd').getAttribute('aria-invalid')).toBe('true')
    await expect.poll(() => editor.getByText('Vul een webadres in dat begint met https://.').isVisible()).toBe(true)
    expect(await seriousViolations(editor)).toEqual([])
    await editor.getByLabel('Begintijd').fill('10:00')
    await editor.getByLabel('Website').fill(website)
    // The programme office owns this listing from now on: its members may propose changes.
    await editor.getByLabel('Organisatie van dit aanbod').selectOption({ label: REGION })
    await editor.getByRole('button', { name: 'Opslaan', exact: true }).click()
    await editor.getByText(/^Opgeslagen/).waitFor()
    await expect.poll(() => editor.getByText(/bewerkt — Karim Kaart/).count()).toBe(1)

    // A resident's phone sees the new name, and sends a report about it.
    const resident = await (await h.browser.newContext()).newPage()
    await resident.goto(`${h.baseUrl}/?q=repair+cafe+heesch`)
    const item = resident.locator('[data-service-id]').first()
    await expect.poll(() => item.textContent()).toMatch(/Repair Café Heesch \(De Pas\)/)
    await item.getByRole('link').click()
    await resident.getByLabel('Wat klopt er niet?').fill('Het café is verhuisd naar de bibliotheek.')
    await resident.getByRole('button', { name: 'Melding versturen' }).click()
    await resident.getByText('Bedankt! Je melding is verstuurd.').waitFor()

    // The kaartbeheerder resolves it.
    await editor.goto(`${h.baseUrl}/beheer/meldingen`)
    await editor.getByText('Het café is verhuisd naar de bibliotheek.').waitFor()
    expect(await seriousViolations(editor)).toEqual([])
    await editor.getByLabel('Wat heb je gedaan?').fill('Adres aangepast')
    await editor.getByRole('button', { name: 'Afhandelen' }).click()
    await editor.getByText('Er zijn geen open meldingen.').waitFor()

    // A member of the programme office proposes a change; the kaartbeheerder takes it over.
    await admin.goto(`${h.baseUrl}/beheer/ons-aanbod`)
    await admin.getByRole('link', { name: 'Repair Café Heesch (De Pas)' }).click()
    await admin.getByRole('heading', { name: /^Wijziging voorstellen/ }).waitFor()
    await admin.getByLabel('Beschrijving').fill('Nu in de bibliotheek, elke eerste zaterdag.')
    await admin.getByRole('button', { name: 'Voorstel versturen' }).click()
    await admin.getByText(/Je voorstel is verstuurd/).waitFor()
    await editor.goto(`${h.baseUrl}/beheer/voorstellen`)
    await editor.getByRole('button', { name: 'Overnemen' }).click()
    await expect.poll(() => editor.getByText(/overgenomen/).count()).toBeGreaterThan(0)
    const published = (await (await fetch(`${h.baseUrl}/api/social-map`)).json()) as { services: { name: string; description?: string }[] }
    expect(published.services.find((x) => x.name === 'Repair Café Heesch (De Pas)')?.description).toBe('Nu in de bibliotheek, elke eerste zaterdag.')

    // The region's beheerder creates an organisation and gets its first beheerder's invitation.
    await admin.goto(`${h.baseUrl}/beheer/meer`)
    await admin.getByRole('link', { name: 'Verwijsroutes' }).waitFor()
    await admin.getByRole('link', { name: 'Organisaties in de regio' }).click()
    await admin.getByLabel('Naam van de organisatie').fill('Gemeente Oss')
    await admin.getByLabel('Naam van de eerste beheerder').fill('Bea Oss')
    await admin.getByLabel('E-mailadres van de eerste beheerder').fill('bea@gemeente-oss.example')
    await admin.getByRole('button', { name: 'Organisatie aanmaken' }).click()
    await admin.getByRole('heading', { name: 'Uitnodiging voor Bea Oss, beheerder van Gemeente Oss' }).waitFor()
    expect(await admin.getByTestId('link-handover').getByLabel('Link', { exact: true }).inputValue()).toMatch(/\/beheer\/link#/)
    await expect.poll(() => admin.getByTestId('region-organisation').filter({ hasText: 'Gemeente Oss' }).textContent()).toMatch(/Nog geen beheerder/)
    expect(await seriousViolations(admin)).toEqual([])

    // Locked by the beheerder: the kaartbeheerder's next page load is signed out.
    await admin.goto(`${h.baseUrl}/beheer`)
    await admin.getByRole('link', { name: /^Leden/ }).click()
    const editorEntry = admin.locator(`[data-member="${EDITOR.email}"]`)
    await editorEntry.getByRole('button', { name: 'Op slot zetten' }).click()
    await expect.poll(() => editorEntry.getByTestId('member-result').textContent()).toBe(`Het account van ${EDITOR.name} staat op slot. ${EDITOR.name} is overal uitgelogd.`)
    await editor.goto(`${h.baseUrl}/beheer/meldingen`)
    await editor.getByRole('heading', { name: 'Inloggen voor professionals' }).waitFor()
    await editorEntry.getByRole('button', { name: 'Weer openzetten' }).click()
    await expect.poll(() => editorEntry.getByTestId('member-result').textContent()).toBe(`Het account van ${EDITOR.name} is weer open.`)
  })

  it('sends someone who is not signed in to the sign-in page', async () => {
    const page = await (await h.browser.newContext()).newPage()
    await page.goto(`${h.baseUrl}/beheer/kaart`)
    await page.getByRole('heading', { name: 'Inloggen voor professionals' }).waitFor()
    expect(page.url()).toContain('/beheer/inloggen?terug=')
    expect(await seriousViolations(page)).toEqual([])
  })
})

/**
 * Its own server, set up through the API: the region's beheerder from the one-time code, and a
 * kaartbeheerder who accepted an invitation and set up their authenticator — nothing the first
 * describe left behind.
 */
describe('professionals in the browser: a kaartbeheerder who has an account', () => {
  let admin: ApiClient
  let regionId: string
  beforeAll(async () => {
    h = await startHarness()
    admin = new ApiClient(h.baseUrl)
    ;({ organisationId: regionId } = await admin.call<{ organisationId: string }>('POST', '/api/auth/bootstrap', { code: bootstrapCode(h.dataDir), organisation: REGION, ...ADMIN }))
    // The beheerder's authenticator set up through the API, its key kept: the browser signs in with it below.
    await admin.call('POST', '/api/auth/sign-in', { email: ADMIN.email, password: ADMIN.password })
    secrets.set(ADMIN.email, (await admin.call<{ secret: string }>('POST', '/api/auth/totp/setup')).secret)
    await admin.call('POST', '/api/auth/totp/confirm', { code: freshCode(ADMIN.email) })
    await admin.invite(regionId, { email: EDITOR.email, name: EDITOR.name, role: 'kaartbeheerder' }, EDITOR.password)
    const editor = new ApiClient(h.baseUrl)
    await editor.call('POST', '/api/auth/sign-in', { email: EDITOR.email, password: EDITOR.password })
    const { secret } = await editor.call<{ secret: string }>('POST', '/api/auth/totp/setup')
    secrets.set(EDITOR.email, secret)
    await editor.call('POST', '/api/auth/totp/confirm', { code: freshCode(EDITOR.email) })
  })
  afterAll(async () => {
    await h?.stop()
  })

  it('lets a kaartbeheerder with an account join by signing in first, and add a new listing', async () => {
    const page = await (await h.browser.newContext()).newPage()
    // An invitation to an address that has an account: the link asks to sign in first and comes back.
    const { link } = await admin.call<{ link: string }>('POST', `/api/orgs/${regionId}/invitations`, { email: EDITOR.email, name: EDITOR.name, role: 'programma' })
    await page.goto(`${h.baseUrl}${link}`)
    await page.getByLabel('Kies een wachtwoord').fill('Iemand-Anders-Probeert-9')
    await page.getByRole('button', { name: 'Uitnodiging aannemen' }).click()
    await page.getByRole('link', { name: 'Inloggen en terugkomen' }).click()
    await page.getByRole('heading', { name: 'Inloggen voor professionals' }).waitFor()
    expect(new URL(page.url()).searchParams.get('terug')).toBe('/beheer/link')
    // A wrong password names both e-mail address and password (the same for unknown accounts).
    await page.goto(`${h.baseUrl}/beheer/inloggen`)
    await page.getByLabel('E-mailadres').fill(EDITOR.email)
    await page.getByLabel('Wachtwoord').fill(`${EDITOR.password}-not`)
    await page.getByRole('button', { name: 'Verder' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Het e-mailadres of het wachtwoord klopt niet.')
    // The right password, then a wrong code: the password was right, so the code step names the code.
    await passwordStep(page, EDITOR, { again: true })
    await page.getByLabel('Code uit je app').fill(totpAt(secrets.get(EDITOR.email)!, counterAt(Date.now()) - 20))
    expect((await sendCode(page)).status()).toBe(401)
    // Waited for in the page itself (no polling interval): the right code must follow well within the wait below.
    const alert = page.getByRole('alert')
    await alert.filter({ hasText: /^Deze code klopt niet/ }).waitFor()
    expect(await alert.textContent()).not.toMatch(/wachtwoord|e-mailadres/)
    // That wrong code was the account's third attempt since its last sign-in (wrong password, right
    // password, wrong code): after it the server makes the account wait 1 s (waitAfter in
    // src/server/auth/signIn.ts). The right code follows at once (one fill and click, far within that
    // second), so it is refused with the wait; the page says so. A try within the wait costs no
    // attempt: the person tries again until let in, polled well apart (the step allows 10 a minute).
    // Typed and sent in one step in the page (one round trip instead of Playwright's fill and click,
    // which took more than that second once while another file's browser shared the two cores).
    const code = freshCode(EDITOR.email)
    const [refused] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/api/auth/totp')),
      page.getByLabel('Code uit je app').evaluate((input, value) => {
        const field = input as HTMLInputElement
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(field, value)
        field.dispatchEvent(new Event('input', { bubbles: true }))
        field.form!.requestSubmit()
      }, code),
    ])
    expect(refused.status(), 'the right code within the wait after the third attempt').toBe(429)
    await expect.poll(() => alert.textContent()).toMatch(/^Er is een paar keer iets fout ingevuld\. Wacht/)
    const seconds = Number(refused.headers()['retry-after'])
    expect(seconds).toBe(1)
    await expect.poll(async () => (await sendCode(page)).status(), { interval: 300, timeout: (seconds + 2) * 1000 }).toBe(200)
    await page.getByRole('heading', { name: 'Vandaag', exact: true }).waitFor()
    // After sign-in Vandaag (the home page) says someone tried (the wrong password and the wrong code: exactly two); the person marks it read.
    await expect.poll(() => page.getByTestId('failed-attempts').textContent()).toMatch(/Sinds je vorige keer is er 2 keer geprobeerd in te loggen/)
    expect(await seriousViolations(page)).toEqual([])
    await page.getByRole('button', { name: 'Gelezen' }).click()
    await expect.poll(() => page.getByTestId('failed-attempts').count()).toBe(0)
    // Signed in (the failed attempts were told first): the link, kept in this tab, is accepted with this account.
    await page.goto(`${h.baseUrl}/beheer/link`)
    await page.getByRole('button', { name: 'Uitnodiging aannemen' }).click()
    await expect.poll(() => page.getByTestId('link-message').textContent()).toContain(`Gelukt. Je hoort nu ook bij ${REGION}.`)
    await page.goto(`${h.baseUrl}/beheer/kaart`)
    await page.getByText('Nieuw aanbod toevoegen').click()
    await page.getByLabel('Naam', { exact: true }).fill('Taalmaatje Reek')
    await page.getByLabel('Straat en huisnummer').fill('Buurthuislaan 3')
    await page.getByLabel('Postcode').fill('123')
    await page.getByLabel('Plaats', { exact: true }).selectOption('Reek')
    await page.getByRole('button', { name: 'Aanmaken en verder invullen' }).click()
    await expect.poll(() => page.getByText('Vul een postcode in zoals 5341 AB.').isVisible()).toBe(true)
    await page.getByLabel('Postcode').fill('5375 ZZ')
    await page.getByRole('button', { name: 'Aanmaken en verder invullen' }).click()
    await page.getByRole('heading', { name: 'Bewerken: Taalmaatje Reek' }).waitFor()
    expect(await seriousViolations(page)).toEqual([])
  })

  it('shows next to the button what saving the routing table and inviting an existing member did (issue 14, silent actions)', async () => {
    const context = await h.browser.newContext({ viewport: { width: 360, height: 780 } })
    const page = await context.newPage()
    await signIn(page, ADMIN, { again: true })

    // The routing table is long; its result shows where the button is, with the time, not only to a screen reader.
    await page.goto(`${h.baseUrl}/beheer/verwijsroutes`)
    const save = page.getByRole('button', { name: 'Routes opslaan' })
    await save.click()
    const saved = page.getByTestId('routes-result')
    await expect.poll(() => saved.textContent()).toMatch(/^\s*Verwijsroutes opgeslagen vandaag om \d{2}:\d{2}\.\s*$/)
    await expect.poll(() => inView(saved)).toBe(true)
    expect(await seriousViolations(page)).toEqual([])
    // Refused (no connection): the reason, in the same place.
    await context.setOffline(true)
    await save.click()
    await expect.poll(() => saved.textContent()).toMatch(/^\s*Niet opgeslagen: /)
    await expect.poll(() => inView(saved)).toBe(true)
    await context.setOffline(false)

    // Inviting someone who already has that role here: said so beside the button, and no pointless link made.
    await page.goto(`${h.baseUrl}/beheer/organisatie/${regionId}/leden`)
    await page.locator(`[data-member="${EDITOR.email}"]`).waitFor()
    // Open invitations made earlier in this describe may be listed (the members page loads them with the people).
    const listedBefore = await page.getByTestId('invitation').count()
    const { invitations: openBefore } = await admin.call<{ invitations: unknown[] }>('GET', `/api/orgs/${regionId}/invitations`)
    await page.getByLabel('Naam', { exact: true }).fill(EDITOR.name)
    await page.getByLabel('E-mailadres').fill(EDITOR.email.toUpperCase())
    await page.getByLabel('Rol').selectOption('kaartbeheerder')
    await page.getByRole('button', { name: 'Uitnodiging maken' }).click()
    const invited = page.getByTestId('invite-result')
    // The message names every role the person has here (the test above may have added Programmateam).
    await expect.poll(() => invited.textContent()).toMatch(new RegExp(`^\\s*${EDITOR.name} is al lid van deze organisatie als ([\\p{L} ]+, )*Kaartbeheerder(, [\\p{L} ]+)*\\. Je hoeft geen uitnodiging te maken\\.\\s*$`, 'u'))
    await expect.poll(() => inView(invited)).toBe(true)
    expect(await page.getByTestId('link-handover').count()).toBe(0)
    expect(await page.getByTestId('invitation').count()).toBe(listedBefore)
    expect((await admin.call<{ invitations: unknown[] }>('GET', `/api/orgs/${regionId}/invitations`)).invitations).toHaveLength(openBefore.length)
    // A new person: the invitation is confirmed beside the button, its link right below.
    await page.getByLabel('Naam', { exact: true }).fill('Sanne Nieuw')
    await page.getByLabel('E-mailadres').fill('sanne@gemeente-oss.example')
    await page.getByRole('button', { name: 'Uitnodiging maken' }).click()
    await expect.poll(() => invited.textContent()).toMatch(/^\s*De uitnodiging voor Sanne Nieuw is klaar\. Geef de link hieronder aan Sanne Nieuw\.\s*$/)
    await page.getByTestId('link-handover').waitFor()
    expect(await seriousViolations(page)).toEqual([])
  })
})

/** The element lies within the window, not under a fixed bar: the person sees it without scrolling. */
const inView = (locator: Locator) =>
  locator.evaluate((el) => {
    const r = el.getBoundingClientRect()
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight && !!top && el.contains(top)
  })
