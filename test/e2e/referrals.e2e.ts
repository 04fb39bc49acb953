/**
 * Issue 5 in two browsers against the real server: a GP and a social worker, each on a phone their
 * organisation approved. Refer → receive → accept (a case is made) → contact → intake → feedback →
 * the GP reads it. A referral made offline goes out once when back online. A third phone that is
 * not approved sees nothing of the patient, and neither the server's files nor its tables, read
 * through SQL from a copy of its data directory, hold anything of the patient; nor does any request
 * the GP's or the worker's phone makes (URL, headers, body). Scans: test/support/secretScan.ts.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page, Route } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { ApiClient } from './apiClient'
import { approvePending, rogueDevice } from './certify'
import { sealSigned } from '../../src/shared/crypto/sealed'
import { referralContext } from '../../src/shared/referrals/referral'
import { fingerprint } from '../../src/shared/devices/certificates'
import type { PublicJwk } from '../server/devices'
import { seriousViolations } from './axe'
import { startHarness, type Harness } from './harness'
import { openDatabase } from '../../src/server/db/database'
import { describeFindings, findSecrets, scanDatabase, type Finding } from '../support/secretScan'
import { firstSignIn, registerThisDevice, unlockVault } from './signIn'

const PASSWORD = 'Kraanvogel-Heide-31-Uden'
const PATIENT = { name: 'Geertruida Zonneveld', phone: '06 31415926', email: 'trui.zonneveld@voorbeeld.nl', year: '1948', note: 'Sinds het overlijden van haar man komt ze de deur niet uit' }
const FEEDBACK = 'Mevrouw gaat elke dinsdag naar het wandelcafé bij de bibliotheek'
/** Over 2 KB (the feedback field takes 3,000 characters): PostgreSQL would compress such a value, so a file scan alone could not see it. */
const LONG_FEEDBACK = `${FEEDBACK}. ${Array.from({ length: 34 }, (_, i) => `Week ${i + 1}: samen met de buurvrouw gewandeld en koffie gedronken, gaat goed.`).join(' ')}`
const OUTCOME = 'Loopt zelf verder met de wandelgroep'
/** What no file, table or request may hold: whole values (four digits like '3141' turn up by chance in random ids and keys; a word like 'wandelgroep' is on the public social map). */
const SECRETS = [PATIENT.name, 'Zonneveld', 'Geertruida', 'Hendrik Offline', 'Hendrik', PATIENT.phone, '31415926', PATIENT.email, PATIENT.note, 'overlijden', FEEDBACK, OUTCOME, LONG_FEEDBACK]

let h: Harness
let welzijn: ApiClient
let praktijk: ApiClient
/** The region's beheerder: only they set the routing table. */
let region: ApiClient
let welzijnId: string
let praktijkId: string

const passwordOf = (out: string) => /Password \(shown once\): (\S+)/.exec(out)![1]!
const orgIdOf = (out: string) => /: ([0-9a-f-]{36})/.exec(out)![1]!

beforeAll(async () => {
  h = await startHarness({
    setup: [
      ['org:create', 'Welzijn Oss'],
      ['org:create', 'Huisartsenpraktijk De Linde'],
      ['user:create', 'beheer@welzijn.example', 'Beheer Welzijn', 'Welzijn Oss', 'beheerder'],
      ['user:create', 'beheer@linde.example', 'Beheer Linde', 'Huisartsenpraktijk De Linde', 'beheerder'],
      ['org:create', '--region', 'Programmabureau SiG'],
      ['user:create', 'beheer@sig.example', 'Beheer Regio', 'Programmabureau SiG', 'beheerder'],
    ],
  })
  welzijnId = orgIdOf(h.setupOutput[0]!)
  praktijkId = orgIdOf(h.setupOutput[1]!)
  welzijn = new ApiClient(h.baseUrl)
  await welzijn.signInFirstTime('beheer@welzijn.example', passwordOf(h.setupOutput[2]!))
  praktijk = new ApiClient(h.baseUrl)
  await praktijk.signInFirstTime('beheer@linde.example', passwordOf(h.setupOutput[3]!))
  region = new ApiClient(h.baseUrl)
  await region.signInFirstTime('beheer@sig.example', passwordOf(h.setupOutput[5]!))
})
afterAll(async () => {
  await h?.stop()
})

