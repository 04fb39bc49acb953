/**
 * The samenwerkoverleg on the casusregisseur's phone (issue 17, CaseConsultation.vue and its
 * parts): participants are added, changed and removed; "wie doet het" and the lead are chosen from
 * them; a new name follows into the plan; removing someone the plan points at asks first and keeps
 * the name; an older case's written names and disciplines show as written; the organisation that
 * makes the plan is this phone's. Passes axe.
 */
import 'fake-indexeddb/auto'
import { mount, type VueWrapper } from '@vue/test-utils'
import axe from 'axe-core'
import { createPinia, setActivePinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { defineComponent, h, nextTick } from 'vue'
import { afterEach, describe, expect, it } from 'vitest'
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
const ORG = 'org-welzijn'
const me = {
  id: 'u1',
  email: 'karin@welzijn.example',
  name: 'Karin',
  secondFactor: true,
  totpEnabled: true,
  memberships: [
    { organisationId: 'org-regio', organisationName: 'Samen in Gezondheid', role: 'programma' as const, isRegion: true },
    { organisationId: ORG, organisationName: 'ONS welzijn', role: 'sociaal-werker' as const, isRegion: false },
  ],
  csrfToken: 'x',
  device: { id: 'd1', organisationId: ORG, status: 'approved' as const },
}

let wrapper: VueWrapper | undefined
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
})

function mountConsultation(consultation?: Consultation, { signedIn = true, locale = 'nl' as 'nl' | 'en' } = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  if (signedIn) useSessionStore().me = me
  const initial = newCase(CASE_ID, 'samenwerkwijze', new Date('2026-11-01T10:00:00Z'))
  if (consultation) initial.consultation = consultation
  let draft: CaseDraft | undefined
  const Host = defineComponent({
    setup() {
      draft = useCaseDraft(initial)
      return () => h(CaseConsultation)
    },
  })
  const i18n = createI18n({ legacy: false, locale, missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl }, en: { ...en, ...proEn } } })
  wrapper = mount(Host, { global: { plugins: [pinia, i18n] }, attachTo: document.body })
  return { wrapper, record: () => draft!.record, consultation: () => draft!.record.consultation! }
}
const held = (participants: Consultation['participants'] = [], actions: Consultation['actions'] = [], extra: Partial<Consultation> = {}): Consultation => ({
  residentPresent: true,
  participants,
  actions,
  place: 'thuis',
  ...extra,
})
const karin = { id: KARIN, name: 'Karin', role: 'schuldhulpverlener', organisation: 'Kredietbank', discipline: 'schuldhulp' }

