import 'fake-indexeddb/auto'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { h } from 'vue'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'
import { describe, expect, it, vi } from 'vitest'
import VaultGate from '../../src/app/ui/VaultGate.vue'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { useCaseVault } from '../../src/app/features/cases/useCaseVault'
import { ARGON2ID_DEFAULTS, type KeyRecord } from '../../src/shared/crypto/envelope'
import nl from '../../src/app/i18n/nl.json'
import proNl from '../../src/app/i18n/pro.nl.json'
import proEn from '../../src/app/i18n/pro.en.json'

const i18n = createI18n({ legacy: false, locale: 'nl', missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl } } })
const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { render: () => null } }] })

describe('the vault gate', () => {
  it('keeps the slot shut and says in Dutch why, when the device has not reached the server for too long', async () => {
    setActivePinia(createPinia())
    // A passphrase vault on this device (the open guard answers before any key is derived).
    const db = new CaseDb()
    const record: KeyRecord = { name: 'data-key', mode: 'passphrase', kdf: { algorithm: 'argon2id', salt: new Uint8Array(16), ...ARGON2ID_DEFAULTS }, wrappedKey: new Uint8Array(40), failedAttempts: 0 }
    await db.keys.put(record)
    db.close()
    const vault = useCaseVault()
    vault.addOpenGuard(async () => ({ ok: false, reason: 'offline', days: 15 }))
    const wrapper = mount(VaultGate, { slots: { default: () => h('p', { 'data-testid': 'inside' }, 'open') }, global: { plugins: [i18n, router] } })
    // IndexedDB answers on later turns of the event loop.
    const field = await vi.waitFor(() => wrapper.get('input[type="password"]'))
    await field.setValue('zomer in de polder 2026')
    await wrapper.get('form').trigger('submit')
    await vi.waitFor(() => wrapper.get('[role="alert"]'))
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('Dit apparaat heeft 15 dagen geen contact gehad met de server. Daarom blijven de gegevens dicht. Maak verbinding met internet en probeer het opnieuw.')
    expect(wrapper.find('[data-testid="inside"]').exists()).toBe(false)
    expect((await new CaseDb().keys.get('data-key'))?.failedAttempts).toBe(0)
  })

  it('shows a busy placeholder of the page while the vault opens, then the form again with its field focused when refused (issue 14)', async () => {
    setActivePinia(createPinia())
    const db = new CaseDb()
    const record: KeyRecord = { name: 'data-key', mode: 'passphrase', kdf: { algorithm: 'argon2id', salt: new Uint8Array(16), ...ARGON2ID_DEFAULTS }, wrappedKey: new Uint8Array(40), failedAttempts: 0 }
    await db.keys.put(record)
    db.close()
    const vault = useCaseVault()
    // The open guard answers when the test says so: the gate is caught while it opens.
    let answer: (r: { ok: false; reason: 'offline'; days: number }) => void = () => undefined
    vault.addOpenGuard(() => new Promise((resolve) => (answer = resolve)))
    const wrapper = mount(VaultGate, { attachTo: document.body, slots: { default: () => h('p', 'open') }, global: { plugins: [i18n, router] } })
    const field = await vi.waitFor(() => wrapper.get('input[type="password"]'))
    await field.setValue('zomer in de polder 2026')
    await wrapper.get('form').trigger('submit')
    const opening = await vi.waitFor(() => wrapper.get('[data-testid="vault-opening"]'))
    expect(opening.attributes('aria-busy')).toBe('true')
    expect(opening.get('[role="status"]').text()).toBe('Kluis wordt geopend …')
    expect(wrapper.find('form').exists()).toBe(false)
    answer({ ok: false, reason: 'offline', days: 15 })
    await vi.waitFor(() => wrapper.get('[role="alert"]'))
    await flushPromises()
    expect(wrapper.find('[data-testid="vault-opening"]').exists()).toBe(false)
    expect(document.activeElement).toBe(wrapper.get('input[type="password"]').element)
    wrapper.unmount()
  })

  it('has every vault text in Dutch and in English', () => {
    expect(Object.keys(proEn.vault).sort()).toEqual(Object.keys(proNl.vault).sort())
    for (const code of ['too-short', 'too-long', 'weak', 'offline', 'wrong', 'wait', 'wiped', 'backupBadSettings']) expect(proNl.vault).toHaveProperty(code)
  })
})
