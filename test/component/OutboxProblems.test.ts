/**
 * The refused-items notice (src/app/sync/OutboxProblems.vue): every refused item with its reason in
 * Dutch (and English), sent again or thrown away only by the person, the latter asked twice.
 */
import { mount } from '@vue/test-utils'
import axe from 'axe-core'
import { createI18n } from 'vue-i18n'
import { describe, expect, it } from 'vitest'
import OutboxProblems from '../../src/app/sync/OutboxProblems.vue'
import type { OutboxProblem } from '../../src/app/sync/outbox'
import nl from '../../src/app/i18n/nl.json'
import en from '../../src/app/i18n/en.json'

const stamp = { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' } as const
const i18n = (locale: 'nl' | 'en') => createI18n({ legacy: false, locale, messages: { nl, en }, datetimeFormats: { nl: { stamp }, en: { stamp } } })
const refused: OutboxProblem[] = [
  { id: 'r1', kind: 'report', createdAt: '2026-11-30T09:15:00.000Z', problem: { status: 404, code: 'not-found' }, held: true },
  { id: 'r2', kind: 'report', createdAt: '2026-11-30T09:20:00.000Z', problem: { status: 418, code: 'teapot' }, held: true },
]
const render = (items: OutboxProblem[], locale: 'nl' | 'en' = 'nl') => mount(OutboxProblems, { props: { items, kind: 'report' }, global: { plugins: [i18n(locale)] }, attachTo: document.body })

describe('reports the server refused', () => {
  it('shows nothing when nothing was refused', () => {
    expect(render([]).find('[data-testid="outbox-problems"]').exists()).toBe(false)
  })

  it('names each refused report with its reason, in Dutch and in English', () => {
    const nlView = render(refused)
    expect(nlView.get('h2').text()).toBe('2 meldingen zijn niet verstuurd')
    expect(nlView.text()).toContain('Dit aanbod staat niet meer op de kaart.')
    expect(nlView.text()).toContain('De server nam het niet aan (reden: teapot).')
    const enView = render(refused, 'en')
    expect(enView.get('h2').text()).toBe('2 reports were not sent')
    expect(enView.text()).toContain('This service is no longer on the map.')
    nlView.unmount()
    enView.unmount()
  })

  it('sends again when asked, and throws away only after a second yes', async () => {
    const view = render(refused)
    const first = view.findAll('li')[0]!
    await first.get('button').trigger('click')
    expect(view.emitted('retry')).toEqual([['r1']])
    expect(view.get('[role="status"]').text()).toBe('We proberen het opnieuw.')
    await first.findAll('button')[1]!.trigger('click')
    expect(view.emitted('discard')).toBeUndefined()
    expect(first.text()).toContain('Weet je het zeker?')
    await first.findAll('button').find((b) => b.text() === 'Ja, weggooien')!.trigger('click')
    expect(view.emitted('discard')).toEqual([['r1']])
    expect(view.get('[role="status"]').text()).toBe('Weggegooid.')
    view.unmount()
  })

  it('ties every button to the report it acts on, and passes axe', async () => {
    const view = render(refused)
    for (const button of view.findAll('button')) expect(document.getElementById(button.attributes('aria-describedby')!)).not.toBeNull()
    const result = await axe.run(view.element.parentElement!, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } })
    expect(result.violations.map((v) => v.id)).toEqual([])
    view.unmount()
  })
})
