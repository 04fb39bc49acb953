/**
 * The samenwerkplan around one table (issue 17; docs/shared-plan.md). Anna (Welzijn Uden) leads
 * the case on her phone. The participants: Dr. Kuipers, a GP of Huisartsen Heesch, on her own
 * phone (320 px), and Wim of Woonlinie, whose "phone" is Node, so he can send what the app never
 * would. With the resident's consent recorded per participant, Anna links their accounts (found by
 * exact e-mail, accepted by them) and the plan goes to each: the GP sees the plan and not the rest
 * of the case, ticks off her own action with a note, and Anna's phone shows it. Wim signs an answer
 * on the GP's action: the server relays it, Anna's phone ignores it. Anna withdraws Wim's consent:
 * the server has nothing for him any more and his answers are refused, while the GP gets the next
 * version. Then the server's tables are searched for the plan's words: none.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openDatabase } from '../../src/server/db/database'
import { encryptResponse, participantPlanSchema, planBoxContext, planResponseMessage, type ParticipantPlan } from '../../src/shared/cases/sharedPlan'
import { openVerified, sealedV2Schema } from '../../src/shared/crypto/sealed'
import { signMessage } from '../../src/shared/crypto/signatures'
import { regionDate } from '../../src/shared/core/clock'
import { describeFindings, scanDatabase } from '../support/secretScan'
import { seriousViolations } from './axe'
import { approvePending } from './certify'
import { nodeProfessional, type NodeProfessional } from './nodeProfessional'
import { firstSignIn, registerThisDevice, unlockVault } from './signIn'
import { otherOrganisation, useOrganisation } from './socialWorkerPhone'

const world = useOrganisation()
const PASSWORD = 'Kraanvogel-Heide-31-Uden'
const RESIDENT = 'Hendrika van Dinther'
const OWN_WORDS = 'Weer zelf naar de markt in Heesch'
const GP_ACTION = 'Medicatie nakijken met Hendrika'
const WIM_ACTION = 'Huurachterstand bespreken'
const LATER_ACTION = 'Samen naar het buurthuis De Pas'
const GP_NOTE = 'Afspraak staat op 12 december'

type Org = Awaited<ReturnType<typeof otherOrganisation>>

/** A professional on an approved phone with the vault open, at `path`. */
async function onPhone(org: Org, person: { email: string; name: string; role: 'sociaal-werker' | 'huisarts' }, width: number, path: string): Promise<Page> {
  await org.admin.invite(org.organisationId, person, PASSWORD)
  const page = await (await world.h.browser.newContext({ viewport: { width, height: 720 } })).newPage()
  await firstSignIn(page, world.h.baseUrl, person.email, PASSWORD)
  await registerThisDevice(page)
  await approvePending(org.admin, org.organisationId)
  // A load after the approval binds the session to the approved device; the vault opens again.
  await page.goto(`${world.h.baseUrl}${path}`)
  await unlockVault(page)
  return page
}

/** A button whose name ends in a visually hidden ": <name>" (the accessible name may hold a space before the colon). */
const named = (page: Page, label: string, name: string) => page.getByRole('button', { name: new RegExp(`^${label}\\s*:\\s*${name.replace(/[.]/g, '\\.')}$`) })

/** A sync run now: the loops run on `online`. */
const sync = (page: Page) => page.evaluate(() => window.dispatchEvent(new Event('online')))
/** Accepts every organisation number a page asks for. */
async function acceptNumbers(page: Page) {
  for (let i = 0; i < 3 && (await page.getByTestId('unknown-organisation').count()); i++) {
    const notice = page.getByTestId('unknown-organisation').first()
    await notice.getByRole('checkbox').check()
    await notice.getByRole('button', { name: 'Nummer accepteren' }).click()
    await notice.waitFor({ state: 'detached' })
  }
}

/** Wim's newest copy of the plan, opened in Node with his device's key; undefined when the server has none for him. */
async function wimsPlan(wim: NodeProfessional): Promise<ParticipantPlan | undefined> {
  const { plans } = await wim.client.call<{ plans: { planId: string; version: number; box: unknown; sender: { signingKey: unknown; deviceId: string } }[] }>('GET', '/api/plans/mine')
  const mine = plans[0]
  if (!mine) return undefined
  const box = sealedV2Schema.parse(mine.box)
  const content = await openVerified(box, wim.device.id, wim.device.keys.encryption.privateKey, planBoxContext(mine.planId, mine.version, wim.userId), async () => mine.sender.signingKey)
  return participantPlanSchema.parse(content)
}

