/**
 * A colleague on a case, the lead handed over, and a member off it again (issue 16 "Done when";
 * docs/case-sync.md "The team"): Anna (the lead) and Bram, social workers of one organisation, each
 * on an approved phone (separate browser contexts). Anna adds Bram from the case's team section;
 * Bram's phone accepts the organisation's number and reads the case. Anna hands the lead to Bram:
 * the programme's totals (what both phones' signed count snapshots add up to on the server) count
 * the case once before, once after, also when Bram records the intake. Bram then removes Anna (the
 * case is re-keyed) and types new words; Anna's phone gets nothing new: its pull is refused and the
 * field keeps the old words. Bram then invites Cor, a social worker of ANOTHER organisation (Zorg
 * Veghel, made through the region API), by e-mail: Cor accepts on "Mijn casussen", Bram's phone adds
 * him (after accepting Zorg Veghel's number), Cor's phone accepts Welzijn Uden's number, reads the
 * case and takes over the lead (docs/case-sync.md "Another organisation").
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { seriousViolations } from './axe'
import { approvePending } from './certify'
import { firstSignIn, registerThisDevice, unlockVault } from './signIn'
import { otherOrganisation, useOrganisation } from './socialWorkerPhone'
import { regionDate } from '../../src/shared/core/clock'
import { programmeTotals } from './programmeTotals'

const world = useOrganisation()
const PASSWORD = 'Kraanvogel-Heide-31-Uden'
const NAME = 'Hendrika van Dinther'
const FIRST = 'Weer koken voor de buren'
const SECOND = 'Elke week naar het wijkcentrum'

type Org = Awaited<ReturnType<typeof otherOrganisation>>

/** Social workers on approved 360 px phones, at "Mijn casussen" with the vault open and the session bound (signed in side by side). */
async function workersOnPhones(people: { email: string; name: string; org?: Org }[]): Promise<Page[]> {
  const { h } = world
  const orgOf = (p: { org?: Org }) => p.org ?? world
  for (const p of people) await orgOf(p).admin.invite(orgOf(p).organisationId, { email: p.email, name: p.name, role: 'sociaal-werker' }, PASSWORD)
  const pages = await Promise.all(
    people.map(async (p) => {
      const page = await (await h.browser.newContext({ viewport: { width: 360, height: 740 } })).newPage()
      await firstSignIn(page, h.baseUrl, p.email, PASSWORD)
      await registerThisDevice(page)
      return page
    }),
  )
  for (const o of new Set(people.map(orgOf))) await approvePending(o.admin, o.organisationId)
  // A load after the approval binds each session to its approved device; the vault opens again.
  await Promise.all(
    pages.map(async (page) => {
      await page.goto(`${h.baseUrl}/werk`)
      await unlockVault(page)
      await page.getByRole('button', { name: 'Nieuwe casus' }).waitFor()
    }),
  )
  return pages
}
/** A sync run now (the loop runs on `online`, src/app/sync/flushTriggers.ts). */
const sync = (page: Page) => page.evaluate(() => window.dispatchEvent(new Event('online')))
const status = (page: Page, path: string) => page.evaluate(async (p) => (await fetch(p)).status, path)
const wil = (page: Page) => page.getByLabel('Wat wil ik?')
const step3 = (page: Page) => page.getByRole('link', { name: /^3\. / }).click()
/** Accepts the own organisation's number where the page asks for it. */
async function acceptNumber(page: Page) {
  const notice = page.getByTestId('unknown-organisation').first()
  await notice.getByRole('checkbox').check()
  await notice.getByRole('button', { name: 'Nummer accepteren' }).click()
  await notice.waitFor({ state: 'detached' })
}

