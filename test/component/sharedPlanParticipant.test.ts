/**
 * The participant's side of the samenwerkplan (docs/shared-plan.md "On the participant's phone"):
 * Vandaag's invitations (who asks, from which organisation; Aannemen) and "Mijn acties" (only the
 * person's own actions, with the resident's name); the plan page (every action with who does it,
 * the lead, the evaluation date, the participants with their number; "Gedaan" and a note on the
 * person's own action only, shown at once as waiting; a refused response says the plan is no
 * longer theirs; a plan no longer listed stays readable, marked; a version from another lead than
 * the accepted one is named, with a button to trust that lead). Real keys, certificates, sealing
 * and vault; `fetch` stands in for the server's answers only. Each screen passes axe.
 */
import 'fake-indexeddb/auto'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { defineComponent } from 'vue'
import axe from 'axe-core'
import { Dexie } from 'dexie'
import { createPinia, setActivePinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEVICE_DB_NAME, deviceRecord, prepareRegistration, rememberRegistration, useDeviceVault } from '../../src/app/core/deviceIdentity'
import { acceptNewKey, forgetPinnedKeys } from '../../src/app/core/pinnedKeys'
import { useSessionStore } from '../../src/app/core/useSessionStore'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { useCaseVault } from '../../src/app/features/cases/useCaseVault'
import { Vault } from '../../src/app/features/cases/vault'
import { sharedPlanDb } from '../../src/app/features/sharedPlan/planDb'
import ParticipantPlanPage from '../../src/app/features/sharedPlan/ParticipantPlanPage.vue'
import ParticipantToday from '../../src/app/features/sharedPlan/ParticipantToday.vue'
import { useMyPlans } from '../../src/app/features/sharedPlan/useMyPlans'
import { newResponseKey, planBoxContext, type ParticipantPlan } from '../../src/shared/cases/sharedPlan'
import { sealSigned } from '../../src/shared/crypto/sealed'
import { fingerprint, type Certificate } from '../../src/shared/devices/certificates'
import type { Me } from '../../src/shared/api/auth'
import { organisation } from '../unit/planPhones'
import { phone, type Phone } from '../unit/testPhones'
import nl from '../../src/app/i18n/nl.json'
import proNl from '../../src/app/i18n/pro.nl.json'
import proEn from '../../src/app/i18n/pro.en.json'

const LEAD_ORG = '6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'
const MY_ORG = '7a1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d7'
const ME = '2f2e1d0c-9b8a-4765-8432-10fedcba9876'
const LEAD = '4a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d'
const P_ME = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1e'
const P_LEAD = '6a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1f'
const PLAN = '8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d'
const MINE = '9d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c50'
const THEIRS = '0d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c51'

const i18n = () => createI18n({ legacy: false, locale: 'nl', missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl } } })
const plan: ParticipantPlan = {
  v: 1,
  planId: PLAN,
  version: 1,
  sentAt: '2026-12-01T09:00:00.000Z',
  leadUserId: LEAD,
  organisation: 'Welzijn Oss',
  resident: 'Mevrouw Jansen',
  madeOn: '2026-11-30',
  participants: [
    { id: P_ME, name: 'Dokter De Vries', role: 'huisarts', organisation: 'Praktijk Oss', discipline: 'huisarts', phone: '0412 123456', userId: ME },
    { id: P_LEAD, name: 'Sanne Bakker', role: 'sociaal werker', organisation: 'Welzijn Oss', discipline: 'sociaal werk', phone: '0412 654321', userId: LEAD },
  ],
  actions: [
    { id: MINE, what: 'Medicatie bekijken', owner: 'Dokter De Vries', ownerId: P_ME, due: '2026-12-20', done: false },
    { id: THEIRS, what: 'Schuldhulp regelen', owner: 'Sanne Bakker', ownerId: P_LEAD, done: false },
  ],
  leadId: P_LEAD,
  evaluationDate: '2027-01-15',
  responseKey: newResponseKey(),
  recipient: { userId: ME, participantId: P_ME },
}

let lead: Awaited<ReturnType<typeof organisation>>
let leadPhone: Phone
let leadCert: Certificate
let casedb: CaseDb
let testVault: Vault

/** What the server answers, by method and path; `null`: no connection. */
let routes: Record<string, (() => Response) | null>
const json = (status: number, value: unknown) => () => new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json' } })
const calls: string[] = []