/** The control a label names, exactly. */
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
const chosenText = (w: VueWrapper, label: string) => {
  const s = field(w, label).element as HTMLSelectElement
  return s.options[s.selectedIndex]!.text
}
const optionTexts = (w: VueWrapper, label: string) => [...(field(w, label).element as HTMLSelectElement).options].map((o) => o.text)
async function axeViolations(w: VueWrapper): Promise<string[]> {
  const result = await axe.run(w.element, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } })
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(', ')}`)
}

describe('the organisation that makes the plan', () => {
  it('is this phone’s organisation when the overleg is called here, shown as an editable field', async () => {
    const { wrapper, record } = mountConsultation()
    await button(wrapper, 'Samenwerkoverleg beleggen').trigger('click')
    expect(record().consultation).toMatchObject({ residentPresent: true, participants: [], actions: [], organisation: 'ONS welzijn' })
    expect((field(wrapper, 'Organisatie die het plan maakt').element as HTMLInputElement).value).toBe('ONS welzijn')
    await field(wrapper, 'Organisatie die het plan maakt').setValue('ONS welzijn, team Oss')
    expect(record().consultation!.organisation).toBe('ONS welzijn, team Oss')
  })

  it('fills an empty one when the form opens, keeps one that is there, and stays empty when the phone’s organisation is unknown', () => {
    expect(mountConsultation(held()).consultation().organisation).toBe('ONS welzijn')
    wrapper!.unmount()
    expect(mountConsultation(held([], [], { organisation: 'Sociaal Werk Meierijstad' })).consultation().organisation).toBe('Sociaal Werk Meierijstad')
    wrapper!.unmount()
    expect(mountConsultation(held(), { signedIn: false }).consultation().organisation).toBeUndefined()
  })
})

describe('participants', () => {
  it('adds one with a discipline from the list and a phone number; a nameless one is refused with a message', async () => {
    const { wrapper, consultation } = mountConsultation(held())
    await wrapper.get('form').trigger('submit')
    expect(wrapper.text()).toContain('Schrijf de naam van de deelnemer op.')
    expect(consultation().participants).toEqual([])
    await field(wrapper, 'Naam van de deelnemer').setValue('Karin')
    await field(wrapper, 'Rol').setValue('schuldhulpverlener')
    await field(wrapper, 'Organisatie').setValue('Kredietbank')
    expect(optionTexts(wrapper, 'Vakgebied')).toContain('Wijkverpleging')
    await field(wrapper, 'Vakgebied').setValue('schuldhulp')
    expect(field(wrapper, 'Telefoonnummer').attributes('type')).toBe('tel')
    await field(wrapper, 'Telefoonnummer').setValue('0412 123 456')
    await wrapper.get('form').trigger('submit')
    expect(consultation().participants).toEqual([{ id: expect.any(String), name: 'Karin', role: 'schuldhulpverlener', organisation: 'Kredietbank', discipline: 'schuldhulp', phone: '0412 123 456' }])
    expect(wrapper.text()).not.toContain('Schrijf de naam van de deelnemer op.')
    expect(wrapper.get('ol li').text()).toContain('Karin — schuldhulpverlener · Kredietbank · Schuldhulp · 0412 123 456')
    // The form is empty again for the next one; no phone stored when none is given.
    await field(wrapper, 'Naam van de deelnemer').setValue('Piet')
    await wrapper.get('form').trigger('submit')
    expect(consultation().participants[1]).toEqual({ id: expect.any(String), name: 'Piet', role: '', organisation: '', discipline: '' })
  })

  it('changes one in place, each field labelled with the participant, and a new name follows into the actions and the lead', async () => {
    const { wrapper, consultation } = mountConsultation(
      held([karin], [{ id: 'a1', what: 'Budgetplan maken', owner: 'Karin', ownerId: KARIN }, { id: 'a2', what: 'Post openen', owner: 'Anne' }], { leadId: KARIN, leadWithResident: 'Karin' }),
    )
    await button(wrapper, 'Wijzigen: Karin').trigger('click')
    expect(wrapper.get('fieldset legend').text()).toBe('Deelnemer 1: Karin')
    expect(document.activeElement).toBe(field(wrapper, 'Deelnemer 1: naam').element)
    await field(wrapper, 'Deelnemer 1: naam').setValue('Karin de Boer')
    await field(wrapper, 'Deelnemer 1: telefoonnummer').setValue('06 12345678')
    expect(consultation().participants[0]).toMatchObject({ id: KARIN, name: 'Karin de Boer', phone: '06 12345678' })
    expect(consultation().actions).toEqual([
      { id: 'a1', what: 'Budgetplan maken', owner: 'Karin de Boer', ownerId: KARIN },
      { id: 'a2', what: 'Post openen', owner: 'Anne' },
    ])
    expect(consultation()).toMatchObject({ leadId: KARIN, leadWithResident: 'Karin de Boer' })
    expect(chosenText(wrapper, 'Actie 1: wie doet het')).toBe('Karin de Boer (schuldhulpverlener)')
    await button(wrapper, 'Klaar met wijzigen: Karin de Boer').trigger('click')
    expect(document.activeElement?.textContent).toBe('Wijzigen: Karin de Boer')
  })

  it('keeps a discipline stored as other text, shown as written, until another is chosen', async () => {
    const { wrapper, consultation } = mountConsultation(held([{ ...karin, discipline: 'Budgetcoach' }]))
    expect(wrapper.get('ol li').text()).toContain('Budgetcoach')
    await button(wrapper, 'Wijzigen: Karin').trigger('click')
    expect(chosenText(wrapper, 'Deelnemer 1: vakgebied')).toBe('Budgetcoach (zoals opgeschreven)')
    await field(wrapper, 'Deelnemer 1: rol').setValue('budgetcoach')
    expect(consultation().participants[0]!.discipline).toBe('Budgetcoach')
    await field(wrapper, 'Deelnemer 1: vakgebied').setValue('schuldhulp')
    expect(consultation().participants[0]!.discipline).toBe('schuldhulp')
    expect(optionTexts(wrapper, 'Deelnemer 1: vakgebied')).not.toContain('Budgetcoach (zoals opgeschreven)')
  })

  it('removes one nobody in the plan points at without asking', async () => {
    const { wrapper, consultation } = mountConsultation(held([karin]))
    await button(wrapper, 'Weghalen: Karin').trigger('click')
    expect(consultation().participants).toEqual([])
    expect(wrapper.text()).toContain('Er zijn nog geen deelnemers.')
  })

  it('asks before removing one who does an action and holds the lead; removed, the names stay with the action and the lead', async () => {
    const { wrapper, consultation } = mountConsultation(held([karin], [{ id: 'a1', what: 'Budgetplan maken', owner: 'Karin', ownerId: KARIN, due: '2026-12-01' }], { leadId: KARIN, leadWithResident: 'Karin' }))
    await button(wrapper, 'Weghalen: Karin').trigger('click')
    expect(wrapper.get('[role="alert"]').text()).toBe(
      'Karin doet 1 actie uit het plan. Karin houdt de regie samen met de inwoner. Haal je Karin weg? De naam blijft dan bij die acties en de regie staan. Kies daarna opnieuw wie het doet.',
    )
    expect(consultation().participants).toHaveLength(1)
    await button(wrapper, 'Nee, laten staan').trigger('click')
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    expect(consultation().participants).toHaveLength(1)
    await button(wrapper, 'Weghalen: Karin').trigger('click')
    await button(wrapper, 'Ja, Karin weghalen').trigger('click')
    expect(consultation().participants).toEqual([])
    expect(consultation().actions).toEqual([{ id: 'a1', what: 'Budgetplan maken', owner: 'Karin', due: '2026-12-01' }])
    expect(consultation().leadWithResident).toBe('Karin')
    expect('leadId' in consultation()).toBe(false)
    expect(chosenText(wrapper, 'Actie 1: wie doet het')).toBe('Karin (zoals opgeschreven)')
    expect(chosenText(wrapper, 'Wie houdt de regie samen met de inwoner?')).toBe('Karin (zoals opgeschreven)')
  })
})

describe('the plan’s actions and the lead', () => {
  it('chooses who does an action from the participants; an older action’s written owner shows until changed', async () => {
    const { wrapper, consultation } = mountConsultation(held([karin, { id: 'p2', name: 'Anne', role: '', organisation: '', discipline: 'mantelzorg' }], [{ id: 'a1', what: 'Post openen', owner: 'Piet' }]))
    expect(chosenText(wrapper, 'Actie 1: wie doet het')).toBe('Piet (zoals opgeschreven)')
    expect(optionTexts(wrapper, 'Actie 1: wie doet het')).toEqual(['Nog niemand gekozen', 'Piet (zoals opgeschreven)', 'Karin (schuldhulpverlener)', 'Anne'])
    await field(wrapper, 'Actie 1: wie doet het').setValue('p2')
    expect(consultation().actions[0]).toEqual({ id: 'a1', what: 'Post openen', owner: 'Anne', ownerId: 'p2' })
    expect(optionTexts(wrapper, 'Actie 1: wie doet het')).not.toContain('Piet (zoals opgeschreven)')
    await field(wrapper, 'Actie 1: wie doet het').setValue('')
    expect(consultation().actions[0]).toEqual({ id: 'a1', what: 'Post openen', owner: '' })
  })

  it('adds an action with what, who, by when and done, each labelled with its number; an empty one goes at once, one with text after a yes', async () => {
    const { wrapper, consultation } = mountConsultation(held([karin]))
    await button(wrapper, 'Actie toevoegen').trigger('click')
    await nextTick()
    expect(document.activeElement).toBe(field(wrapper, 'Actie 1: wat gaat er gebeuren').element)
    await field(wrapper, 'Actie 1: wat gaat er gebeuren').setValue('Budgetplan maken')
    await field(wrapper, 'Actie 1: wie doet het').setValue(KARIN)
    const due = field(wrapper, 'Actie 1: klaar op')
    ;(due.element as HTMLInputElement).value = '2026-12-01'
    await due.trigger('change')
    await field(wrapper, 'Actie 1 is gedaan').setValue(true)
    expect(consultation().actions).toEqual([{ id: expect.any(String), what: 'Budgetplan maken', owner: 'Karin', ownerId: KARIN, due: '2026-12-01', done: true }])
    await field(wrapper, 'Actie 1 is gedaan').setValue(false)
    ;(due.element as HTMLInputElement).value = ''
    await due.trigger('change')
    expect(consultation().actions[0]).toEqual({ id: expect.any(String), what: 'Budgetplan maken', owner: 'Karin', ownerId: KARIN })

    await button(wrapper, 'Actie toevoegen').trigger('click')
    await button(wrapper, 'Actie 2 weghalen').trigger('click')
    expect(consultation().actions).toHaveLength(1)
    await button(wrapper, 'Actie 1 weghalen').trigger('click')
    expect(wrapper.get('[role="alert"]').text()).toBe('Wil je actie 1 weghalen? Wat erbij staat, ben je dan kwijt.')
    expect(consultation().actions).toHaveLength(1)
    await button(wrapper, 'Ja, actie 1 weghalen').trigger('click')
    expect(consultation().actions).toEqual([])
  })

  it('chooses the lead from the participants (leadId and the name); an older case’s written lead shows until changed', async () => {
    const { wrapper, consultation } = mountConsultation(held([karin], [], { leadWithResident: 'Wijkteam' }))
    expect(chosenText(wrapper, 'Wie houdt de regie samen met de inwoner?')).toBe('Wijkteam (zoals opgeschreven)')
    await field(wrapper, 'Wie houdt de regie samen met de inwoner?').setValue(KARIN)
    expect(consultation()).toMatchObject({ leadId: KARIN, leadWithResident: 'Karin' })
    await field(wrapper, 'Wie houdt de regie samen met de inwoner?').setValue('')
    expect('leadId' in consultation() || 'leadWithResident' in consultation()).toBe(false)
  })

  it('without participants, says to add them first', () => {
    const { wrapper } = mountConsultation(held([], [{ id: 'a1', what: 'Iets', owner: '' }]))
    expect(wrapper.text()).toContain('Voeg eerst deelnemers toe bij ‘Wie doen er mee’.')
  })
})

describe('accessibility and language', () => {
  it('passes axe with participants, an action, a participant being changed and a removal being asked', async () => {
    const { wrapper } = mountConsultation(held([karin, { id: 'p2', name: 'Anne', role: '', organisation: '', discipline: 'Buurvrouw' }], [{ id: 'a1', what: 'Budgetplan maken', owner: 'Karin', ownerId: KARIN }], { leadId: KARIN, leadWithResident: 'Karin' }))
    await button(wrapper, 'Wijzigen: Anne').trigger('click')
    await button(wrapper, 'Weghalen: Karin').trigger('click')
    await button(wrapper, 'Actie 1 weghalen').trigger('click')
    expect(await axeViolations(wrapper)).toEqual([])
  })

  it('speaks English too', () => {
    const { wrapper } = mountConsultation(held([karin], [{ id: 'a1', what: 'Budget plan', owner: 'Karin', ownerId: KARIN }]), { locale: 'en' })
    expect(field(wrapper, 'Action 1: who does it').element.tagName).toBe('SELECT')
    expect(chosenText(wrapper, 'Who holds the lead together with the resident?')).toBe('Nobody chosen yet')
    expect(wrapper.get('ol li').text()).toContain('Karin — schuldhulpverlener · Kredietbank · Debt counselling')
    expect((field(wrapper, 'Organisation that makes the plan').element as HTMLInputElement).value).toBe('ONS welzijn')
  })
})