describe('a colleague on a case', () => {
  it('is added and reads it; takes over the lead with the counts exact; once removed, gets nothing new', async () => {
    const veghel = await otherOrganisation(world, 'Zorg Veghel', 'beheer@veghel.example')
    const [anna, bram, cor] = (await workersOnPhones([
      { email: 'anna@welzijn.example', name: 'Anna Verhoeven' },
      { email: 'bram@welzijn.example', name: 'Bram Kuijpers' },
      { email: 'cor@veghel.example', name: 'Cor Smits', org: veghel },
    ])) as [Page, Page, Page]
    // Bram's and Cor's phones make their user key and exchange key on their first sync run.
    const hasExchangeKey = (page: Page) => page.evaluate(async () => ((await (await fetch('/api/case-sync/exchange-key')).json()) as { key: unknown }).key !== null)
    await expect.poll(async () => (await Promise.all([sync(bram), sync(cor)]), (await hasExchangeKey(bram)) && (await hasExchangeKey(cor))), { timeout: 20_000, interval: 500 }).toBe(true)

    // Anna makes the case; its team section shows her as the lead once it is on the server.
    await anna.getByLabel('Route').selectOption('wor')
    await anna.getByRole('button', { name: 'Nieuwe casus' }).click()
    await anna.getByLabel('Naam van de inwoner').fill(NAME)
    await step3(anna)
    await wil(anna).fill(FIRST)
    const docId = new URL(anna.url()).pathname.split('/').at(-1)!
    const team = anna.getByTestId('case-team')
    await expect.poll(async () => (await sync(anna), team.textContent()), { timeout: 20_000, interval: 500 }).toMatch(/Anna Verhoeven\s*\(jij\) — regisseur/)
    // Her phone checks Bram's key up to the organisation's key: she accepts its number first.
    const picker = team.getByLabel('Collega', { exact: true })
    await team.getByTestId('unknown-organisation').or(picker).first().waitFor()
    if (await team.getByTestId('unknown-organisation').isVisible()) await acceptNumber(anna)
    await picker.selectOption({ label: 'Bram Kuijpers' })
    await team.getByRole('button', { name: 'Collega toevoegen' }).click()
    await team.getByText('Bram Kuijpers is toegevoegd aan het team.').waitFor()
    expect(await seriousViolations(anna)).toEqual([])

    // Bram's phone lists the case after he accepts the organisation's number, and reads it.
    await expect.poll(async () => (await sync(bram), bram.getByTestId('unknown-organisation').count()), { timeout: 20_000, interval: 500 }).toBe(1)
    await acceptNumber(bram)
    const listed = bram.getByRole('link', { name: NAME })
    await expect.poll(async () => (await sync(bram), listed.count()), { timeout: 20_000, interval: 500 }).toBe(1)
    await listed.click()
    await step3(bram)
    await expect.poll(() => wil(bram).inputValue(), { timeout: 10_000 }).toBe(FIRST)

    // The programme team's totals: what the phones' count snapshots add up to on the server.
    const totals = await programmeTotals(world, PASSWORD)
    const today = regionDate(new Date())
    const wor = async () => (await Promise.all([sync(anna), sync(bram)]), totals())
    // Counted once, by Anna's phone: referred today, not yet included.
    await expect.poll(wor, { timeout: 20_000, interval: 500 }).toEqual({ referred: 1, included: 0 })

    // Anna hands the lead to Bram; the confirm says the case will count with him.
    await team.getByRole('button', { name: 'Regie overdragen' }).click()
    await expect.poll(() => team.getByTestId('case-team-confirm').textContent()).toMatch(/telt de casus mee bij Bram Kuijpers/)
    await team.getByRole('button', { name: 'Ja, regie overdragen' }).click()
    await team.getByText('Bram Kuijpers heeft nu de regie.').waitFor()
    // Until Bram's phone takes the case, it counts nowhere: Anna's team section says so.
    await expect.poll(() => team.getByTestId('case-team-pending').textContent()).toMatch(/Bram Kuijpers heeft de casus nog niet op een telefoon geopend/)
    const bramTeam = bram.getByTestId('case-team')
    await expect.poll(async () => (await sync(bram), bramTeam.textContent()), { timeout: 20_000, interval: 500 }).toMatch(/Bram Kuijpers\s*\(jij\) — regisseur/)
    // Bram records the intake: the case is included, counted by his phone now and no longer by Anna's.
    await bram.getByLabel('Intake gehouden op').fill(today)
    await expect.poll(wor, { timeout: 30_000, interval: 500 }).toEqual({ referred: 1, included: 1 })
    await expect.poll(async () => (await sync(anna), team.getByTestId('case-team-pending').count()), { timeout: 20_000, interval: 500 }).toBe(0)
    expect(await seriousViolations(bram)).toEqual([])

    // Bram removes Anna: he is told what she keeps; the case gets a new key.
    await bramTeam.getByRole('button', { name: 'Verwijderen' }).click()
    await expect.poll(() => bramTeam.getByTestId('case-team-confirm').textContent()).toMatch(/blijft daar/)
    await bramTeam.getByRole('button', { name: 'Ja, uit het team halen' }).click()
    await bramTeam.getByText('Anna Verhoeven is uit het team. De casus krijgt een nieuwe sleutel.').waitFor()
    await wil(bram).fill(SECOND)
    await expect
      .poll(async () => (await sync(bram), bram.evaluate(async (p) => ((await (await fetch(p)).json()) as { doc: { requiresSnapshot: boolean; keyGen: number } }).doc, `/api/case-sync/docs/${docId}`)), { timeout: 20_000, interval: 500 })
      .toEqual(expect.objectContaining({ keyGen: 2, requiresSnapshot: false }))

    // Anna's phone: the server refuses her pull, and nothing new reaches the field.
    expect(await status(anna, `/api/case-sync/docs/${docId}`)).toBe(404)
    await sync(anna)
    expect(await wil(anna).inputValue()).toBe(FIRST)
    // Her phone says she is off the team, instead of showing the team; the list says it too.
    await expect.poll(async () => (await sync(anna), anna.getByTestId('case-removed').count()), { timeout: 20_000, interval: 500 }).toBe(1)
    expect(await anna.getByTestId('case-team').count()).toBe(0)
    expect(await seriousViolations(anna)).toEqual([])
    await anna.getByRole('link', { name: /casussen/i }).first().click()
    await expect.poll(() => anna.locator(`li[data-case-id="${docId}"]`).textContent()).toMatch(/Niet meer in het team/)
    // The counts stay exact: Bram's phone counts the case once.
    expect(await wor()).toEqual({ referred: 1, included: 1 })

    // Another organisation: Bram invites Cor by e-mail; the answer does not say whether the address is known.
    await bramTeam.getByLabel('E-mailadres').fill('cor@veghel.example')
    await bramTeam.getByRole('button', { name: 'Uitnodigen' }).click()
    await bramTeam.getByText('Verstuurd. Als dit adres van een professional is, ziet die de uitnodiging in de app.').waitFor()
    expect(await seriousViolations(bram)).toEqual([])
    // Cor sees who asks, from which organisation, on "Mijn casussen", and accepts.
    const invitation = cor.getByTestId('case-invitations')
    await expect.poll(async () => (await sync(cor), invitation.count()), { timeout: 20_000, interval: 500 }).toBe(1)
    await invitation.getByText('Bram Kuijpers (Welzijn Uden) wil een casus met je delen.').waitFor()
    expect(await seriousViolations(cor)).toEqual([])
    await invitation.getByRole('button', { name: 'Accepteren' }).click()
    await invitation.getByText(/^Geaccepteerd\./).waitFor()
    // Bram's phone lists Cor with his organisation, behind Zorg Veghel's number; Bram accepts it and adds Cor.
    await expect.poll(async () => (await sync(bram), bramTeam.getByTestId('unknown-organisation').count()), { timeout: 20_000, interval: 500 }).toBe(1)
    await acceptNumber(bram)
    await bramTeam.getByLabel('Collega', { exact: true }).selectOption({ label: 'Cor Smits (Zorg Veghel)' })
    await bramTeam.getByRole('button', { name: 'Collega toevoegen' }).click()
    await bramTeam.getByText('Cor Smits is toegevoegd aan het team.').waitFor()
    // Cor's phone accepts the numbers it asks for (Welzijn Uden's, and his own organisation's), lists the case and reads Bram's words.
    const corListed = cor.getByRole('link', { name: NAME })
    const corNotices = cor.getByTestId('unknown-organisation')
    await expect.poll(async () => (await sync(cor), corNotices.count()), { timeout: 20_000, interval: 500 }).toBeGreaterThan(0)
    await expect.poll(async () => (await sync(cor), (await corNotices.count()) && (await acceptNumber(cor)), corListed.count()), { timeout: 30_000, interval: 500 }).toBe(1)
    await corListed.click()
    await step3(cor)
    await expect.poll(() => wil(cor).inputValue(), { timeout: 10_000 }).toBe(SECOND)
    // Bram hands the lead to Cor; the case still counts once.
    await bramTeam.getByRole('button', { name: 'Regie overdragen' }).click()
    await bramTeam.getByRole('button', { name: 'Ja, regie overdragen' }).click()
    await bramTeam.getByText('Cor Smits heeft nu de regie.').waitFor()
    await expect.poll(async () => (await sync(cor), cor.getByTestId('case-team').textContent()), { timeout: 20_000, interval: 500 }).toMatch(/Cor Smits\s*\(jij\) — regisseur/)
    await expect.poll(async () => (await sync(cor), await wor()), { timeout: 30_000, interval: 500 }).toEqual({ referred: 1, included: 1 })
  })
})