async function mine() {
  const d = await deviceRecord()
  const box = await sealSigned(plan, [{ deviceId: d!.id!, publicKey: d!.publicKeys.publicKey }], planBoxContext(PLAN, 1, ME), { deviceId: leadPhone.id, signingKey: leadPhone.signing.privateKey }, plan.sentAt)
  return json(200, { plans: [{ planId: PLAN, version: 1, box, sender: leadCert, receivedAt: plan.sentAt }], chains: { [LEAD_ORG]: lead.chain } })
}

/** The server's listing of one version of the plan, sealed by `sender` (certified by `cert`). */
async function listed(p: ParticipantPlan, sender: Phone, cert: Certificate) {
  const d = await deviceRecord()
  const box = await sealSigned(p, [{ deviceId: d!.id!, publicKey: d!.publicKeys.publicKey }], planBoxContext(PLAN, p.version, ME), { deviceId: sender.id, signingKey: sender.signing.privateKey }, p.sentAt)
  return json(200, { plans: [{ planId: PLAN, version: p.version, box, sender: cert, receivedAt: p.sentAt }], chains: { [LEAD_ORG]: lead.chain } })
}

async function settle() {
  for (let i = 0; i < 10; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 10))
  }
}
async function axeViolations(w: VueWrapper): Promise<string[]> {
  const result = await axe.run(w.element, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } })
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)
}
/** Real crypto and IndexedDB take a while on a busy machine: wait for what should show. */
const until = (check: () => void) => vi.waitFor(check, { timeout: 5_000, interval: 20 })
async function mountWith(component: object, props: Record<string, unknown>, ready: (w: VueWrapper) => void) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => null } }] })
  const w = mount(component, { props, attachTo: document.body, global: { plugins: [router, i18n()] } })
  await until(() => ready(w))
  await settle()
  return w
}
const hasAction = (w: VueWrapper) => expect(w.find('[data-testid="my-action"]').exists()).toBe(true)
const hasPlan = (w: VueWrapper) => expect(w.find('[data-testid="plan-action-mine"]').exists()).toBe(true)

beforeAll(async () => {
  await Dexie.delete(DEVICE_DB_NAME)
  casedb = new CaseDb('shared-plan-participant-component')
  testVault = new Vault(casedb)
  await testVault.setUp('koffie bij de buurvrouw in Oss')
  useDeviceVault(() => testVault)
  await prepareRegistration()
  await rememberRegistration(crypto.randomUUID(), MY_ORG)
  lead = await organisation(LEAD_ORG)
  leadPhone = await phone()
  leadCert = await lead.approve(leadPhone, LEAD)
})
afterAll(() => {
  useDeviceVault(undefined)
  casedb.close()
})
beforeEach(async () => {
  setActivePinia(createPinia())
  const session = useSessionStore()
  session.me = { id: ME, name: 'Dokter De Vries', email: 'dokter@example.nl', memberships: [{ organisationId: MY_ORG, organisationName: 'Praktijk Oss', role: 'huisarts' }], secondFactor: true } as unknown as Me
  const vault = useCaseVault()
  vault.isSetUp = true
  vault.isUnlocked = true
  await acceptNewKey(LEAD_ORG, await fingerprint(lead.chain.organisationKey))
  calls.length = 0
  routes = {
    'GET /api/plans/invitations': json(200, { invitations: [] }),
    'GET /api/plans/mine': await mine(),
  }
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    const key = `${init?.method ?? 'GET'} ${url}`
    calls.push(key)
    const answer = routes[key]
    if (answer === undefined) return json(404, { error: 'Not found', code: 'not-found' })()
    if (answer === null) throw new TypeError('offline')
    return answer()
  })
})
afterEach(async () => {
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
  await forgetPinnedKeys()
  await Promise.all([sharedPlanDb.boxes.clear(), sharedPlanDb.outbox.clear(), sharedPlanDb.sent.clear(), sharedPlanDb.invitedBy.clear(), sharedPlanDb.leads.clear()])
})

