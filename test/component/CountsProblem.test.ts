import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { describe, expect, it } from 'vitest'
import CountsProblem from '../../src/app/features/cases/CountsProblem.vue'
import { KPI_REFUSALS } from '../../src/shared/kpi/snapshot'
import nl from '../../src/app/i18n/nl.json'
import proNl from '../../src/app/i18n/pro.nl.json'
import proEn from '../../src/app/i18n/pro.en.json'

const i18n = createI18n({ legacy: false, locale: 'nl', missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl } } })
const render = (code: string | null) => mount(CountsProblem, { props: { code }, global: { plugins: [i18n] } })

describe('why counts wait', () => {
  it('says nothing when nothing is wrong', () => {
    expect(render(null).find('[data-testid="counts-problem"]').exists()).toBe(false)
  })

  it('says in Dutch why the server refused, as a status the screen reader reads', () => {
    const moved = render('counter-moved').get('[role="status"]')
    expect(moved.text()).toMatch(/door een ander apparaat verstuurd/)
    expect(render('implausible-counts').text()).toMatch(/hoger dan één medewerker kan halen/)
    expect(render('version-in-future').text()).toMatch(/klok van dit apparaat loopt voor/)
    expect(render('something-new').text()).toMatch(/Ze blijven op dit apparaat/)
  })

  it('has words in Dutch and English for every refusal the phone can keep', () => {
    // A move that is refused shows as adopt-refused; the phone then counts under its own id.
    const shown = [...KPI_REFUSALS.filter((c) => c !== 'counter-unknown' && c !== 'counter-not-yours'), 'adopt-refused', 'other']
    for (const messages of [proNl, proEn]) expect(Object.keys(messages.cases.counts.refused).sort()).toEqual(shown.sort())
  })
})
