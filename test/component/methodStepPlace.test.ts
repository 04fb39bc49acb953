/**
 * The method editor's step place (MethodStepPlace.vue, docs/method.md "The method editor"): add,
 * move and remove a pathway's steps; removing says which part must move first, asks where the
 * step's fields go, and leaves the samenwerkoverleg alone.
 */
import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { defineComponent, h } from 'vue'
import { describe, expect, it } from 'vitest'
import MethodProblemList from '../../src/app/features/methodEditor/MethodProblemList.vue'
import MethodStepPlace from '../../src/app/features/methodEditor/MethodStepPlace.vue'
import { draftProblems } from '../../src/app/features/methodEditor/methodProblems'
import { provideMethodDraft, type MethodDraft } from '../../src/app/features/methodEditor/useMethodDraft'
import type { StepRef } from '../../src/app/features/methodEditor/methodEdits'
import { BUNDLED_METHOD } from '../../src/shared/method/sigMethod'
import nl from '../../src/app/i18n/nl.json'
import proNl from '../../src/app/i18n/pro.nl.json'

function mountPlace(at: StepRef) {
  let store: MethodDraft | undefined
  const shown: [number, boolean][] = []
  const Host = defineComponent({
    setup() {
      store = provideMethodDraft(BUNDLED_METHOD)
      const problems = () => draftProblems(store!.prev.value, store!.draft.value).filter((p) => p.path.includes('blocks'))
      return () => [h(MethodStepPlace, { at, onShow: (i: number, focus: boolean) => void shown.push([i, focus]) }), problems().length ? h(MethodProblemList, { problems: problems() }) : null]
    },
  })
  const i18n = createI18n({ legacy: false, locale: 'nl', missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl } } })
  const wrapper = mount(Host, { global: { plugins: [i18n] } })
  return { wrapper, store: store!, shown }
}
const button = (w: ReturnType<typeof mount>, name: string) => w.findAll('button').find((b) => b.text() === name)!
const ids = (store: MethodDraft) => store.draft.value.pathways.wor.steps.map((s) => s.id)

describe('a step’s place in the method editor', () => {
  it('adds an empty step after this one and shows it; moves this one down', async () => {
    const { wrapper, store, shown } = mountPlace({ pathway: 'wor', step: 1 })
    expect(wrapper.text()).toContain('Dit is stap 2 van 7.')
    await button(wrapper, 'Nieuwe stap na deze stap').trigger('click')
    expect(ids(store)[2]).toMatch(/^wor-stap-[a-z0-9]{4}$/)
    expect(shown).toEqual([[2, true]])
    // Before publishing, the new step still needs a part: said with where, the step named though untitled.
    expect(wrapper.get('[data-testid="method-problems"] li').text().replace(/\s+/g, ' ')).toBe('Welzijn op Recept, stap 3 (nieuwe stap), Onderdelen en velden: Te weinig: minstens 1.')
    await button(wrapper, 'Stap omlaag').trigger('click')
    expect(ids(store)[1]).toMatch(/^wor-stap-/)
    expect(ids(store)[2]).toBe('wor-contact')
    expect(shown.at(-1)).toEqual([2, false])
  })

  it('says which part must move first and removes nothing', async () => {
    const { wrapper, store } = mountPlace({ pathway: 'wor', step: 2 })
    await button(wrapper, 'Stap weghalen').trigger('click')
    expect(wrapper.get('[role="alert"]').text()).toContain('Deze stap heeft ‘Datum intake’.')
    expect(wrapper.findAll('button').some((b) => b.text() === 'Ja, stap weghalen')).toBe(false)
    expect(ids(store)).toContain('wor-intake')
  })

  it('removes a step after the choice for its fields: moved to the step chosen, its essential retired', async () => {
    const { wrapper, store, shown } = mountPlace({ pathway: 'wor', step: 3 })
    await button(wrapper, 'Stap weghalen').trigger('click')
    expect(wrapper.find('legend').text()).toBe('Wat gebeurt er met het veld van deze stap?')
    expect(wrapper.text()).toContain('Punten van deze stap die telefoons al kennen, vervallen.')
    await wrapper.get('select').setValue('4')
    await button(wrapper, 'Ja, stap weghalen').trigger('click')
    expect(ids(store)).not.toContain('wor-bredere-check')
    expect(store.draft.value.pathways.wor.steps[3]!.blocks.at(-1)).toMatchObject({ field: { id: 'wor-other-route' } })
    expect(store.draft.value.migrations).toEqual([{ op: 'retireEssential', essential: 'wor-other-route-checked' }])
    expect(shown).toEqual([[3, true]])
  })

  it('drops the fields when that is chosen', async () => {
    const { wrapper, store } = mountPlace({ pathway: 'wor', step: 3 })
    await button(wrapper, 'Stap weghalen').trigger('click')
    await wrapper.findAll('input[type="radio"]')[1]!.setValue(true)
    await button(wrapper, 'Ja, stap weghalen').trigger('click')
    expect(JSON.stringify(store.draft.value.pathways)).not.toContain('wor-other-route')
  })

  it('leaves the samenwerkoverleg in every pathway', () => {
    const { wrapper } = mountPlace({ pathway: 'consultation' })
    expect(wrapper.text()).toContain('Het samenwerkoverleg hoort bij elke route.')
    expect(wrapper.findAll('button')).toHaveLength(0)
  })
})
