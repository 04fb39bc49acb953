/**
 * "Account koppelen" in a participant's row of the samenwerkoverleg (issue 17 point 1;
 * src/app/features/sharedPlan/ParticipantAccount.vue): the casusregisseur invites by exact e-mail
 * (the plan gets its id first; the answer never says whether the address has an account), links a
 * person who accepted, and unlinks after asking; an address that is none is refused in words; a
 * case not on the server yet, or someone who does not lead it, is told so instead. Passes axe.
 */
import 'fake-indexeddb/auto'
import { mount, type VueWrapper } from '@vue/test-utils'
import axe from 'axe-core'
import { createPinia, setActivePinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { defineComponent, h, nextTick } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import CaseConsultation from '../../src/app/features/cases/CaseConsultation.vue'
import { useCaseDraft, type CaseDraft } from '../../src/app/features/cases/useCaseDraft'
import { useSessionStore } from '../../src/app/core/useSessionStore'
import { newCase, type CaseConsultation as Consultation } from '../../src/shared/cases/v2'
import nl from '../../src/app/i18n/nl.json'
import en from '../../src/app/i18n/en.json'
import proNl from '../../src/app/i18n/pro.nl.json'
import proEn from '../../src/app/i18n/pro.en.json'

const CASE_ID = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'
const KARIN = '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const ME = '2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e'
const KARIN_USER = '3d4e5f60-7182-4c9d-8e1f-2a3b4c5d6e7f'
const PRAKTIJK = '4e5f6071-8293-4dae-9f20-3b4c5d6e7f80'
const ORG = '5f607182-93a4-4ebf-8031-4c5d6e7f8091'
const me = {
  id: ME,
  email: 'sanne@welzijn.example',
  name: 'Sanne',
  secondFactor: true,
  totpEnabled: true,
  memberships: [{ organisationId: ORG, organisationName: 'ONS welzijn', role: 'sociaal-werker' as const, isRegion: false }],
  csrfToken: 'x',
  device: { id: '6071a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b', organisationId: ORG, status: 'approved' as const },
}
const karinPerson = { userId: KARIN_USER, name: 'Karin Smit', email: 'karin@praktijk.example', organisationId: PRAKTIJK, organisationName: 'Praktijk Oss', status: 'accepted', devices: [] }

let wrapper: VueWrapper | undefined
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.unstubAllGlobals()
})

const calls: { method: string; path: string; body: unknown }[] = []
/** The server as the routes answer: the case's team (or 404 when not synced), the invitation, the plan's people. */
function server({ role = 'lead' as 'lead' | 'member' | 'none', people = [] as unknown[] } = {}) {
  calls.length = 0
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET'
      calls.push({ method, path, body: init.body ? JSON.parse(String(init.body)) : undefined })
      if (path === `/api/case-sync/docs/${CASE_ID}/members`) {
        if (role === 'none') return json({ error: 'not found', code: 'not-found' }, 404)
        return json({ keyGen: 1, members: [{ userId: ME, name: 'Sanne', role, addedAt: '2026-11-01T10:00:00.000Z' }] })
      }
      if (method === 'POST' && /^\/api\/plans\/[^/]+\/invitations$/.test(path)) return json({ sent: true })
      if (/^\/api\/plans\/[^/]+\/people\?/.test(path)) return json({ people, chains: {} })
      return json({ error: 'not found', code: 'not-found' }, 404)
    }),
  )
}

function mountConsultation(consultation: Consultation) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().me = me
  const initial = newCase(CASE_ID, 'samenwerkwijze', new Date('2026-11-01T10:00:00Z'))
  initial.consultation = consultation
  let draft: CaseDraft | undefined
  const Host = defineComponent({
    setup() {
      draft = useCaseDraft(initial)
      return () => h(CaseConsultation)
    },
  })
  const i18n = createI18n({ legacy: false, locale: 'nl', missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl }, en: { ...en, ...proEn } } })
  wrapper = mount(Host, { global: { plugins: [pinia, i18n] }, attachTo: document.body })
  return { wrapper, consultation: () => draft!.record.consultation! }
}
const karin = { id: KARIN, name: 'Karin', role: 'praktijkondersteuner', organisation: '', discipline: 'praktijkondersteuner' }
const held = (participants: Consultation['participants']): Consultation => ({ residentPresent: true, participants, actions: [] })

