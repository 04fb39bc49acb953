/**
 * The two screens of linking a worker's new device (issue 16, docs/case-sync.md "Keys and linking
 * a device"): the new device shows its code (QR and text to copy) and what to do; the existing
 * device takes the pasted code and says in plain words what came of it. Both pass axe.
 */
import { mount } from '@vue/test-utils'
import axe from 'axe-core'
import { createI18n } from 'vue-i18n'
import { describe, expect, it } from 'vitest'
import LinkCodeForm from '../../src/app/features/caseSync/LinkCodeForm.vue'
import LinkCodeView from '../../src/app/features/caseSync/LinkCodeView.vue'
import nl from '../../src/app/i18n/nl.json'
import en from '../../src/app/i18n/en.json'
import proNl from '../../src/app/i18n/pro.nl.json'
import proEn from '../../src/app/i18n/pro.en.json'

const CODE = '0b6a5f0e-6f3b-4b8e-9d57-1c2d3e4f5a6b.123450123401234012340123401234'
const i18n = (locale: 'nl' | 'en' = 'nl') => createI18n({ legacy: false, locale, messages: { nl: { ...nl, ...proNl }, en: { ...en, ...proEn } } })
const mountIn = <C>(component: C, props: Record<string, unknown>, locale: 'nl' | 'en' = 'nl') =>
  mount(component as never, { props: props as never, global: { plugins: [i18n(locale)] }, attachTo: document.body })
async function axeViolations(element: Element): Promise<string[]> {
  const result = await axe.run(element.parentElement!, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } })
  return result.violations.map((v) => v.id)
}

describe('the new device shows its code', () => {
  it('as a QR code and as text to copy, with what to do on the other device, and passes axe', async () => {
    const view = mountIn(LinkCodeView, { code: CODE, state: 'waiting' })
    expect(view.get('[data-testid="link-code"]').text()).toBe(CODE)
    expect(view.get('svg[role="img"]').attributes('aria-label')).toBe('QR-code met de code van dit apparaat')
    expect(view.findAll('ol li').map((li) => li.text())[0]).toBe('Pak je andere apparaat. Open daar Meer en dan ‘Nieuw apparaat koppelen’.')
    expect(view.get('[data-testid="link-status"]').text()).toBe('Dit apparaat wacht op de sleutel van je andere apparaat.')
    expect(await axeViolations(view.element)).toEqual([])
    await view.get('button.utrecht-button--primary-action').trigger('click')
    expect(view.emitted('check')).toHaveLength(1)
    view.unmount()
  })

  it('says when the key came, and that nothing came yet when asked too early, in Dutch and English', async () => {
    const done = mountIn(LinkCodeView, { code: CODE, state: 'done' })
    expect(done.get('[data-testid="link-status"]').text()).toBe('Klaar. Dit apparaat is gekoppeld. Je casussen komen nu ook hier.')
    done.unmount()
    const early = mountIn(LinkCodeView, { code: CODE, state: 'not-yet', refused: true }, 'en')
    expect(early.get('[data-testid="link-status"]').text()).toBe('The key is not here yet. Did you paste the code on your other device and press ‘Link’?')
    expect(early.text()).toContain('not from an approved device of yours')
    early.unmount()
  })
})

describe('the existing device takes the code', () => {
  it('sends the pasted code, and says why a code was refused beside the field', async () => {
    const form = mountIn(LinkCodeForm, { result: null })
    await form.get('[data-testid="link-code-input"]').setValue(`  ${CODE}\n`)
    await form.get('form').trigger('submit')
    expect(form.emitted('submit')).toEqual([[`  ${CODE}\n`]])
    const said = async (reason: string) => {
      await form.setProps({ result: { ok: false, reason } } as never)
      const field = form.get('[data-testid="link-code-input"]')
      expect(field.attributes('aria-invalid')).toBe('true')
      return document.getElementById(field.attributes('aria-describedby')!.split(' ').at(-1)!)!.textContent!.trim()
    }
    expect(await said('wrong-code')).toBe('De code klopt niet. Het nummer past niet bij dat apparaat. Kopieer de code opnieuw. Gaat het weer mis? Vraag je beheerder om hulp.')
    expect(await said('not-own')).toBe('Deze code hoort niet bij een goedgekeurd apparaat van jou.')
    expect(await said('pending')).toBe('Dat apparaat is nog niet goedgekeurd. Vraag een beheerder om het apparaat goed te keuren. Probeer het daarna opnieuw.')
    expect(await axeViolations(form.element)).toEqual([])
    form.unmount()
  })

  it('confirms the linked device by name, and passes axe', async () => {
    const form = mountIn(LinkCodeForm, { result: { ok: true, deviceName: 'Laptop Sanne', keys: 1 } })
    expect(form.get('[data-testid="link-result"]').text()).toBe('Gekoppeld: Laptop Sanne. Dat apparaat kan nu je casussen lezen.')
    expect(form.get('[data-testid="link-code-input"]').attributes('aria-invalid')).toBeUndefined()
    expect(await axeViolations(form.element)).toEqual([])
    form.unmount()
  })
})
