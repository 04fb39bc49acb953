/**
 * The case fields the KPI measures need, in the case editor (issue 18): "Evaluatie gehouden op"
 * beside the evaluation date (CaseConsultation.vue), the support categories beside the free-text
 * lines (CaseProgress.vue) and "Waarom stopt de begeleiding?" at closing a wor or samenwerkwijze
 * case (CaseClose.vue). Each is typed or ticked, saved by the draft (which validates the record),
 * carried through the case's Yjs document and shown again on a fresh mount; each screen passes axe.
 */
import 'fake-indexeddb/auto'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import axe from 'axe-core'
import { createPinia, setActivePinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, h, type Component } from 'vue'
import * as Y from 'yjs'
import { afterEach, describe, expect, it } from 'vitest'
import CaseClose from '../../src/app/features/cases/CaseClose.vue'
import CaseConsultation from '../../src/app/features/cases/CaseConsultation.vue'
import CaseProgress from '../../src/app/features/cases/CaseProgress.vue'
import { useCaseDraft, type CaseDraft } from '../../src/app/features/cases/useCaseDraft'
import { useCaseVault } from '../../src/app/features/cases/useCaseVault'
import { readRecord, writeRecord } from '../../src/shared/caseSync/recordDoc'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'
import nl from '../../src/app/i18n/nl.json'
import en from '../../src/app/i18n/en.json'
import proNl from '../../src/app/i18n/pro.nl.json'
import proEn from '../../src/app/i18n/pro.en.json'

const CASE_ID = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'

let wrapper: VueWrapper | undefined
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
})

/** Mounts one part of the case editor on `initial`; what the draft saves is collected (it validates first). */
function mountPart(part: Component, initial: CaseRecord, locale: 'nl' | 'en' = 'nl') {
  const pinia = createPinia()
  setActivePinia(pinia)
  const saved: CaseRecord[] = []
  useCaseVault().store.save = async (r: CaseRecord) => {
    saved.push(structuredClone(r))
  }
  let draft: CaseDraft | undefined
  const Host = defineComponent({
    setup() {
      draft = useCaseDraft(initial)
      return () => h(part)
    },
  })
  const i18n = createI18n({ legacy: false, locale, missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl }, en: { ...en, ...proEn } } })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => null } }] })
  wrapper = mount(Host, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body })
  return {
    wrapper,
    record: () => draft!.record,
    /** Saves now and gives back what was stored, as another device reads it from the case's Yjs document. */
    async savedAndSynced() {
      await draft!.flush()
      await flushPromises()
      expect(draft!.state.invalid).toEqual([])
      const last = saved.at(-1)
      if (!last) throw new Error('nothing saved')
      const doc = new Y.Doc()
      writeRecord(doc, last)
      const other = new Y.Doc()
      Y.applyUpdateV2(other, Y.encodeStateAsUpdateV2(doc))
      const r = readRecord(other)
      if ('problems' in r) throw new Error(r.problems.join('; '))
      return r.record
    },
  }
}

function field(w: VueWrapper, label: string) {
  const l = w.findAll('label').find((x) => x.text() === label)
  if (!l) throw new Error(`no label "${label}"; labels: ${w.findAll('label').map((x) => x.text()).join(' | ')}`)
  return w.get(`[id="${l.attributes('for')}"]`)
}
/** A checkbox by its label, inside the group its legend names. */
function box(w: VueWrapper, legend: string, label: string) {
  const group = w.findAll('fieldset').find((f) => f.get('legend').text() === legend)
  if (!group) throw new Error(`no group "${legend}"; groups: ${w.findAll('legend').map((x) => x.text()).join(' | ')}`)
  const l = group.findAll('label').find((x) => x.text() === label)
  if (!l) throw new Error(`no box "${label}" in "${legend}"`)
  return group.get(`[id="${l.attributes('for')}"]`)
}
const checked = (w: VueWrapper, legend: string) =>
  w
    .findAll('fieldset')
    .find((f) => f.get('legend').text() === legend)!
    .findAll('label')
    .filter((l) => (w.get(`[id="${l.attributes('for')}"]`).element as HTMLInputElement).checked)
    .map((l) => l.text())