describe('Vandaag for a participant', () => {
  it('shows an invitation with who asks and from where, and only the person’s own actions with the resident’s name', async () => {
    routes['GET /api/plans/invitations'] = json(200, { invitations: [{ planId: PLAN, inviterName: 'Sanne Bakker', organisationName: 'Welzijn Oss', invitedAt: '2026-11-30T09:00:00.000Z', expiresAt: '2026-12-14T09:00:00.000Z' }] })
    routes[`POST /api/plans/invitations/${PLAN}/accept`] = json(200, { ok: true })
    const w = await mountWith(ParticipantToday, { gate: true }, (x) => {
      hasAction(x)
      expect(x.find('[data-testid="plan-invitation"]').exists()).toBe(true)
    })
    expect(w.get('[data-testid="plan-invitation"]').text()).toContain('Sanne Bakker van Welzijn Oss vraagt je mee te doen aan een samenwerkplan.')
    const items = w.findAll('[data-testid="my-action"]')
    expect(items.map((i) => i.text())).toEqual([expect.stringContaining('Medicatie bekijken')])
    expect(items[0]!.text()).toContain('Voor Mevrouw Jansen')
    expect(items[0]!.text()).toContain('nog te doen')
    expect(items[0]!.get('a').attributes('href')).toBe(`/werk/plan/${PLAN}`)
    expect(w.text()).not.toContain('Schuldhulp regelen')
    expect(await axeViolations(w)).toEqual([])
    await w.findAll('button').find((b) => b.text() === 'Aannemen')!.trigger('click')
    await until(() => expect(w.get('[role="status"]').text()).not.toBe(''))
    expect(calls).toContain(`POST /api/plans/invitations/${PLAN}/accept`)
    expect(w.get('[role="status"]').text()).toBe('Aangenomen. Het plan komt hier zodra de casusregisseur het deelt.')
    expect((await sharedPlanDb.invitedBy.get(PLAN))?.organisationName).toBe('Welzijn Oss')
    w.unmount()
  })

  it('offline, shows the plans kept on this phone; with the vault shut, asks to open it (here, or above when the page has the form)', async () => {
    let w = await mountWith(ParticipantToday, { gate: true }, hasAction)
    w.unmount()
    routes['GET /api/plans/mine'] = null
    routes['GET /api/plans/invitations'] = null
    w = await mountWith(ParticipantToday, { gate: true }, hasAction)
    expect(w.text()).toContain('Geen verbinding. Je ziet de plannen zoals ze op dit apparaat staan.')
    expect(w.findAll('[data-testid="my-action"]').length).toBe(1)
    w.unmount()
    useCaseVault().isUnlocked = false
    w = await mountWith(ParticipantToday, { gate: false }, (x) => expect(x.text()).toContain('Open je kluis'))
    expect(w.findAll('[data-testid="my-action"]').length).toBe(0)
    expect(w.text()).toContain('Open je kluis hierboven om je acties te zien.')
    w.unmount()
    // A huisarts's Vandaag has no other vault form: it is offered here.
    w = await mountWith(ParticipantToday, { gate: true }, (x) => expect(x.find('[data-testid="my-actions-locked"]').exists()).toBe(true))
    expect(w.findAll('[data-testid="my-action"]').length).toBe(0)
    expect(await axeViolations(w)).toEqual([])
    w.unmount()
  })
})

