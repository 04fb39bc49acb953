import { mount } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import { describe, expect, it } from 'vitest'
import FormField from '../../src/app/ui/FormField.vue'
import FormFieldset from '../../src/app/ui/FormFieldset.vue'

type Control = Record<string, unknown>

// Two fields as a page writes them: an input with a hint and an error, a select without either.
const TwoFields = defineComponent({
  props: { error: { type: String, default: '' } },
  setup(props) {
    const name = ref('')
    return () => [
      h(FormField, { label: 'Naam', hint: 'Zoals op de pas', error: props.error }, { default: ({ control }: { control: Control }) => h('input', { ...control, value: name.value }) }),
      h(FormField, { label: 'Gemeente' }, { default: ({ control }: { control: Control }) => h('select', control, [h('option', 'Oss')]) }),
    ]
  },
})

const describedIds = (el: Element) => (el.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean)

describe('a form field', () => {
  it('ties each label to its own control, with ids that differ between two fields', () => {
    const wrapper = mount(TwoFields)
    const labels = wrapper.findAll('label')
    const input = wrapper.get('input').element
    const select = wrapper.get('select').element
    expect(input.id).not.toBe('')
    expect(input.id).not.toBe(select.id)
    expect(labels[0]!.attributes('for')).toBe(input.id)
    expect(labels[1]!.attributes('for')).toBe(select.id)
  })

  it('points the control at its hint, and at its error while there is one', async () => {
    const wrapper = mount(TwoFields)
    const input = wrapper.get('input').element
    const hint = wrapper.get('.utrecht-form-field-description')
    expect(hint.text()).toBe('Zoals op de pas')
    expect(describedIds(input)).toEqual([hint.attributes('id')])
    expect(input.hasAttribute('aria-invalid')).toBe(false)
    expect(wrapper.find('.utrecht-form-field-error-message').exists()).toBe(false)

    await wrapper.setProps({ error: 'Vul je naam in.' })
    const error = wrapper.get('.utrecht-form-field-error-message')
    expect(error.text()).toBe('Vul je naam in.')
    expect(describedIds(input)).toEqual([hint.attributes('id'), error.attributes('id')])
    expect(input.getAttribute('aria-invalid')).toBe('true')
    // The other field has neither: nothing to point at, nothing invalid.
    expect(wrapper.get('select').attributes('aria-describedby')).toBeUndefined()
    expect(wrapper.get('select').attributes('aria-invalid')).toBeUndefined()

    await wrapper.setProps({ error: '' })
    expect(describedIds(input)).toEqual([hint.attributes('id')])
    expect(input.hasAttribute('aria-invalid')).toBe(false)
  })

  it('keeps an id a page passes in, and names texts elsewhere on the page too', () => {
    const wrapper = mount(FormField, {
      props: { label: 'Code uit je app', id: 'si-code', describedBy: 'si-intro', error: 'Deze code klopt niet.' },
      slots: { default: ({ control }: { control: Control }) => h('input', control) },
    })
    expect(wrapper.get('input').attributes('id')).toBe('si-code')
    expect(wrapper.get('label').attributes('for')).toBe('si-code')
    expect(describedIds(wrapper.get('input').element)).toEqual(['si-intro', 'si-code-error'])
    expect(wrapper.get('#si-code-error').classes()).toContain('utrecht-form-field-error-message')
  })

  it('puts a checkbox before its label, and marks required fields only where the form asks', () => {
    const check = mount(FormField, { props: { label: 'Toestemming', check: true }, slots: { default: ({ control }: { control: Control }) => h('input', { ...control, type: 'checkbox' }) } })
    expect(check.classes()).toContain('field--check')
    expect(check.element.firstElementChild!.tagName).toBe('INPUT')
    expect(check.get('label').attributes('for')).toBe(check.get('input').attributes('id'))
    expect(check.find('.field__required').exists()).toBe(false)
    const required = mount(FormField, { props: { label: 'Naam', required: true }, slots: { default: ({ control }: { control: Control }) => h('input', control) } })
    expect(required.get('.field__required').attributes('aria-hidden')).toBe('true')
  })
})

describe('a group of fields', () => {
  it('has a legend and names its hint and error on the fieldset', async () => {
    const wrapper = mount(FormFieldset, { props: { legend: 'Urgentie', hint: 'Kies er één.' }, slots: { default: () => h('input', { type: 'radio' }) } })
    expect(wrapper.get('legend').text()).toBe('Urgentie')
    expect(describedIds(wrapper.element)).toEqual([wrapper.get('.utrecht-form-field-description').attributes('id')])
    await wrapper.setProps({ error: 'Kies een urgentie.' })
    expect(describedIds(wrapper.element)).toEqual([wrapper.get('.utrecht-form-field-description').attributes('id'), wrapper.get('.utrecht-form-field-error-message').attributes('id')])
  })
})
