/**
 * Under the samenwerkplan (issue 17 points 2, 3 and 5; src/app/features/sharedPlan/SharedPlanStatus.vue
 * and ActionReplies.vue): with whom the last version was shared and its number, in words who does
 * not get it and why, and what the participants answered on their actions. Passes axe.
 */
import 'fake-indexeddb/auto'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import axe from 'axe-core'
import { createPinia, setActivePinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { defineComponent, h } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import CaseConsultation from '../../src/app/features/cases/CaseConsultation.vue'
import { useCaseDraft } from '../../src/app/features/cases/useCaseDraft'
import { useSessionStore } from '../../src/app/core/useSessionStore'
import { newCase, type CaseConsultation as Consultation } from '../../src/shared/cases/v2'
import nl from '../../src/app/i18n/nl.json'
import en from '../../src/app/i18n/en.json'
import proNl from '../../src/app/i18n/pro.nl.json'
import proEn from '../../src/app/i18n/pro.en.json'

const CASE_ID = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'
const ME = '2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e'
const ORG = '5f607182-93a4-4ebf-8031-4c5d6e7f8091'
const uid = (n: number) => `3d4e5f60-7182-4c9d-8e1f-2a3b4c5d6e${String(n).padStart(2, '0')}`
const me = {
  id: ME,
  email: 'els@welzijn.example',
  name: 'Els',
  secondFactor: true,
  totpEnabled: true,
  memberships: [{ organisationId: ORG, organisationName: 'ONS welzijn', role: 'sociaal-werker' as const, isRegion: false }],
  csrfToken: 'x',
  device: { id: '6071a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b', organisationId: ORG, status: 'approved' as const },
}

let wrapper: VueWrapper | undefined
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.unstubAllGlobals()
})

/** This person is a member of the case's team, not its lead: the status is shown, nothing is published from here. */
function memberOfTeam() {
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string) =>
      path === `/api/case-sync/docs/${CASE_ID}/members` ? json({ keyGen: 1, members: [{ userId: ME, name: 'Els', role: 'member', addedAt: '2026-11-01T10:00:00.000Z' }] }) : json({ error: 'not found', code: 'not-found' }, 404),
    ),
  )
}

function mountConsultation(consultation: Consultation) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().me = me
  const initial = newCase(CASE_ID, 'samenwerkwijze', new Date('2026-11-01T10:00:00Z'))
  initial.consultation = consultation
  const Host = defineComponent({
    setup() {
      useCaseDraft(initial)
      return () => h(CaseConsultation)
    },
  })
  const i18n = createI18n({ legacy: false, locale: 'nl', missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl }, en: { ...en, ...proEn } } })
  wrapper = mount(Host, { global: { plugins: [pinia, i18n] }, attachTo: document.body })
  return wrapper
}

const consent = { purpose: 'Samenwerken aan het plan', date: '2026-10-30', recordedBy: 'Els', ownWords: false }
const person = (n: number, name: string, extra: object = {}) => ({ id: uid(n + 50), name, role: '', organisation: 'Praktijk Oss', discipline: 'huisarts', userId: uid(n), ...extra })
const plan = (): Consultation => ({
  residentPresent: true,
  participants: [
    person(1, 'Dr. Jansen', { consent }),
    person(2, 'Karin', { consent }),
    person(3, 'Piet'),
    person(4, 'Sanne', { consent: { ...consent, withdrawnOn: '2026-11-01' } }),
    { id: uid(99), name: 'Wijkagent', role: '', organisation: 'Politie', discipline: 'politie' },
  ],
  actions: [
    { id: uid(70), what: 'Medicatie nakijken', owner: 'Dr. Jansen', ownerId: uid(51), done: true, reply: { done: true, note: 'Afspraak gemaakt', at: '2026-03-07T09:00:00.000Z', by: 'Dr. Jansen' } },
    { id: uid(71), what: 'Bloeddruk meten', owner: 'Karin', ownerId: uid(52), reply: { done: false, at: '2026-03-08T09:00:00.000Z', by: 'Karin' } },
    { id: uid(72), what: 'Buurtcentrum bellen', owner: 'Wijkagent', ownerId: uid(99) },
  ],
  sharedPlan: {
    planId: '7a1c2e4f-0b3d-4e5f-8a9b-0c1d2e3f4a5b',
    version: 3,
    responseKey: { gen: 2, key: 'k'.repeat(43) },
    sent: [
      { userId: uid(1), digest: 'a'.repeat(64) },
      { userId: uid(2), digest: 'b'.repeat(64) },
      { userId: uid(4), digest: '' },
    ],
  },
})

describe('the shared plan under the samenwerkplan', () => {
  it('says with whom version 3 was shared, who does not get it and why, and what participants answered', async () => {
    memberOfTeam()
    const w = mountConsultation(plan())
    await flushPromises()
    const status = w.get('[data-testid="shared-plan-status"]')
    expect(status.get('[role="status"]').text()).toBe('Gedeeld met Dr. Jansen en Karin (versie 3)')
    expect(status.findAll('li').map((li) => li.text())).toEqual([
      'Piet: de inwoner heeft nog geen toestemming gegeven om het plan te delen.',
      'Sanne: de toestemming is ingetrokken. Sanne krijgt geen nieuwe versies meer.',
    ])
    expect(status.text()).toContain('De casusregisseur deelt het plan.')
    expect(w.get('[data-testid="action-replies"]').findAll('li').map((li) => li.text())).toEqual([
      'Medicatie nakijken — Dr. Jansen: gedaan, 7 maart: ‘Afspraak gemaakt’',
      'Bloeddruk meten — Karin: nog niet gedaan, 8 maart',
    ])
  })

  it('says the plan is shared with nobody yet once an account is linked, and shows nothing without one', async () => {
    memberOfTeam()
    const c = plan()
    c.sharedPlan = { ...c.sharedPlan!, version: 0, sent: undefined }
    const w = mountConsultation(c)
    await flushPromises()
    expect(w.get('[data-testid="shared-plan-status"] [role="status"]').text()).toBe('Het plan is nog met niemand gedeeld.')
    w.unmount()
    const none = plan()
    for (const p of none.participants) delete p.userId
    delete none.sharedPlan
    const w2 = mountConsultation({ ...none, actions: [] })
    await flushPromises()
    expect(w2.find('[data-testid="shared-plan-status"]').exists()).toBe(false)
    expect(w2.find('[data-testid="action-replies"]').exists()).toBe(false)
  })

  it('passes axe', async () => {
    memberOfTeam()
    const w = mountConsultation(plan())
    await flushPromises()
    const result = await axe.run(w.element, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } })
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(', ')}`)).toEqual([])
  })
})
