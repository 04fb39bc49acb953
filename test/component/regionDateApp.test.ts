import { nextTick } from 'vue'
/**
 * The region's date in the app (issue 12): every day the app stores or shows comes from
 * src/app/core/clock.ts. 2026-03-14T23:30Z is 2026-03-15 00:30 in Oss; UTC still says the 14th.
 * Only Date is faked: IndexedDB and Vue need their real timers.
 */
import 'fake-indexeddb/auto'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { now, today } from '../../src/app/core/clock'
import { isoToday } from '../../src/app/features/cases/useCaseDraft'
import { touchedPeriods } from '../../src/app/features/cases/caseStore'
import { useCaseVault } from '../../src/app/features/cases/useCaseVault'
import CaseDeviceTools from '../../src/app/features/cases/CaseDeviceTools.vue'
import SocialMapFilters from '../../src/app/features/socialMap/SocialMapFilters.vue'
import type { PrfAuthenticator } from '../../src/app/core/vault/prf'
import { newCase } from '../../src/shared/cases/v2'
import { softwarePrf } from '../unit/softwarePrf'
import nl from '../../src/app/i18n/nl.json'
import { i18n as appI18n } from '../../src/app/i18n'
import proNl from '../../src/app/i18n/pro.nl.json'

const i18n = createI18n({ legacy: false, locale: 'nl', missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl } } })
const at = (iso: string) => vi.setSystemTime(new Date(iso))

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  at('2026-03-14T23:30:00Z')
})
afterEach(() => vi.useRealTimers())

describe("the app's clock at 00:30 in Oss", () => {
  it('says today is the 15th, and the instant is the real one', () => {
    expect(today()).toBe('2026-03-15')
    expect(now().toISOString()).toBe('2026-03-14T23:30:00.000Z')
  })

  it('shows dates and times as on the wall in Oss, also when the device is set to another time zone (i18n)', () => {
    expect(appI18n.global.d(now(), 'date')).toBe('15 maart 2026')
    expect(appI18n.global.d(now(), 'stamp')).toBe('15 maart om 00:30')
  })

  it('closes a case and records progress on the 15th (useCaseDraft)', () => {
    expect(isoToday()).toBe('2026-03-15')
  })

  it('on New Year at 00:30, a changed case also re-counts the new half-year (caseStore)', () => {
    at('2025-12-31T23:30:00Z')
    const c = { pathway: 'wor', referredAt: '2025-12-01' } as const
    expect([...touchedPeriods(undefined, c)].sort()).toEqual(['2025-H2', '2026-H1'])
  })

  it("filters the social map on the 15th when someone picks 'op een dag' (SocialMapFilters)", async () => {
    const wrapper = mount(SocialMapFilters, { props: { filters: {} }, global: { plugins: [i18n] } })
    await nextTick() // opened once mounted, on a wide screen
    await wrapper.get('#f-open').setValue('dag')
    expect(wrapper.emitted('change')?.at(-1)).toEqual([{ open: '2026-03-15' }])
  })

  it('names the backup file after the 15th (CaseDeviceTools)', async () => {
    setActivePinia(createPinia())
    const vault = useCaseVault()
    vault.backup = async () => '{}'
    const names: string[] = []
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download)
    })
    const wrapper = mount(CaseDeviceTools, { global: { plugins: [i18n] } })
    await wrapper.get('#bk-pass').setValue('wandelcafé bij de Maas op dinsdag om tien')
    await (wrapper.get('#bk-pass').element as HTMLInputElement).form!.dispatchEvent(new Event('submit'))
    await vi.waitFor(() => expect(names).toEqual(['casussen-2026-03-15.swz-backup']), { timeout: 3_000 })
    click.mockRestore()
  })

  it('deletes a case whose retention ended on the 14th when the vault opens at 00:30 (useCaseVault)', async () => {
    setActivePinia(createPinia())
    const vault = useCaseVault()
    // The platform authenticator of this phone: software, so no passphrase is derived (cheap).
    const prf = softwarePrf()
    ;(vault.vault as unknown as { authenticator: PrfAuthenticator }).authenticator = prf
    await vault.setUp({ mode: 'prf' })
    const closed = { ...newCase('6d0c1f7e-2b3a-4c5d-8e9f-0a1b2c3d4e5f', 'wor', new Date('2025-03-01T10:00:00Z')), status: 'closed' as const, closedAt: '2025-03-14' }
    await vault.store.save(closed)
    await vault.lock()
    expect((await vault.store.index()).map((c) => c.id)).toEqual([closed.id])
    expect((await vault.unlock()).ok).toBe(true)
    await flushPromises()
    expect(await vault.store.index()).toEqual([])
    // Opening started a count sync in the background: let it end before the test's environment does.
    await vault.settled()
  })
})