function field(w: VueWrapper, label: string) {
  const l = w.findAll('label').find((x) => x.text() === label)
  if (!l) throw new Error(`no label "${label}"; labels: ${w.findAll('label').map((x) => x.text()).join(' | ')}`)
  return w.get(`[id="${l.attributes('for')}"]`)
}
const button = (w: VueWrapper, name: string) => {
  const b = w.findAll('button').find((x) => x.text() === name)
  if (!b) throw new Error(`no button "${name}"; buttons: ${w.findAll('button').map((x) => x.text()).join(' | ')}`)
  return b
}
const hasButton = (w: VueWrapper, name: string) => w.findAll('button').some((x) => x.text() === name)
const account = (w: VueWrapper) => w.get(`[data-participant="${KARIN}"] [data-testid="participant-account"]`)
async function axeViolations(w: VueWrapper): Promise<string[]> {
  const result = await axe.run(w.element, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } })
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(', ')}`)
}

describe('linking a participant’s account', () => {
  it('invites by exact e-mail: the plan gets its id first, the answer says only that an account there gets an invitation', async () => {
    server()
    const { wrapper, consultation } = mountConsultation(held([karin]))
    await flushPromises()
    expect(account(wrapper).get('[data-account-state]').text()).toBe('Nog geen account gekoppeld.')
    await button(wrapper, 'Account koppelen: Karin').trigger('click')
    await nextTick()
    expect(document.activeElement).toBe(field(wrapper, 'E-mailadres van Karin').element)
    await field(wrapper, 'E-mailadres van Karin').setValue('karin at praktijk')
    await account(wrapper).get('form').trigger('submit')
    await flushPromises()
    expect(account(wrapper).text()).toContain('Dit is geen e-mailadres. Kijk of je het goed hebt getypt.')
    expect(calls.some((c) => c.method === 'POST')).toBe(false)
    expect(consultation().sharedPlan).toBeUndefined()

    await field(wrapper, 'E-mailadres van Karin').setValue('  karin@praktijk.example ')
    await account(wrapper).get('form').trigger('submit')
    // The case is written (the plan's id in it) before the invitation goes.
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true), { timeout: 5_000 })
    await flushPromises()
    const state = consultation().sharedPlan!
    expect(state).toMatchObject({ version: 0, responseKey: { gen: 1 } })
    const post = calls.find((c) => c.method === 'POST')!
    expect(post).toEqual({ method: 'POST', path: `/api/plans/${state.planId}/invitations`, body: { docId: CASE_ID, email: 'karin@praktijk.example' } })
    expect(account(wrapper).get('[role="status"]').text()).toBe('Als er een account bij dit adres hoort, krijgt die persoon een uitnodiging.')
    expect(account(wrapper).get('[data-account-state]').text()).toBe('Uitgenodigd. We wachten tot die persoon de uitnodiging accepteert.')
    expect(account(wrapper).text()).toContain('Nog niemand heeft een uitnodiging voor dit plan geaccepteerd.')
  })

  it('links a person who accepted: their account and organisation go into the participant, shown by name; unlinking asks first', async () => {
    server({ people: [karinPerson] })
    const { wrapper, consultation } = mountConsultation(held([karin]))
    consultation().sharedPlan = { planId: '7a1c2e4f-0b3d-4e5f-8a9b-0c1d2e3f4a5b', version: 0, responseKey: { gen: 1, key: 'k'.repeat(43) } }
    await flushPromises()
    await button(wrapper, 'Account koppelen: Karin').trigger('click')
    await flushPromises()
    const choose = field(wrapper, 'Wie heeft de uitnodiging geaccepteerd voor Karin?')
    expect(choose.findAll('option').map((o) => o.text())).toEqual(['Kies iemand', 'Karin Smit, Praktijk Oss (karin@praktijk.example)'])
    await choose.setValue(KARIN_USER)
    await button(wrapper, 'Koppelen aan Karin').trigger('click')
    await flushPromises()
    expect(consultation().participants[0]).toMatchObject({ userId: KARIN_USER, organisationId: PRAKTIJK, organisation: 'Praktijk Oss', name: 'Karin' })
    expect(account(wrapper).get('[data-account-state]').text()).toBe('Account gekoppeld: Karin Smit, Praktijk Oss.')

    await button(wrapper, 'Account ontkoppelen: Karin').trigger('click')
    expect(account(wrapper).get('[role="alert"]').text()).toBe('Wil je het account van Karin ontkoppelen? Karin krijgt dan geen nieuwe versies van het plan meer.')
    expect(consultation().participants[0]!.userId).toBe(KARIN_USER)
    await button(wrapper, 'Ja, ontkoppelen: Karin').trigger('click')
    expect(consultation().participants[0]!.userId).toBeUndefined()
    expect(consultation().participants[0]!.organisationId).toBeUndefined()
    expect(account(wrapper).get('[data-account-state]').text()).toBe('Nog geen account gekoppeld.')
  })

  it('says in words that the case must be on the server first, and that only the lead links accounts', async () => {
    server({ role: 'none' })
    mountConsultation(held([karin]))
    await flushPromises()
    expect(account(wrapper!).text()).toContain('Deze casus staat nog niet op de server.')
    expect(hasButton(wrapper!, 'Account koppelen: Karin')).toBe(false)
    wrapper!.unmount()
    server({ role: 'member' })
    mountConsultation(held([karin]))
    await flushPromises()
    expect(account(wrapper!).text()).toContain('Alleen de casusregisseur kan een account koppelen.')
    expect(hasButton(wrapper!, 'Account koppelen: Karin')).toBe(false)
  })

  it('passes axe with the invitation form open, a refused address and a person to choose', async () => {
    server({ people: [karinPerson] })
    const { wrapper, consultation } = mountConsultation(held([karin]))
    consultation().sharedPlan = { planId: '7a1c2e4f-0b3d-4e5f-8a9b-0c1d2e3f4a5b', version: 0, responseKey: { gen: 1, key: 'k'.repeat(43) } }
    await flushPromises()
    await wrapper.vm.$nextTick()
    await button(wrapper, 'Account koppelen: Karin').trigger('click')
    await field(wrapper, 'E-mailadres van Karin').setValue('nee')
    await account(wrapper).get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.findAll('option').some((o) => o.text().startsWith('Karin Smit'))).toBe(true)
    expect(await axeViolations(wrapper)).toEqual([])
  })
})