/** A member signed in on a phone that registered its keys (the vault set up first); approved by their beheerder unless told not to. */
async function onPhone(admin: ApiClient, organisationId: string, email: string, name: string, role: string, approve = true): Promise<{ context: BrowserContext; page: Page }> {
  await admin.invite(organisationId, { email, name, role }, PASSWORD)
  const context = await h.browser.newContext({ viewport: { width: 390, height: 800 } })
  const page = await context.newPage()
  await firstSignIn(page, h.baseUrl, email, PASSWORD)
  await registerThisDevice(page)
  if (approve) {
    await approvePending(admin, organisationId)
  }
  return { context, page }
}

async function fillReferral(page: Page, patient: typeof PATIENT) {
  await page.getByLabel('Welzijn op Recept').check()
  await page.getByLabel('Naam', { exact: true }).fill(patient.name)
  await page.getByLabel('Telefoon').fill(patient.phone)
  await page.getByLabel('E-mail').fill(patient.email)
  await page.getByLabel('Geboortejaar').fill(patient.year)
  await page.getByLabel('Woonplaats (gemeente)').selectOption('Oss')
  await page.getByLabel('Eenzaamheid').check()
  await page.getByLabel('Somberheid').check()
  await page.getByLabel('Korte toelichting (niet verplicht)').fill(patient.note)
  await page.getByLabel('Sociaal', { exact: true }).check()
  await page.getByLabel('De patiënt geeft toestemming voor deze verwijzing').check()
}

/** The number of an organisation's key, as its beheerder's phone shows it (what a person compares). */
async function organisationNumber(admin: ApiClient, organisationId: string): Promise<string> {
  const { chain } = await admin.call<{ chain: { organisationKey: { crv: string; x: string; y: string } } }>('GET', `/api/orgs/${organisationId}/chain`)
  return fingerprint(chain.organisationKey)
}

/**
 * Every request of a browser context from now on (the service worker's too), with all its headers;
 * `scan` looks for the secrets in URL, headers and body.
 */
function captureRequests(context: BrowserContext) {
  const requests: Promise<{ url: string; text: string }>[] = []
  context.on('request', (r) => {
    const text = (headers: Record<string, string>) => ({ url: r.url(), text: `${r.method()} ${r.url()}\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n${r.postData() ?? ''}` })
    requests.push(r.allHeaders().then(text, () => text(r.headers())))
  })
  return { scan: async (secrets: string[]): Promise<Finding[]> => (await Promise.all(requests)).flatMap((r) => findSecrets(r.text, secrets, r.url)) }
}

/** A request from the page with `text` in its query (form-encoded) and a header: what a scan of the requests must find. */
async function plantRequest(page: Page, text: string) {
  await page.evaluate(async (t) => void (await fetch(`/api/health/ready?${new URLSearchParams({ plant: t })}`, { headers: { 'X-Plant': t } })), text)
}

/** Counts what the person does on a page from its load: clicks, and each text field or list they fill or choose in. */
const COUNT_ACTIONS = () => {
  const w = window as unknown as { gpActions: number }
  w.gpActions = 0
  const touched = new WeakSet<EventTarget>()
  addEventListener('click', (e) => void (e.isTrusted && w.gpActions++), true)
  addEventListener(
    'input',
    (e) => {
      const t = e.target
      const typed = t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || (t instanceof HTMLInputElement && t.type !== 'checkbox' && t.type !== 'radio')
      if (typed && !touched.has(t)) {
        touched.add(t)
        w.gpActions++
      }
    },
    true,
  )
}