describe('the plan page', () => {
  it('shows the whole copy, offers "Gedaan" on the person’s own action only, and shows it at once as waiting', async () => {
    routes[`POST /api/plans/${PLAN}/responses`] = null
    const w = await mountWith(ParticipantPlanPage, { planId: PLAN }, hasPlan)
    expect(w.get('h1').text()).toBe('Samenwerkplan voor Mevrouw Jansen')
    expect(w.text()).toContain('Schuldhulp regelen')
    expect(w.text()).toContain('Wie: Sanne Bakker')
    expect(w.text()).toContain('Sanne Bakker, Welzijn Oss heeft de regie samen met de inwoner.')
    expect(w.get('a[href="tel:0412654321"]').text()).toBe('0412 654321')
    // No own words in this copy: no heading for them either.
    expect(w.text()).not.toContain('In de woorden van de inwoner')
    expect(w.findAll('[data-testid="plan-answer"]').length).toBe(1)
    expect(w.get('[data-testid="plan-action-mine"]').find('[data-testid="plan-answer"]').exists()).toBe(true)
    expect(w.get('[data-testid="plan-action"]').find('[data-testid="plan-answer"]').exists()).toBe(false)
    expect(await axeViolations(w)).toEqual([])

    await w.get('[data-testid="answer-note"]').setValue('Gebeld met de apotheek')
    await w.get('[data-testid="answer-done"]').setValue(true)
    await until(() => expect(w.get('[data-testid="answer-state"]').text()).toBe('Wacht op verbinding'))
    expect((w.get('[data-testid="answer-done"]').element as HTMLInputElement).checked).toBe(true)
    expect(await sharedPlanDb.outbox.count()).toBe(1)
    expect(await axeViolations(w)).toEqual([])
    // Back online: sent, and said so.
    routes[`POST /api/plans/${PLAN}/responses`] = json(201, { seq: 1 })
    window.dispatchEvent(new Event('online'))
    await until(() => expect(w.get('[data-testid="answer-state"]').text()).toBe('Verstuurd'))
    expect(await sharedPlanDb.outbox.count()).toBe(0)
    w.unmount()
  })

  it('a note over 500 characters is refused in words and not queued; a response the server refuses with 404 says the plan is no longer yours', async () => {
    routes[`POST /api/plans/${PLAN}/responses`] = json(404, { error: 'Not found', code: 'not-found' })
    const w = await mountWith(ParticipantPlanPage, { planId: PLAN }, hasPlan)
    await w.get('[data-testid="answer-note"]').setValue('x'.repeat(501))
    await w.get('[data-testid="answer-send"]').trigger('click')
    await until(() => expect(w.text()).toContain('Je notitie is te lang. Maak hem korter: hooguit 500 tekens.'))
    expect(await sharedPlanDb.outbox.count()).toBe(0)
    await w.get('[data-testid="answer-note"]').setValue('Klaar')
    await w.get('[data-testid="answer-send"]').trigger('click')
    await until(() => expect(w.get('[data-testid="answer-state"]').text()).toBe('Niet verstuurd: je krijgt dit plan niet meer.'))
    expect(await axeViolations(w)).toEqual([])
    w.unmount()
  })

  it('opened while a newer version is still being fetched: shows the kept copy as busy, then the newer one, never the older as done', async () => {
    let w = await mountWith(ParticipantPlanPage, { planId: PLAN }, hasPlan)
    w.unmount()
    // The page opens locked; the server's answer (version 2) is held until released.
    const v2: ParticipantPlan = { ...plan, version: 2, sentAt: '2026-12-01T10:00:00.000Z', actions: [...plan.actions, { id: crypto.randomUUID(), what: 'Samen naar de buurtkamer', owner: 'Sanne Bakker', ownerId: P_LEAD, done: false }] }
    const answer = await listed(v2, leadPhone, leadCert)
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    routes['GET /api/plans/mine'] = (async () => (await held, answer())) as unknown as () => Response
    useCaseVault().isUnlocked = false
    const root = () => w.get('.shared-plan-page')
    w = await mountWith(ParticipantPlanPage, { planId: PLAN }, (x) => expect(x.get('.shared-plan-page').attributes('aria-busy')).toBe('true'))
    // Unlocked meanwhile: the kept version 1 shows at once, marked busy while version 2 is on its way.
    useCaseVault().isUnlocked = true
    await until(() => hasPlan(w))
    await settle()
    expect(w.text()).toContain('Versie 1')
    expect(root().attributes('aria-busy')).toBe('true')
    release()
    await until(() => expect(root().attributes('aria-busy')).toBe('false'))
    expect(w.text()).toContain('Versie 2')
    expect(w.text()).toContain('Samen naar de buurtkamer')
    w.unmount()
  })

  it('two loads overlapping: an older fetch failing after a newer one succeeded says nothing; offline stays said when the vault opens', async () => {
    const answer = await mine()
    let calls = 0
    let failOlder!: () => void
    const olderFails = new Promise<void>((r) => (failOlder = r))
    routes['GET /api/plans/mine'] = (async () => (++calls === 1 ? (await olderFails, json(503, { error: 'Unavailable', code: 'unavailable' })()) : answer())) as unknown as () => Response
    let plans!: ReturnType<typeof useMyPlans>
    const w = mount(defineComponent({ setup: () => ((plans = useMyPlans()), () => null) }))
    const first = plans.load()
    const second = plans.load()
    await second
    expect(plans.state.plans[0]?.plan?.version).toBe(1)
    failOlder()
    await first
    expect(plans.state.loading).toBe(false)
    expect(plans.state.problem).toBe(false)
    expect(plans.state.plans[0]?.plan?.version).toBe(1)
    // Offline: the kept copy, said to be the kept copy, also after an opening without a fetch.
    routes['GET /api/plans/mine'] = null
    await plans.load()
    expect(plans.state.offline).toBe(true)
    await plans.load(false)
    expect(plans.state.offline).toBe(true)
    expect(plans.state.plans[0]?.plan?.version).toBe(1)
    w.unmount()
  })

  it('a plan the server no longer lists stays readable, marked, without answering', async () => {
    let w = await mountWith(ParticipantPlanPage, { planId: PLAN }, hasPlan)
    w.unmount()
    routes['GET /api/plans/mine'] = json(200, { plans: [], chains: {} })
    w = await mountWith(ParticipantPlanPage, { planId: PLAN }, (x) => expect(x.find('[data-testid="plan-gone"]').exists()).toBe(true))
    expect(w.get('[data-testid="plan-gone"]').text()).toBe('Je krijgt dit plan niet meer. Je ziet de laatste versie die je kreeg.')
    expect(w.text()).toContain('Medicatie bekijken')
    expect(w.find('[data-testid="plan-answer"]').exists()).toBe(false)
    expect(await axeViolations(w)).toEqual([])
    w.unmount()
  })
})

