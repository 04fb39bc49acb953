/**
 * The resident's consent to share the samenwerkplan, per participant (issue 17 point 2,
 * CaseParticipantConsent.vue in the participants list of the samenwerkoverleg): shown in words,
 * recorded with purpose, date, who recorded it and the own-words choice, checked by the schema
 * before it is written, withdrawn after an inline question, recorded again as a new record.
 * Passes axe with the form open.
 */
import 'fake-indexeddb/auto'
import { mount, type VueWrapper } from '@vue/test-utils'
import axe from 'axe-core'
import { createPinia, setActivePinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { defineComponent, h, nextTick } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
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
const PIET = '2b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const ORG = 'org-welzijn'
const me = {
  id: 'u1',
  email: 'sanne@welzijn.example',
  name: 'Sanne Jansen',
  secondFactor: true,
  totpEnabled: true,
  memberships: [{ organisationId: ORG, organisationName: 'ONS welzijn', role: 'sociaal-werker' as const, isRegion: false }],
  csrfToken: 'x',
  device: { id: 'd1', organisationId: ORG, status: 'approved' as const },
}
const karin = { id: KARIN, name: 'Karin', role: 'schuldhulpverlener', organisation: 'Kredietbank', discipline: 'schuldhulp' }
const piet = { id: PIET, name: 'Piet', role: 'wijkagent', organisation: 'Politie', discipline: 'politie' }
const given = { purpose: 'Samenwerken aan het samenwerkplan', date: '2026-11-02', recordedBy: 'Sanne Jansen', ownWords: false }

let wrapper: VueWrapper | undefined
beforeEach(() => {
  // Only the clock: 23:30 UTC on 4 November is already 5 November in the region.
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-11-04T23:30:00Z'))
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.useRealTimers()
})

function mountConsultation(participants: Consultation['participants'], { signedIn = true, locale = 'nl' as 'nl' | 'en', resident = 'Anne' } = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  if (signedIn) useSessionStore().me = me
  const initial = newCase(CASE_ID, 'samenwerkwijze', new Date('2026-11-01T10:00:00Z'))
  initial.resident.name = resident
  initial.consultation = { residentPresent: true, participants, actions: [], organisation: 'ONS welzijn' }
  let draft: CaseDraft | undefined
  const Host = defineComponent({
    setup() {
      draft = useCaseDraft(initial)
      return () => h(CaseConsultation)
    },
  })
  const i18n = createI18n({ legacy: false, locale, missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl }, en: { ...en, ...proEn } } })
  wrapper = mount(Host, { global: { plugins: [pinia, i18n] }, attachTo: document.body })
  return { wrapper, participant: (id: string) => draft!.record.consultation!.participants.find((p) => p.id === id)! }
}

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
const row = (w: VueWrapper, id: string) => w.get(`[data-participant="${id}"]`)
const stateOf = (w: VueWrapper, id: string) => row(w, id).get('[data-consent-state]').text()
const value = (w: VueWrapper, label: string) => (field(w, label).element as HTMLInputElement).value
const checked = (w: VueWrapper, label: string) => (field(w, label).element as HTMLInputElement).checked
const consentForm = (w: VueWrapper) => w.get('.participant-consent form')
async function setDate(w: VueWrapper, label: string, v: string) {
  const input = field(w, label)
  ;(input.element as HTMLInputElement).value = v
  await input.trigger('input')
}
async function axeViolations(w: VueWrapper): Promise<string[]> {
  const result = await axe.run(w.element, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } })
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(', ')}`)
}

const OWN_WORDS_KARIN = 'De inwoner vindt het goed dat Karin ook de eigen woorden bij de drie vragen ziet'

describe('recording the resident’s consent for a participant', () => {
  it('shows none, opens with today (the region’s), the signed-in worker and a purpose naming the resident, and writes the consent', async () => {
    const { wrapper, participant } = mountConsultation([karin, piet])
    expect(stateOf(wrapper, KARIN)).toBe('Geen toestemming om het plan te delen')
    expect(hasButton(wrapper, 'Toestemming intrekken: Karin')).toBe(false)
    await button(wrapper, 'Toestemming vastleggen: Karin').trigger('click')
    await nextTick()
    expect(wrapper.get('.participant-consent legend').text()).toBe('Toestemming van de inwoner voor Karin')
    expect(document.activeElement).toBe(field(wrapper, 'Waarvoor geeft de inwoner toestemming?').element)
    expect(value(wrapper, 'Waarvoor geeft de inwoner toestemming?')).toBe('Samenwerken aan het plan van Anne')
    expect(value(wrapper, 'Datum van de toestemming')).toBe('2026-11-05')
    expect(value(wrapper, 'Vastgelegd door')).toBe('Sanne Jansen')
    expect(checked(wrapper, OWN_WORDS_KARIN)).toBe(false)
    await consentForm(wrapper).trigger('submit')
    await nextTick()
    expect(participant(KARIN).consent).toEqual({ purpose: 'Samenwerken aan het plan van Anne', date: '2026-11-05', recordedBy: 'Sanne Jansen', ownWords: false })
    expect(participant(PIET).consent).toBeUndefined()
    expect(wrapper.find('.participant-consent form').exists()).toBe(false)
    expect(stateOf(wrapper, KARIN)).toBe('Toestemming sinds 5 november 2026 (vastgelegd door Sanne Jansen): Samenwerken aan het plan van Anne. Eigen woorden: nee')
    expect(stateOf(wrapper, PIET)).toBe('Geen toestemming om het plan te delen')
    expect(document.activeElement).toBe(row(wrapper, KARIN).get('[data-consent-state]').element)
  })

  it('records the own-words choice, another purpose and date, and nobody as recorder when the name is unknown (signed out)', async () => {
    const { wrapper, participant } = mountConsultation([karin], { signedIn: false, resident: '' })
    await button(wrapper, 'Toestemming vastleggen: Karin').trigger('click')
    expect(value(wrapper, 'Waarvoor geeft de inwoner toestemming?')).toBe('Samenwerken aan het samenwerkplan')
    expect(value(wrapper, 'Vastgelegd door')).toBe('')
    await field(wrapper, 'Waarvoor geeft de inwoner toestemming?').setValue('  Schulden regelen met de Kredietbank ')
    await setDate(wrapper, 'Datum van de toestemming', '2026-10-28')
    await field(wrapper, OWN_WORDS_KARIN).setValue(true)
    await consentForm(wrapper).trigger('submit')
    expect(participant(KARIN).consent).toEqual({ purpose: 'Schulden regelen met de Kredietbank', date: '2026-10-28', recordedBy: '', ownWords: true })
    expect(stateOf(wrapper, KARIN)).toBe('Toestemming sinds 28 oktober 2026: Schulden regelen met de Kredietbank. Eigen woorden: ja')
  })

  it('changes a standing consent from what was recorded, and cancelling writes nothing', async () => {
    const { wrapper, participant } = mountConsultation([{ ...karin, consent: given }])
    await button(wrapper, 'Toestemming wijzigen: Karin').trigger('click')
    expect(value(wrapper, 'Waarvoor geeft de inwoner toestemming?')).toBe('Samenwerken aan het samenwerkplan')
    expect(value(wrapper, 'Datum van de toestemming')).toBe('2026-11-02')
    await field(wrapper, OWN_WORDS_KARIN).setValue(true)
    await button(wrapper, 'Annuleren').trigger('click')
    await nextTick()
    expect(participant(KARIN).consent).toEqual(given)
    expect(document.activeElement?.textContent).toBe('Toestemming wijzigen: Karin')
    await button(wrapper, 'Toestemming wijzigen: Karin').trigger('click')
    expect(checked(wrapper, OWN_WORDS_KARIN)).toBe(false)
    await field(wrapper, OWN_WORDS_KARIN).setValue(true)
    await consentForm(wrapper).trigger('submit')
    expect(participant(KARIN).consent).toEqual({ ...given, ownWords: true })
    expect(stateOf(wrapper, KARIN)).toContain('Eigen woorden: ja')
  })

  it('refuses what the schema (or the form) does not take with a Dutch message per field, keeps what was typed and writes nothing', async () => {
    const { wrapper, participant } = mountConsultation([{ ...karin, consent: given }])
    await button(wrapper, 'Toestemming wijzigen: Karin').trigger('click')
    await field(wrapper, 'Waarvoor geeft de inwoner toestemming?').setValue('   ')
    await setDate(wrapper, 'Datum van de toestemming', '')
    const longName = 'S'.repeat(201)
    await field(wrapper, 'Vastgelegd door').setValue(longName)
    await consentForm(wrapper).trigger('submit')
    await nextTick()
    const form = consentForm(wrapper).text()
    expect(form).toContain('Schrijf op waarvoor de inwoner toestemming geeft.')
    expect(form).toContain('Kies de datum waarop de inwoner toestemming gaf.')
    expect(form).toContain('De naam is te lang. Gebruik niet meer dan 200 tekens.')
    expect(field(wrapper, 'Datum van de toestemming').attributes('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(field(wrapper, 'Waarvoor geeft de inwoner toestemming?').element)
    expect(value(wrapper, 'Vastgelegd door')).toBe(longName)
    expect(participant(KARIN).consent).toEqual(given)

    // A date after today (the region's) is refused too; fixed, it is written.
    await field(wrapper, 'Waarvoor geeft de inwoner toestemming?').setValue('Samenwerken')
    await field(wrapper, 'Vastgelegd door').setValue('Sanne')
    await setDate(wrapper, 'Datum van de toestemming', '2026-11-06')
    await consentForm(wrapper).trigger('submit')
    expect(consentForm(wrapper).text()).toContain('Deze datum ligt na vandaag. Kies de dag waarop de inwoner toestemming gaf.')
    expect(consentForm(wrapper).text()).not.toContain('Schrijf op waarvoor')
    expect(participant(KARIN).consent).toEqual(given)
    await setDate(wrapper, 'Datum van de toestemming', '2026-11-05')
    await consentForm(wrapper).trigger('submit')
    expect(participant(KARIN).consent).toEqual({ purpose: 'Samenwerken', date: '2026-11-05', recordedBy: 'Sanne', ownWords: false })
  })

  it('stays with the participant when their name or phone is changed', async () => {
    const { wrapper, participant } = mountConsultation([{ ...karin, consent: given }])
    await button(wrapper, 'Wijzigen: Karin').trigger('click')
    await field(wrapper, 'Deelnemer 1: naam').setValue('Karin de Boer')
    await field(wrapper, 'Deelnemer 1: telefoonnummer').setValue('06 12345678')
    expect(participant(KARIN)).toMatchObject({ name: 'Karin de Boer', phone: '06 12345678', consent: given })
  })
})

describe('withdrawing and recording again', () => {
  it('asks inline first; withdrawn, the day is today (the region’s) and the state says so', async () => {
    const { wrapper, participant } = mountConsultation([{ ...karin, consent: given }])
    expect(stateOf(wrapper, KARIN)).toBe('Toestemming sinds 2 november 2026 (vastgelegd door Sanne Jansen): Samenwerken aan het samenwerkplan. Eigen woorden: nee')
    const withdraw = button(wrapper, 'Toestemming intrekken: Karin')
    expect(withdraw.attributes('aria-expanded')).toBe('false')
    await withdraw.trigger('click')
    expect(withdraw.attributes('aria-expanded')).toBe('true')
    expect(wrapper.get('[role="alert"]').text()).toBe('Trekt de inwoner de toestemming voor Karin in? Dan deel je het plan vanaf vandaag niet meer met Karin.')
    expect(participant(KARIN).consent).toEqual(given)
    await button(wrapper, 'Nee, niet intrekken').trigger('click')
    await nextTick()
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    expect(document.activeElement).toBe(withdraw.element)
    expect(participant(KARIN).consent).toEqual(given)

    await withdraw.trigger('click')
    await button(wrapper, 'Ja, toestemming intrekken: Karin').trigger('click')
    await nextTick()
    expect(participant(KARIN).consent).toEqual({ ...given, withdrawnOn: '2026-11-05' })
    expect(stateOf(wrapper, KARIN)).toBe('Toestemming ingetrokken op 5 november 2026')
    expect(document.activeElement).toBe(row(wrapper, KARIN).get('[data-consent-state]').element)
    expect(hasButton(wrapper, 'Toestemming intrekken: Karin')).toBe(false)
    expect(hasButton(wrapper, 'Toestemming opnieuw vastleggen: Karin')).toBe(true)
  })

  it('recording again after a withdrawal replaces the record: a new date, own words unchecked, no withdrawal', async () => {
    const { wrapper, participant } = mountConsultation([{ ...karin, consent: { ...given, ownWords: true, purpose: 'Oud doel', withdrawnOn: '2026-11-03' } }])
    expect(stateOf(wrapper, KARIN)).toBe('Toestemming ingetrokken op 3 november 2026')
    await button(wrapper, 'Toestemming opnieuw vastleggen: Karin').trigger('click')
    expect(value(wrapper, 'Waarvoor geeft de inwoner toestemming?')).toBe('Samenwerken aan het plan van Anne')
    expect(value(wrapper, 'Datum van de toestemming')).toBe('2026-11-05')
    expect(checked(wrapper, OWN_WORDS_KARIN)).toBe(false)
    await consentForm(wrapper).trigger('submit')
    expect(participant(KARIN).consent).toEqual({ purpose: 'Samenwerken aan het plan van Anne', date: '2026-11-05', recordedBy: 'Sanne Jansen', ownWords: false })
    expect(stateOf(wrapper, KARIN)).toMatch(/^Toestemming sinds 5 november 2026/)
    expect(hasButton(wrapper, 'Toestemming intrekken: Karin')).toBe(true)
  })

  it('shows a consent dated after today (from another device) as from that day, still withdrawable', async () => {
    const { wrapper, participant } = mountConsultation([{ ...karin, consent: { ...given, date: '2026-11-09', recordedBy: '' } }])
    expect(stateOf(wrapper, KARIN)).toBe('Toestemming vanaf 9 november 2026: Samenwerken aan het samenwerkplan. Eigen woorden: nee')
    await button(wrapper, 'Toestemming intrekken: Karin').trigger('click')
    await button(wrapper, 'Ja, toestemming intrekken: Karin').trigger('click')
    expect(participant(KARIN).consent?.withdrawnOn).toBe('2026-11-05')
  })
})

describe('accessibility and language', () => {
  it('passes axe with one consent form open, a refused field, and a withdrawal being asked', async () => {
    const { wrapper } = mountConsultation([karin, { ...piet, consent: given }])
    await button(wrapper, 'Toestemming vastleggen: Karin').trigger('click')
    await field(wrapper, 'Waarvoor geeft de inwoner toestemming?').setValue('')
    await consentForm(wrapper).trigger('submit')
    await button(wrapper, 'Toestemming intrekken: Piet').trigger('click')
    expect(consentForm(wrapper).text()).toContain('Schrijf op waarvoor de inwoner toestemming geeft.')
    expect(await axeViolations(wrapper)).toEqual([])
  })

  it('speaks English too', async () => {
    const { wrapper } = mountConsultation([{ ...karin, consent: { ...given, ownWords: true } }], { locale: 'en' })
    expect(stateOf(wrapper, KARIN)).toBe('Consent since 2 November 2026 (recorded by Sanne Jansen): Samenwerken aan het samenwerkplan. Own words: yes')
    await button(wrapper, 'Change consent: Karin').trigger('click')
    expect(checked(wrapper, 'The resident agrees that Karin also sees their own words for the three questions')).toBe(true)
  })
})
