/**
 * A step of the guided case editor (StepGuide.vue, docs/method.md): its essentials say their state
 * in words, "Gedaan" only where the worker ticks, and a skip without a reason is refused with a
 * Dutch message and nothing stored.
 */
import 'fake-indexeddb/auto'
import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, h, nextTick } from 'vue'
import { describe, expect, it } from 'vitest'
import StepGuide from '../../src/app/features/cases/StepGuide.vue'
import { useCaseDraft, type CaseDraft } from '../../src/app/features/cases/useCaseDraft'
import { i18n as appI18n } from '../../src/app/i18n'
import { newCase } from '../../src/shared/cases/v2'
import { BUNDLED_METHOD } from '../../src/shared/method/sigMethod'
import nl from '../../src/app/i18n/nl.json'
import proNl from '../../src/app/i18n/pro.nl.json'

const i18n = () =>
  createI18n({ legacy: false, locale: 'nl', missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl } }, datetimeFormats: { nl: appI18n.global.getDateTimeFormat('nl') } })

function mountStep(pathway: 'vg' | 'wor', stepId: string, preview = false, locked = false) {
  const step = BUNDLED_METHOD.pathways[pathway].steps.find((s) => s.id === stepId)!
  let draft: CaseDraft | undefined
  const Host = defineComponent({
    setup() {
      if (!preview) draft = useCaseDraft(newCase('9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d', pathway, new Date()))
      return () => h(StepGuide, { step, preview, locked })
    },
  })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: Host }] })
  const wrapper = mount(Host, { global: { plugins: [createPinia(), router, i18n()] } })
  return { wrapper, draft: () => draft! }
}
const button = (w: ReturnType<typeof mount>, name: string) => w.findAll('button').find((b) => b.find('.visually-hidden').exists() && b.find('.visually-hidden').text() === name)

describe('a step of the guided editor', () => {
  it('while the case\'s own method version is missing: the case\'s parts work, its method fields and essentials are only shown (review)', () => {
    const { wrapper, draft } = mountStep('wor', 'wor-contact', false, true)
    expect(wrapper.find('input[type="date"]').exists(), 'the first-contact date (a fixed field) can be entered').toBe(true)
    expect(button(wrapper, 'Overslaan: De datum van het eerste contact staat erin.')).toBeUndefined()
    expect(wrapper.find('select').element.closest('fieldset')?.disabled, 'the method field is shown, not offered for writing').toBe(true)
    expect(draft().record.method).toMatchObject({ answers: {}, essentials: {} })
  })

  it('shows purpose and prompts, and offers Gedaan only for an essential the worker ticks', () => {
    const { wrapper } = mountStep('vg', 'vg-gesprek')
    expect(wrapper.text()).toContain('Samen verkennen wat er speelt en wat de inwoner zelf wil.')
    expect(wrapper.text()).toContain('Hoe gaat het nu met je, thuis en daarbuiten?')
    expect(button(wrapper, 'Gedaan: Je legde uit dat het gesprek geen diagnose is.')).toBeDefined()
    expect(button(wrapper, 'Gedaan: De datum van het gesprek staat erin.')).toBeUndefined()
    expect(button(wrapper, 'Overslaan: De datum van het gesprek staat erin.')).toBeDefined()
    expect(wrapper.find('[data-essential="vg-held"]').text()).toMatch(/^Nog open:/)
  })

  it('refuses a skip without a reason, and stores one with it', async () => {
    const { wrapper, draft } = mountStep('wor', 'wor-activiteit')
    await button(wrapper, 'Overslaan: Er is minstens één activiteit gekozen.')!.trigger('click')
    await wrapper.find('.essential__skip').trigger('submit')
    expect(wrapper.text()).toContain('Schrijf op waarom je dit overslaat. Zonder reden kun je niet overslaan.')
    expect(draft().record.method.essentials).toEqual({})
    await wrapper.find('.essential__skip textarea').setValue('Wil eerst zelf rondkijken')
    await wrapper.find('.essential__skip').trigger('submit')
    expect(draft().record.method.essentials['wor-activity-matched']).toMatchObject({ state: 'skipped', reason: 'Wil eerst zelf rondkijken' })
    await nextTick()
    expect(wrapper.find('[data-essential="wor-activity-matched"]').text()).toMatch(/^Overgeslagen:.*Reden: Wil eerst zelf rondkijken/)
    await button(wrapper, 'Ongedaan maken: Er is minstens één activiteit gekozen.')!.trigger('click')
    expect(draft().record.method.essentials).toEqual({})
  })

  it('a yes/no field stores true, false or nothing', async () => {
    const { wrapper, draft } = mountStep('wor', 'wor-activiteit')
    const radios = wrapper.findAll('fieldset.yes-no input[type="radio"]')
    await radios[0]!.trigger('change')
    expect(draft().record.method.answers['wor-coach-offered']).toBe(true)
    await radios[2]!.trigger('change')
    expect('wor-coach-offered' in draft().record.method.answers).toBe(false)
  })

  it('in a preview names the app’s parts and lists the essentials, with no case', () => {
    const { wrapper } = mountStep('wor', 'wor-activiteit', true)
    expect(wrapper.text()).toContain('Hier staat in de casus: activiteiten van de sociale kaart')
    expect(wrapper.text()).toContain('Er is minstens één activiteit gekozen.')
    expect(wrapper.findAll('button')).toHaveLength(0)
  })
})
