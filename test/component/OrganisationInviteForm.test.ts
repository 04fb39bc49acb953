/**
 * Inviting someone who already has that role here (issue 14, silent actions): the form says so
 * beside its button and sends nothing; nothing is left for the person to guess.
 */
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { afterEach, describe, expect, it, vi } from 'vitest'
import OrganisationInviteForm from '../../src/app/features/organisations/OrganisationInviteForm.vue'
import type { Person } from '../../src/app/features/organisations/people'
import nl from '../../src/app/i18n/nl.json'
import proNl from '../../src/app/i18n/pro.nl.json'

const karim: Person = { id: 'u2', name: 'Karim Kaart', email: 'karim@x.example', roles: ['kaartbeheerder'], locked: false, totpEnabled: true, isHome: true }

afterEach(() => vi.unstubAllGlobals())

describe('inviting someone who is already a member', () => {
  it('says beside the button that no invitation is needed, and sends no request', async () => {
    const sent: string[] = []
    // Not a stand-in for the server: any request at all is the failure here.
    vi.stubGlobal('fetch', (url: string) => {
      sent.push(String(url))
      return Promise.reject(new Error('no request expected'))
    })
    const i18n = createI18n({ legacy: false, locale: 'nl', messages: { nl: { ...nl, ...proNl } } })
    const w = mount(OrganisationInviteForm, { props: { orgId: 'o1', isRegion: true, people: [karim] }, global: { plugins: [i18n] } })
    const [name, email] = w.findAll('input')
    await name!.setValue('Karim')
    await email!.setValue('Karim@X.example')
    await w.get('select').setValue('kaartbeheerder')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(w.get('[data-testid="invite-result"]').text()).toBe('Karim Kaart is al lid van deze organisatie als Kaartbeheerder. Je hoeft geen uitnodiging te maken.')
    // The result follows the button, inside the form: where the person looks.
    expect(w.get('form').find('[data-testid="invite-result"]').exists()).toBe(true)
    expect(sent).toEqual([])
  })
})