/** An answer as Wim's device signs it: the server can check the signature, not whether the action is his. */
async function wimAnswers(wim: NodeProfessional, plan: ParticipantPlan, actionId: string, done: boolean) {
  const body = await encryptResponse({ v: 1, planId: plan.planId, actionId, done, at: new Date().toISOString(), userId: wim.userId }, crypto.randomUUID(), plan.responseKey)
  const signed = { ...body, deviceId: wim.device.id }
  const signature = await signMessage(wim.device.keys.signing.privateKey, planResponseMessage(plan.planId, signed))
  return wim.client.agent.call('POST', `/api/plans/${plan.planId}/responses`, { ...signed, signature })
}

describe('the samenwerkplan shared with the participants', () => {
  it('goes to each participant with consent, only the plan; an owner ticks off their action; a claim on another’s is ignored; a withdrawn participant gets nothing new', async () => {
    const heesch = await otherOrganisation(world, 'Huisartsen Heesch', 'beheer@heesch.example')
    const woonlinie = await otherOrganisation(world, 'Woonlinie', 'beheer@woonlinie.example')
    const [anna, gp, wim] = await Promise.all([
      onPhone(world, { email: 'anna@welzijn.example', name: 'Anna Verhoeven', role: 'sociaal-werker' }, 320, '/werk'),
      onPhone(heesch, { email: 'kuipers@heesch.example', name: 'Dr. Kuipers', role: 'huisarts' }, 320, '/beheer'),
      nodeProfessional(world.h.baseUrl, woonlinie, { email: 'wim@woonlinie.example', name: 'Wim Verbeek', role: 'sociaal-werker' }, PASSWORD),
    ])

    // Anna's case, its samenwerkoverleg: two participants, an action for each, consent for each (own words only for the GP? no: for nobody).
    await anna.getByRole('button', { name: 'Nieuwe casus' }).click()
    await anna.getByLabel('Naam van de inwoner').fill(RESIDENT)
    await anna.getByRole('link', { name: /^2\. / }).click()
    await anna.getByLabel('Wat wil ik?').fill(OWN_WORDS)
    await anna.getByRole('link', { name: /^3\. / }).click()
    await anna.getByRole('button', { name: 'Samenwerkoverleg beleggen' }).click()
    await anna.getByLabel('Datum', { exact: true }).fill(regionDate(new Date()))
    for (const p of [
      { name: 'Dr. Kuipers', role: 'huisarts', organisation: 'Huisartsen Heesch' },
      { name: 'Wim Verbeek', role: 'woonconsulent', organisation: 'Woonlinie' },
    ]) {
      await anna.getByLabel('Naam van de deelnemer').fill(p.name)
      await anna.getByLabel('Rol', { exact: true }).fill(p.role)
      await anna.getByLabel('Organisatie', { exact: true }).fill(p.organisation)
      await anna.getByRole('button', { name: 'Deelnemer toevoegen' }).click()
    }
    for (const [n, what, owner] of [
      [1, GP_ACTION, 'Dr. Kuipers (huisarts)'],
      [2, WIM_ACTION, 'Wim Verbeek (woonconsulent)'],
    ] as const) {
      await anna.getByRole('button', { name: 'Actie toevoegen' }).click()
      await anna.getByLabel(`Actie ${n}: wat gaat er gebeuren`).fill(what)
      await anna.getByLabel(`Actie ${n}: wie doet het`).selectOption({ label: owner })
    }
    for (const name of ['Dr. Kuipers', 'Wim Verbeek']) {
      await named(anna, 'Toestemming vastleggen', name).click()
      await named(anna, 'Toestemming opslaan', name).click()
      await anna.getByText(/^Toestemming sinds/).nth(name === 'Dr. Kuipers' ? 0 : 1).waitFor()
    }

    // Anna links the accounts: by exact e-mail; the answer does not say whether one exists.
    for (const [name, email] of [
      ['Dr. Kuipers', 'kuipers@heesch.example'],
      ['Wim Verbeek', 'wim@woonlinie.example'],
    ] as const) {
      const open = named(anna, 'Account koppelen', name)
      await expect.poll(async () => (await sync(anna), open.count()), { timeout: 30_000, interval: 500 }).toBe(1)
      await open.click()
      await anna.getByLabel(`E-mailadres van ${name}`).fill(email)
      await named(anna, 'Uitnodiging sturen', name).click()
      await anna.getByText('Als er een account bij dit adres hoort, krijgt die persoon een uitnodiging.').first().waitFor()
    }
    expect(await seriousViolations(anna)).toEqual([])

    // The GP accepts on Vandaag (who asks, from where; nothing of the case); Wim through the API.
    const invitation = gp.getByTestId('plan-invitation')
    await expect.poll(async () => (await gp.reload(), await unlockVault(gp), invitation.count()), { timeout: 30_000, interval: 1_000 }).toBe(1)
    expect(await invitation.textContent()).toMatch(/Anna Verhoeven van Welzijn Uden vraagt je mee te doen aan een samenwerkplan/)
    expect(await invitation.textContent()).not.toContain(RESIDENT)
    await invitation.getByRole('button', { name: 'Aannemen' }).click()
    const { invitations } = await wim.client.call<{ invitations: { planId: string }[] }>('GET', '/api/plans/invitations')
    await wim.client.call('POST', `/api/plans/invitations/${invitations[0]!.planId}/accept`)

    // Anna picks who accepted for each participant; her phone accepts their organisations' numbers; the plan goes out.
    for (const [name, person] of [
      ['Dr. Kuipers', /^Dr\. Kuipers, Huisartsen Heesch/],
      ['Wim Verbeek', /^Wim Verbeek, Woonlinie/],
    ] as const) {
      const choose = anna.getByLabel(`Wie heeft de uitnodiging geaccepteerd voor ${name}?`)
      await expect
        .poll(async () => {
          if (!(await choose.count())) await anna.getByRole('button', { name: 'Opnieuw kijken' }).first().click()
          return choose.count()
        }, { timeout: 20_000, interval: 1_000 })
        .toBe(1)
      const option = (await choose.locator('option').allTextContents()).find((o) => person.test(o))!
      await choose.selectOption({ label: option })
      await anna.getByRole('button', { name: `Koppelen aan ${name}` }).click()
      await anna.getByText(`${name} is gekoppeld.`).waitFor()
    }
    const status = anna.getByTestId('shared-plan-status')
    await expect.poll(async () => (await acceptNumbers(anna), await sync(anna), status.textContent()), { timeout: 40_000, interval: 1_000 }).toMatch(/Gedeeld met Dr\. Kuipers en Wim Verbeek \(versie \d+\)/)

    // The GP's phone: her action on Vandaag, the plan on its page — and nothing else of the case.
    const myActions = gp.getByTestId('my-action')
    // Vandaag asks for the plans when it opens (and after a number is accepted).
    const reopen = async (page: Page) => {
      await page.reload()
      await unlockVault(page)
      // Open once the key is derived (a placeholder stands in meanwhile) and the page shows what it holds.
      await page.getByLabel('Wachtzin', { exact: true }).waitFor({ state: 'detached' })
      await page.getByTestId('vault-opening').waitFor({ state: 'detached' })
      await page.getByText(/^Open je kluis/).waitFor({ state: 'detached' })
      // Until the fetch and the openings it queued are done, the page may still show the older copy (useMyPlans.ts).
      await expect.poll(() => page.locator('[aria-busy="true"]').count(), { timeout: 20_000 }).toBe(0)
    }
    await expect.poll(async () => (await reopen(gp), await acceptNumbers(gp), myActions.count()), { timeout: 40_000, interval: 1_000 }).toBe(1)
    expect(await myActions.textContent()).toContain(GP_ACTION)
    await gp.getByRole('link', { name: `Plan voor ${RESIDENT}` }).click()
    const planText = async () => (await gp.locator('main').textContent()) ?? ''
    await expect.poll(planText).toContain(WIM_ACTION)
    expect(await planText()).toMatch(/Wie: Wim Verbeek/)
    expect(await planText()).not.toContain(OWN_WORDS)
    expect(await seriousViolations(gp)).toEqual([])
    // She ticks off her own action with a note; the others' actions offer nothing to tick.
    expect(await gp.getByTestId('plan-action').getByTestId('answer-done').count()).toBe(0)
    const mine = gp.getByTestId('plan-action-mine')
    await mine.getByTestId('answer-note').fill(GP_NOTE)
    await mine.getByTestId('answer-done').check()
    await expect.poll(() => mine.getByTestId('answer-state').textContent(), { timeout: 20_000 }).toMatch(/Verstuurd/)

    // Wim's device signs a claim on the GP's action (not done) and an answer on his own: the server takes both.
    const wimCopy = await wimsPlan(wim)
    expect(wimCopy?.questions).toBeUndefined()
    const gpActionId = wimCopy!.actions.find((a) => a.what === GP_ACTION)!.id
    const wimActionId = wimCopy!.actions.find((a) => a.what === WIM_ACTION)!.id
    expect((await wimAnswers(wim, wimCopy!, gpActionId, false)).status).toBe(201)
    expect((await wimAnswers(wim, wimCopy!, wimActionId, true)).status).toBe(201)

    // Anna's phone applies the GP's answer and Wim's on his own action, and ignores Wim's claim on the GP's.
    const replies = anna.getByTestId('action-replies')
    await expect.poll(async () => (await sync(anna), replies.textContent()), { timeout: 30_000, interval: 1_000 }).toMatch(new RegExp(`Dr\\. Kuipers: gedaan.*${GP_NOTE}`, 's'))
    await expect.poll(async () => (await sync(anna), replies.textContent()), { timeout: 30_000, interval: 1_000 }).toMatch(/Wim Verbeek: gedaan/)
    expect(await replies.textContent()).not.toMatch(/Wim Verbeek: niet gedaan/)

    // Anna withdraws Wim's consent and adds an action for the GP: the next version goes to the GP only.
    await named(anna, 'Toestemming intrekken', 'Wim Verbeek').click()
    await named(anna, 'Ja, toestemming intrekken', 'Wim Verbeek').click()
    await anna.getByRole('button', { name: 'Actie toevoegen' }).click()
    await anna.getByLabel('Actie 3: wat gaat er gebeuren').fill(LATER_ACTION)
    await anna.getByLabel('Actie 3: wie doet het').selectOption({ label: 'Dr. Kuipers (huisarts)' })
    // The status line leaves Wim out as soon as the key is renewed for his leaving (publishPlan.ts);
    // his copy is gone from the server only once the version without him is stored: wait for that.
    const wimVersion = wimCopy!.version
    await expect.poll(async () => (await sync(anna), (await wimsPlan(wim))?.version ?? 'gone'), { timeout: 40_000, interval: 1_000 }).toBe('gone')
    await expect.poll(() => status.textContent()).toMatch(/Gedeeld met Dr\. Kuipers \(versie \d+\)/)
    await expect.poll(async () => Number(/versie (\d+)/.exec((await status.textContent()) ?? '')?.[1])).toBeGreaterThan(wimVersion)
    expect((await wimAnswers(wim, wimCopy!, wimActionId, false)).status).toBe(404)
    await expect.poll(async () => (await reopen(gp), planText()), { timeout: 30_000, interval: 1_000 }).toContain(LATER_ACTION)
    // The GP's phone shows her action done, whatever Wim claimed.
    await expect.poll(async () => (await gp.getByTestId('plan-action-mine').first().textContent()) ?? '').toMatch(/Gedaan/)

    // The server holds the plan sealed only: none of its words in its tables.
    const copy = mkdtempSync(join(tmpdir(), 'swz-shared-plan-scan-'))
    onTestFinished(() => rmSync(copy, { recursive: true, force: true }))
    cpSync(world.h.dataDir, copy, { recursive: true })
    const db = await openDatabase({ kind: 'pglite', dataDir: copy })
    const secrets = [RESIDENT, OWN_WORDS, GP_ACTION, WIM_ACTION, LATER_ACTION, GP_NOTE, 'woonconsulent', 'Huisartsen Heesch']
    const found = await scanDatabase(db, secrets).finally(() => db.close())
    // The organisation's name is stored in the clear on purpose: the scan reaches the tables.
    expect(found.some((f) => f.secret === 'Huisartsen Heesch')).toBe(true)
    expect(describeFindings(found.filter((f) => f.secret !== 'Huisartsen Heesch'))).toEqual([])
  })
})