const chosenText = (w: VueWrapper, label: string) => {
  const s = field(w, label).element as HTMLSelectElement
  return s.options[s.selectedIndex]!.text
}
async function axeViolations(w: VueWrapper): Promise<string[]> {
  const result = await axe.run(w.element, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } })
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(', ')}`)
}
const withPlan = (pathway: CaseRecord['pathway'] = 'samenwerkwijze') => {
  const c = newCase(CASE_ID, pathway, new Date('2026-11-01T10:00:00Z'))
  c.consultation = { date: '2026-11-02', residentPresent: true, participants: [], actions: [], organisation: 'ONS welzijn', evaluationDate: '2027-01-15' }
  return c
}

describe('Evaluatie gehouden op', () => {
  it('is a date beside the evaluation date: written, saved, synced and shown again; emptied, it is gone', async () => {
    const first = mountPart(CaseConsultation, withPlan())
    const input = field(first.wrapper, 'Evaluatie gehouden op')
    expect(input.attributes('type')).toBe('date')
    expect(input.element.closest('.filters__grid')).toBe(field(first.wrapper, 'Evaluatie op').element.closest('.filters__grid'))
    expect(first.wrapper.text()).toContain('Laat leeg zolang de evaluatie nog niet was.')
    await input.setValue('2027-01-12')
    expect(first.record().consultation!.evaluationHeldOn).toBe('2027-01-12')
    const synced = await first.savedAndSynced()
    expect(synced.consultation).toMatchObject({ evaluationDate: '2027-01-15', evaluationHeldOn: '2027-01-12' })
    wrapper!.unmount()

    const again = mountPart(CaseConsultation, synced)
    expect((field(again.wrapper, 'Evaluatie gehouden op').element as HTMLInputElement).value).toBe('2027-01-12')
    await field(again.wrapper, 'Evaluatie gehouden op').setValue('')
    expect('evaluationHeldOn' in again.record().consultation!).toBe(false)
    expect((await again.savedAndSynced()).consultation!.evaluationHeldOn).toBeUndefined()
  })

  it('passes axe, and speaks English', async () => {
    const c = withPlan()
    c.consultation!.evaluationHeldOn = '2027-01-12'
    mountPart(CaseConsultation, c)
    expect(await axeViolations(wrapper!)).toEqual([])
    wrapper!.unmount()
    const { wrapper: w } = mountPart(CaseConsultation, c, 'en')
    expect((field(w, 'Evaluation held on').element as HTMLInputElement).value).toBe('2027-01-12')
  })
})

describe('support before and after in categories', () => {
  const BEFORE = 'Welke hulp had de inwoner bij de start?'
  const AFTER = 'Welke hulp heeft de inwoner nu?'

  it('offers every category as a box beside the free-text lines, with the hint that only the boxes are counted', () => {
    const { wrapper } = mountPart(CaseProgress, newCase(CASE_ID, 'wor', new Date('2026-11-01T10:00:00Z')))
    const labels = ['Huisarts', 'GGZ', 'Wijkverpleging', 'Wmo-voorziening', 'Schuldhulp', 'Werk en inkomen', 'Dagbesteding', 'Vrijwilligers', 'Mantelzorg', 'Eigen netwerk', 'Iets anders', 'Geen ondersteuning']
    for (const legend of [BEFORE, AFTER]) {
      for (const l of labels) expect(box(wrapper, legend, l).attributes('type')).toBe('checkbox')
      expect(checked(wrapper, legend)).toEqual([])
    }
    expect(field(wrapper, 'Hulp en ondersteuning in gebruik bij de start').element.tagName).toBe('TEXTAREA')
    expect(field(wrapper, 'Hulp en ondersteuning in gebruik nu').element.tagName).toBe('TEXTAREA')
    expect(wrapper.text()).toContain('De vakjes tellen mee in de cijfers voor de regio, zonder naam. Wat je zelf in de tekstvakken schrijft, blijft in de casus en gaat niet naar de regio.')
  })

  it('ticks and unticks: saved, synced and shown again, the free text kept beside them', async () => {
    const first = mountPart(CaseProgress, newCase(CASE_ID, 'wor', new Date('2026-11-01T10:00:00Z')))
    await field(first.wrapper, 'Hulp en ondersteuning in gebruik bij de start').setValue('Huisarts elke week\nBuurvrouw doet boodschappen')
    await box(first.wrapper, BEFORE, 'Huisarts').setValue(true)
    await box(first.wrapper, BEFORE, 'Eigen netwerk').setValue(true)
    await box(first.wrapper, BEFORE, 'GGZ').setValue(true)
    await box(first.wrapper, BEFORE, 'GGZ').setValue(false)
    await box(first.wrapper, AFTER, 'Vrijwilligers').setValue(true)
    expect(first.record().support).toEqual({
      before: ['Huisarts elke week', 'Buurvrouw doet boodschappen'],
      after: [],
      beforeCategories: ['huisarts', 'eigen-netwerk'],
      afterCategories: ['vrijwilligers'],
    })
    const synced = await first.savedAndSynced()
    expect(synced.support).toEqual(first.record().support)
    wrapper!.unmount()

    const again = mountPart(CaseProgress, synced)
    expect(checked(again.wrapper, BEFORE)).toEqual(['Huisarts', 'Eigen netwerk'])
    expect(checked(again.wrapper, AFTER)).toEqual(['Vrijwilligers'])
    expect((field(again.wrapper, 'Hulp en ondersteuning in gebruik bij de start').element as HTMLTextAreaElement).value).toBe('Huisarts elke week\nBuurvrouw doet boodschappen')
  })

  it('lets "Geen ondersteuning" and a kind of support exclude each other', async () => {
    const { wrapper, record } = mountPart(CaseProgress, newCase(CASE_ID, 'samenwerkwijze', new Date('2026-11-01T10:00:00Z')))
    await box(wrapper, AFTER, 'Schuldhulp').setValue(true)
    await box(wrapper, AFTER, 'Mantelzorg').setValue(true)
    await box(wrapper, AFTER, 'Geen ondersteuning').setValue(true)
    expect(record().support!.afterCategories).toEqual(['geen'])
    expect(checked(wrapper, AFTER)).toEqual(['Geen ondersteuning'])
    await box(wrapper, AFTER, 'Dagbesteding').setValue(true)
    expect(record().support!.afterCategories).toEqual(['dagbesteding'])
    expect(checked(wrapper, AFTER)).toEqual(['Dagbesteding'])
  })

  it('passes axe with boxes ticked, and speaks English', async () => {
    const c = newCase(CASE_ID, 'wor', new Date('2026-11-01T10:00:00Z'))
    c.support = { before: ['Huisarts'], after: [], beforeCategories: ['huisarts'], afterCategories: ['geen'] }
    mountPart(CaseProgress, c)
    expect(await axeViolations(wrapper!)).toEqual([])
    wrapper!.unmount()
    const { wrapper: w } = mountPart(CaseProgress, c, 'en')
    expect(checked(w, 'Which help did the resident have at the start?')).toEqual(['GP'])
    expect(checked(w, 'Which help does the resident have now?')).toEqual(['No support'])
  })
})

describe('Waarom stopt de begeleiding?', () => {
  const LABEL = 'Waarom stopt de begeleiding?'
  const closing = (pathway: CaseRecord['pathway']) => newCase(CASE_ID, pathway, new Date('2026-11-01T10:00:00Z'))

  it('offers the reasons in plain words for a wor case: chosen, saved, synced and shown again; closing works without it', async () => {
    const first = mountPart(CaseClose, closing('wor'))
    const options = [...(field(first.wrapper, LABEL).element as HTMLSelectElement).options].map((o) => o.text)
    expect(options).toEqual(['—', 'Het doel is bereikt', 'Doorverwezen naar andere hulp', 'De inwoner wil stoppen', 'Geen contact gekregen', 'Verhuisd', 'Overleden', 'Iets anders'])
    expect(first.wrapper.text()).toContain('Kies je niets, dan telt het als ‘onbekend’.')
    // Closing does not wait for a reason.
    await first.wrapper.findAll('button').find((b) => b.text() === 'Casus afsluiten')!.trigger('click')
    expect(first.record()).toMatchObject({ status: 'closed', closedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) })
    expect(first.record().closeCategory).toBeUndefined()
    await field(first.wrapper, LABEL).setValue('doorverwezen')
    expect(first.record().closeCategory).toBe('doorverwezen')
    const synced = await first.savedAndSynced()
    expect(synced).toMatchObject({ status: 'closed', closeCategory: 'doorverwezen' })
    wrapper!.unmount()

    const again = mountPart(CaseClose, synced)
    expect(chosenText(again.wrapper, LABEL)).toBe('Doorverwezen naar andere hulp')
    await field(again.wrapper, LABEL).setValue('')
    expect('closeCategory' in again.record()).toBe(false)
    expect((await again.savedAndSynced()).closeCategory).toBeUndefined()
  })

  it('is asked for the samenwerkwijze too, not for Sociaal Arrangeren or the Verkennend Gesprek (they have their own outflow lists)', () => {
    const labels = (pathway: CaseRecord['pathway']) => {
      const { wrapper: w } = mountPart(CaseClose, closing(pathway))
      const has = w.findAll('label').some((l) => l.text() === LABEL)
      w.unmount()
      wrapper = undefined
      return has
    }
    expect(labels('samenwerkwijze')).toBe(true)
    expect(labels('sa')).toBe(false)
    expect(labels('vg')).toBe(false)
  })

  it('passes axe with a reason chosen, and speaks English', async () => {
    const c = closing('samenwerkwijze')
    c.closeCategory = 'inwoner-stopt'
    mountPart(CaseClose, c)
    expect(chosenText(wrapper!, LABEL)).toBe('De inwoner wil stoppen')
    expect(await axeViolations(wrapper!)).toEqual([])
    wrapper!.unmount()
    const { wrapper: w } = mountPart(CaseClose, c, 'en')
    expect(chosenText(w, 'Why does the support stop?')).toBe('The resident wants to stop')
  })
})