describe('closed-loop referrals in two browsers', () => {
  let gp: { context: BrowserContext; page: Page }
  let worker: { context: BrowserContext; page: Page }
  let gpRequests: ReturnType<typeof captureRequests>
  let workerRequests: ReturnType<typeof captureRequests>

  it('refers in a few actions, and the social worker receives, accepts, reports back; the GP sees it all', async () => {
    await region.call('PUT', '/api/referrals/routes', { routes: [{ intervention: 'wor', municipality: 'Oss', organisationId: welzijnId }] })
    worker = await onPhone(welzijn, welzijnId, 'sanne@welzijn.example', 'Sanne de Wit', 'sociaal-werker')
    workerRequests = captureRequests(worker.context)
    // The worker's vault was set up to register the phone; a new page load opens it again, so accepting can make a case.
    await worker.page.goto(`${h.baseUrl}/werk`)
    await unlockVault(worker.page)
    await worker.page.getByRole('button', { name: 'Nieuwe casus' }).waitFor()

    gp = await onPhone(praktijk, praktijkId, 'dokter@linde.example', 'Dokter Jansen', 'huisarts')
    gpRequests = captureRequests(gp.context)
    // "Well under a minute" as what it stands for, without a wall clock: the GP's clicks and filled fields from opening the form to "sent".
    await gp.context.addInitScript(COUNT_ACTIONS)
    await gp.page.goto(`${h.baseUrl}/verwijzen`)
    // The GP unlocks too: the patient's details are typed into an open vault only. The count includes it.
    await unlockVault(gp.page)
    // An empty form names every problem at once, next to its field.
    await gp.page.getByRole('button', { name: 'Verwijzing versturen' }).click()
    for (const problem of ['Vul de naam in.', 'Vul een telefoonnummer of e-mailadres in.', 'Kies minstens één reden.', 'Zonder toestemming kun je niet verwijzen.', 'Kies een gemeente.']) {
      await gp.page.getByText(problem, { exact: true }).waitFor()
    }
    // Pre-filled from the routing table once the municipality is known.
    await fillReferral(gp.page, PATIENT)
    await expect.poll(() => gp.page.getByLabel('Ontvangende organisatie').inputValue()).toBe(welzijnId)
    // The receiving organisation is new to this phone: trusted on first use, and shown as new with its number.
    const welzijnNumber = await organisationNumber(welzijn, welzijnId)
    await expect.poll(() => gp.page.getByTestId('new-organisation').textContent()).toContain(`Nieuw voor deze telefoon: Welzijn Oss. Nummer van de organisatiesleutel: ${welzijnNumber}.`)
    expect(await seriousViolations(gp.page)).toEqual([])
    await gp.page.getByRole('button', { name: 'Verwijzing versturen' }).click()
    await gp.page.getByText('De verwijzing is verstuurd.').waitFor()
    // Unlocking 2, the empty send 1, the form 10 (four fields, the municipality, two reasons, the note, a domain, consent; the intervention is preselected), send 1.
    expect(await gp.page.evaluate(() => (window as unknown as { gpActions: number }).gpActions)).toBe(14)

    // The social worker's inbox: opened on her approved phone (cases unlocked), marked received.
    await worker.page.getByRole('link', { name: 'Verwijzingen', exact: true }).click()
    const item = worker.page.locator('article.referral').first()
    // The practice is new to her phone: nothing opens until she compared its number and accepted it (review finding 2).
    const unknown = item.getByTestId('unknown-organisation')
    await expect.poll(() => unknown.textContent()).toContain('Dit komt van een organisatie die deze telefoon nog niet kent: Huisartsenpraktijk De Linde.')
    expect(await unknown.getByTestId('unknown-number').textContent()).toBe(await organisationNumber(praktijk, praktijkId))
    expect(await item.textContent()).not.toContain(PATIENT.name)
    expect(await seriousViolations(worker.page)).toEqual([])
    await unknown.getByLabel('Ik heb het nummer vergeleken met Huisartsenpraktijk De Linde. Het is gelijk.').check()
    await unknown.getByRole('button', { name: 'Nummer accepteren en openen' }).click()
    await item.getByRole('heading', { name: `${PATIENT.name} — Welzijn op Recept` }).waitFor()
    await expect.poll(() => item.getByTestId('referral-status').textContent()).toBe('Ontvangen')
    await expect.poll(() => item.textContent()).toContain(PATIENT.note)
    await item.getByRole('button', { name: 'Accepteren en casus maken' }).click()
    await expect.poll(() => item.getByTestId('referral-status').textContent()).toBe('Geaccepteerd')
    await item.getByRole('button', { name: 'Contact gehad' }).click()
    await item.getByRole('button', { name: 'Intake of gesprek gehouden' }).click()
    expect(Buffer.byteLength(LONG_FEEDBACK)).toBeGreaterThan(2_048)
    expect(LONG_FEEDBACK.length).toBeLessThanOrEqual(3_000)
    // One box to the GP (issue 14): the feedback, then the outcome that completes the referral.
    await item.getByLabel('Bericht aan de huisarts').fill(LONG_FEEDBACK)
    await item.getByRole('button', { name: 'Versturen' }).click()
    await expect.poll(() => item.getByTestId('referral-result').textContent()).toBe('Verstuurd naar de huisarts.')
    await expect.poll(() => item.getByLabel('Bericht aan de huisarts').inputValue()).toBe('')
    await item.getByLabel('Bericht aan de huisarts').fill(OUTCOME)
    await item.getByLabel('Dit is de uitkomst: de verwijzing afronden').check()
    await item.getByRole('button', { name: 'Versturen' }).click()
    await expect.poll(() => item.getByTestId('referral-status').textContent()).toBe('Afgerond')
    expect(await seriousViolations(worker.page)).toEqual([])

    // Accepting made a case, pre-filled with the patient and the consent: it opens where it stands (its first
    // step is met by what the referral carried), the patient is at step 1.
    await item.getByRole('link', { name: 'Naar de casus' }).click()
    await worker.page.getByRole('navigation', { name: 'Stappen' }).getByRole('link', { name: /^1\. / }).click()
    await expect.poll(() => worker.page.getByLabel('Naam van de inwoner').inputValue()).toBe(PATIENT.name)

    // The GP reads the timeline and the feedback without a phone call (after unlocking: boxes open only in an open vault).
    await gp.page.goto(`${h.baseUrl}/verwijzen/overzicht`)
    await unlockVault(gp.page)
    const mine = gp.page.locator('article.referral').first()
    await expect.poll(() => mine.getByTestId('referral-status').textContent()).toBe('Afgerond')
    const text = await mine.textContent()
    for (const step of ['Verstuurd', 'Ontvangen', 'Geaccepteerd', 'Contact gehad', 'Intake of gesprek gehouden', 'Terugkoppeling', LONG_FEEDBACK]) expect(text).toContain(step)
    expect(await seriousViolations(gp.page)).toEqual([])
  })

  it('keeps a referral made offline and sends it exactly once when back online; the social worker accepts offline from the last inbox', async () => {
    // What reached the server: requests that got an answer (one that failed offline would be a retry after a real failure).
    const reached: string[] = []
    gp.context.on('requestfinished', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/referrals') reached.push(r.postData() ?? '')
    })
    const sentIds = async () => ((await (await gp.page.request.get(`${h.baseUrl}/api/referrals/sent`)).json()) as { referrals: { id: string }[] }).referrals.map((r) => r.id)
    const before = await sentIds()
    await gp.page.goto(`${h.baseUrl}/verwijzen`)
    await unlockVault(gp.page)
    await gp.page.getByLabel('Naam', { exact: true }).waitFor()
    await gp.context.setOffline(true)
    await fillReferral(gp.page, { ...PATIENT, name: 'Hendrik Offline' })
    await gp.page.getByRole('button', { name: 'Verwijzing versturen' }).click()
    await gp.page.getByText('Hij gaat vanzelf weg zodra er verbinding is').waitFor()
    await gp.context.setOffline(false)
    await gp.page.getByText('De verwijzing is verstuurd.').waitFor({ timeout: 15_000 })
    // Another look (and another flush) sends nothing again.
    await gp.page.goto(`${h.baseUrl}/verwijzen/overzicht`)
    await unlockVault(gp.page)
    await gp.page.getByRole('heading', { name: 'Hendrik Offline — Welzijn op Recept' }).waitFor()
    // Exactly once: one sealed POST reached the server, and the server holds one new referral, that one.
    const sealedPosts = reached.filter((p) => p.includes('"sealed"')).map((p) => (JSON.parse(p) as { id: string }).id)
    expect(sealedPosts).toHaveLength(1)
    expect((await sentIds()).filter((id) => !before.includes(id))).toEqual(sealedPosts)
    await worker.page.goto(`${h.baseUrl}/werk/verwijzingen`)
    // Locked since the page load: the inbox says why it shows nothing yet, and opens in place.
    await worker.page.getByText('Verwijzingen zijn versleuteld. Open eerst de kluis van dit apparaat').waitFor()
    await unlockVault(worker.page)
    await worker.page.getByRole('heading', { name: 'Hendrik Offline — Welzijn op Recept' }).waitFor()
    expect(await worker.page.getByRole('heading', { name: /Hendrik Offline/ }).count()).toBe(1)

    // At the kitchen table without a connection: the inbox from the last contact, and accepting still works.
    await worker.context.setOffline(true)
    await worker.page.getByRole('link', { name: 'Mijn casussen' }).first().click()
    await worker.page.getByRole('link', { name: 'Verwijzingen', exact: true }).click()
    await worker.page.getByText('Je bent offline. Dit is de lijst van').waitFor()
    const hendrik = worker.page.locator('article.referral', { has: worker.page.getByRole('heading', { name: 'Hendrik Offline — Welzijn op Recept' }) })
    await hendrik.getByRole('button', { name: 'Accepteren en casus maken' }).click()
    // The notice on the page (the same words also go to the screen reader's live region).
    await hendrik.getByTestId('referral-result').filter({ hasText: 'Het gaat naar de huisarts zodra er verbinding is' }).waitFor()
    await worker.context.setOffline(false)
    await expect.poll(() => hendrik.getByTestId('referral-status').textContent(), { timeout: 15_000 }).toBe('Geaccepteerd')
  })

  it('shows a third, unapproved phone nothing of the patient; nor do the requests of the phones, the server\'s files or its tables hold anything of the patient', async () => {
    const third = await onPhone(welzijn, welzijnId, 'kees@welzijn.example', 'Kees Nieuw', 'sociaal-werker', false)
    await third.page.goto(`${h.baseUrl}/werk/verwijzingen`)
    await unlockVault(third.page)
    // Not approved: the server hands it no inbox at all (issue 11), and the page says what to do.
    await third.page.getByText('Dit kan alleen op een goedgekeurd apparaat').waitFor()
    const seen = await third.page.content()
    for (const secret of [PATIENT.name, 'Hendrik', PATIENT.phone, PATIENT.email, PATIENT.note, FEEDBACK]) expect(seen).not.toContain(secret)

    // Nothing of the patient in any request the GP's or the worker's phone made since it signed in (URL, every header, body);
    // a planted multi-word value is found, form-encoded in the query and as it is in a header. Soft: every scan below reports.
    const plant = 'Plantje Voor De Scan'
    await plantRequest(gp.page, plant)
    const sent = [...(await gpRequests.scan([...SECRETS, plant])), ...(await workerRequests.scan(SECRETS))]
    expect(sent.filter((f) => f.secret === plant).map((f) => f.form)).toEqual(expect.arrayContaining(['form-url', 'text']))
    expect.soft(describeFindings(sent.filter((f) => f.secret !== plant)), 'requests').toEqual([])

    // Planted: a resident's report on a listing ("Klopt er iets niet?"), over 2 KB, stored in clear on purpose.
    const { services } = (await (await fetch(`${h.baseUrl}/api/social-map`)).json()) as { services: { id: string }[] }
    const report = `Klopt niet meer: ${'crème brûlée in het café naast de ruïne, één keer per week. '.repeat(40)}`.slice(0, 2_000)
    expect(Buffer.byteLength(report)).toBeGreaterThan(2_048)
    expect((await fetch(`${h.baseUrl}/api/reports`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id: crypto.randomUUID(), serviceId: services[0]!.id, message: report }) })).status).toBe(201)
    const planted = ['Huisartsenpraktijk De Linde', 'dokter@linde.example', report]

    // The server's files, copied while it runs (the copy is what a power cut would leave), and its tables read through SQL from that copy.
    const copy = mkdtempSync(join(tmpdir(), 'swz-scan-'))
    onTestFinished(() => rmSync(copy, { recursive: true, force: true }))
    cpSync(h.dataDir, copy, { recursive: true })
    // Every file but those of the two template databases (base/1, base/4), which only CREATE DATABASE reads: checked below.
    const inFiles = readdirSync(copy, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile() && !/\/pglite\/base\/[14]$/.test(f.parentPath))
      .flatMap((f) => findSecrets(readFileSync(join(f.parentPath, f.name)), [...SECRETS, ...planted], join(f.parentPath, f.name)))
    const db = await openDatabase({ kind: 'pglite', dataDir: copy })
    const [inTables, templates] = await Promise.all([
      scanDatabase(db, [...SECRETS, ...planted]),
      db.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datistemplate ORDER BY oid'),
    ]).finally(() => db.close())
    expect(templates.rows.map((r) => Number(r.oid))).toEqual([1, 4])
    // The scans see: what is stored in clear on purpose is found (the long report whole only through SQL: compressed in the files).
    for (const secret of planted) expect(inTables.some((f) => f.secret === secret), secret).toBe(true)
    for (const secret of planted.slice(0, 2)) expect(inFiles.some((f) => f.secret === secret), secret).toBe(true)
    expect(inFiles.some((f) => f.secret === report)).toBe(false)
    expect.soft(describeFindings(inFiles.filter((f) => !planted.includes(f.secret))), 'files').toEqual([])
    expect.soft(describeFindings(inTables.filter((f) => !planted.includes(f.secret))), 'tables').toEqual([])
  })

  // A compromised server (issue 11 finding 4): played by rewriting its answers on the way to the phone.
  it('refuses a key the server injects, a swapped organisation key and a referral the server forges, and says so in Dutch', async () => {
    // A device of "Welzijn Oss" the server made up, certified by a key of its own; the real one is Sanne's.
    const spy = await rogueDevice(welzijnId, ['sociaal-werker'], 'Telefoon van de server')
    const withKeys = (change: (keys: unknown[]) => unknown[]) => async (route: Route) => {
      const response = await route.fetch()
      const body = (await response.json()) as { keys: Record<string, unknown[]> }
      body.keys[welzijnId] = change(body.keys[welzijnId] ?? [])
      await route.fulfill({ response, json: body })
    }
    const posts: string[] = []
    gp.page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/referrals')) posts.push(r.postData() ?? '')
    })

    // The directory adds the server's device, and one with a bare key and no certificate at all.
    const bare = { deviceId: spy.id, publicKey: spy.keys.publicKey }
    await gp.page.route('**/api/referrals/directory', withKeys((keys) => [...keys, spy.certificate, bare]))
    await gp.page.goto(`${h.baseUrl}/verwijzen`)
    await unlockVault(gp.page)
    await fillReferral(gp.page, { ...PATIENT, name: 'Pieter Omgeleid' })
    await expect.poll(() => gp.page.getByTestId('refused-devices').textContent()).toBe(
      'Niet versleuteld voor: Telefoon van de server (Welzijn Oss), een apparaat zonder certificaat (Welzijn Oss). Van deze apparaten is niet te controleren of een beheerder ze heeft goedgekeurd.',
    )
    expect(await gp.page.getByTestId('recipients').textContent()).toMatch(/Mijn werktelefoon — Welzijn Oss, sleutel \d{5}( \d{5}){5}/)
    expect(await seriousViolations(gp.page)).toEqual([])
    await gp.page.getByRole('button', { name: 'Verwijzing versturen' }).click()
    await gp.page.getByText('De verwijzing is verstuurd.').waitFor()
    // Sealed to Sanne's phone and the GP's own, never to the server's device.
    const sealedTo = posts.map((p) => (JSON.parse(p) as { sealed: { recipients: { deviceId: string }[] } }).sealed.recipients.map((r) => r.deviceId))
    expect(sealedTo).toHaveLength(1)
    expect(sealedTo[0]).not.toContain(spy.id)

    // With only the server's devices left, nothing is sent, and the page says why.
    await gp.page.unroute('**/api/referrals/directory')
    await gp.page.route('**/api/referrals/directory', withKeys(() => [spy.certificate]))
    await gp.page.goto(`${h.baseUrl}/verwijzen`)
    await unlockVault(gp.page)
    await fillReferral(gp.page, { ...PATIENT, name: 'Pieter Omgeleid' })
    await gp.page.getByRole('button', { name: 'Verwijzing versturen' }).click()
    await gp.page.getByText('Niet verstuurd: geen enkel apparaat van Welzijn Oss is te controleren.', { exact: false }).first().waitFor()
    expect(posts).toHaveLength(1)
    await gp.page.unroute('**/api/referrals/directory')

    // The server swaps Welzijn Oss's organisation key for its own: the pinned number differs, both are shown, nothing is sent.
    await gp.page.route('**/api/referrals/directory', async (route) => {
      const response = await route.fetch()
      const body = (await response.json()) as { keys: Record<string, unknown[]>; chains: Record<string, unknown> }
      body.keys[welzijnId] = [spy.certificate]
      body.chains[welzijnId] = spy.chain
      await route.fulfill({ response, json: body })
    })
    await gp.page.goto(`${h.baseUrl}/verwijzen`)
    await unlockVault(gp.page)
    await fillReferral(gp.page, { ...PATIENT, name: 'Pieter Omgeleid' })
    const changed = gp.page.getByTestId('key-changed')
    await expect.poll(() => changed.textContent()).toContain('De sleutel van Welzijn Oss is veranderd. Vergelijk dit nummer met de beheerder van Welzijn Oss')
    expect(await changed.getByTestId('key-old').textContent()).not.toBe(await changed.getByTestId('key-new').textContent())
    expect(await seriousViolations(gp.page)).toEqual([])
    // Accepting needs the comparison first.
    await changed.getByRole('button', { name: 'Nieuw nummer accepteren' }).click()
    await changed.getByText('Vergelijk eerst het nummer en vink het vakje aan.').waitFor()
    await gp.page.getByRole('button', { name: 'Verwijzing versturen' }).click()
    await gp.page.getByText('Niet verstuurd: de sleutel van een organisatie is veranderd.', { exact: false }).first().waitFor()
    expect(posts).toHaveLength(1)
    await gp.page.unroute('**/api/referrals/directory')

    // The inbox gets a referral the server forged: sealed to Sanne's real key, signed by a "GP" it certified itself.
    const fakeGp = await rogueDevice(praktijkId, ['huisarts'], 'Telefoon Dokter Jansen')
    const { devices } = await welzijn.call<{ devices: { id: string; userName: string; status: string; publicKey: PublicJwk }[] }>('GET', `/api/orgs/${welzijnId}/devices`)
    const sanne = devices.find((d) => d.userName === 'Sanne de Wit' && d.status === 'approved')!
    const forgedId = crypto.randomUUID()
    const at = new Date().toISOString()
    const forgedContent = {
      intervention: 'wor',
      patient: { name: 'Vervalste Patiënt', phone: '0900 1234567', birthYear: 1950, municipality: 'Oss' },
      reasons: ['geldzorgen'],
      note: 'Bel dit nummer terug',
      domains: [],
      urgency: 'snel',
      consent: { given: true, date: at.slice(0, 10) },
      referrer: { name: 'Dokter Jansen', organisation: 'Huisartsenpraktijk De Linde' },
    }
    const sealed = await sealSigned(forgedContent, [{ deviceId: sanne.id, publicKey: sanne.publicKey }], referralContext(forgedId), { deviceId: fakeGp.id, signingKey: fakeGp.keys.signing.privateKey }, at)
    const forged = {
      id: forgedId,
      intervention: 'wor',
      senderOrganisation: { id: praktijkId, name: 'Huisartsenpraktijk De Linde' },
      receivingOrganisation: { id: welzijnId, name: 'Welzijn Oss' },
      status: 'verstuurd',
      sentAt: at,
      firstContactDue: null,
      firstContactAt: null,
      overdue: false,
      sealed,
      senderCertificate: fakeGp.certificate,
      events: [],
    }
    await worker.page.route('**/api/referrals/inbox', async (route) => {
      const response = await route.fetch()
      const body = (await response.json()) as { referrals: Record<string, unknown>[] }
      // The server even hands out its own chain for the GP's organisation.
      body.referrals.unshift({ ...forged, chains: { [praktijkId]: fakeGp.chain } })
      await route.fulfill({ response, json: body })
    })
    await worker.page.goto(`${h.baseUrl}/werk/verwijzingen`)
    await unlockVault(worker.page)
    const item = worker.page.locator(`[data-referral="${forgedId}"]`)
    await expect.poll(() => item.textContent()).toContain('Niet te controleren wie dit stuurde — niet geopend.')
    // The real referrals still open beside it.
    await worker.page.getByRole('heading', { name: `${PATIENT.name} — Welzijn op Recept` }).waitFor()
    const seen = await worker.page.content()
    for (const secret of ['Vervalste', '0900 1234567', 'Bel dit nummer terug']) expect(seen).not.toContain(secret)
    expect(await seriousViolations(worker.page)).toEqual([])
    await worker.page.unroute('**/api/referrals/inbox')
  })
})