describe('a version from another lead than the accepted one', () => {
  it('is named with a button to trust that lead (on the plan page, and a line on Vandaag); trusted, it opens', async () => {
    const OTHER = '3f2e1d0c-9b8a-4765-8432-10fedcba9877'
    const colleague = await phone()
    const colleagueCert = await lead.approve(colleague, OTHER)
    let w = await mountWith(ParticipantPlanPage, { planId: PLAN }, hasPlan)
    w.unmount()
    const takenOver: ParticipantPlan = {
      ...plan,
      version: 1_000_000,
      leadUserId: OTHER,
      participants: [plan.participants[0]!, { ...plan.participants[1]!, name: 'Kees Collega', userId: OTHER }],
      actions: [{ ...plan.actions[0]!, what: 'Medicatie stoppen' }, plan.actions[1]!],
    }
    routes['GET /api/plans/mine'] = await listed(takenOver, colleague, colleagueCert)

    w = await mountWith(ParticipantToday, { gate: true }, (x) => expect(x.find('[data-testid="my-plans-lead-changed"]').exists()).toBe(true))
    expect(w.get('[data-testid="my-plans-lead-changed"]').text()).toBe('Het plan voor Mevrouw Jansen komt nu van iemand anders. Open het plan om te kiezen of je dit vertrouwt.')
    expect(w.text()).toContain('Medicatie bekijken')
    expect(await axeViolations(w)).toEqual([])
    w.unmount()

    w = await mountWith(ParticipantPlanPage, { planId: PLAN }, (x) => expect(x.find('[data-testid="plan-lead-changed"]').exists()).toBe(true))
    const notice = w.get('[data-testid="plan-lead-changed"]')
    expect(notice.text()).toContain('Dit plan komt nu van Kees Collega, Welzijn Oss. Dat kan na een overdracht van de regie. Vertrouw je dit?')
    // Until then, the last version of the known lead shows.
    expect(w.text()).toContain('Medicatie bekijken')
    expect(w.text()).not.toContain('Medicatie stoppen')
    expect(w.find('[data-testid="plan-problem"]').exists()).toBe(false)
    expect(await axeViolations(w)).toEqual([])
    await notice.get('button').trigger('click')
    await until(() => expect(w.text()).toContain('Medicatie stoppen'))
    expect(w.find('[data-testid="plan-lead-changed"]').exists()).toBe(false)
    expect(w.text()).toContain('Kees Collega, Welzijn Oss heeft de regie samen met de inwoner.')
    expect(await axeViolations(w)).toEqual([])
    w.unmount()
  })
})

describe('the texts', () => {
  it('has every sharedPlan text in Dutch and in English', () => {
    const keys = (o: object, at = ''): string[] => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as object, `${at}${k}.`) : [`${at}${k}`]))
    expect(keys(proEn.sharedPlan).sort()).toEqual(keys(proNl.sharedPlan).sort())
    expect(nl.title['shared-plan']).toBe('Samenwerkplan')
  })
})
