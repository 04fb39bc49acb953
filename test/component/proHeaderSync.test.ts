/**
 * The header's sync line reads as a sentence with the Dutch stamp (src/app/shell/ProHeader.vue,
 * src/app/ui/dates.ts): "bijgewerkt vandaag om 14:03", "bijgewerkt 30 november om 14:03", never
 * "bijgewerkt op vandaag" or "op 30 november om"; English likewise.
 */
import 'fake-indexeddb/auto'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import ProHeader from '../../src/app/shell/ProHeader.vue'
import { useSessionStore } from '../../src/app/core/useSessionStore'
import { useShellState } from '../../src/app/shell/useShellState'
import type { Me } from '../../src/app/api/auth'
import nl from '../../src/app/i18n/nl.json'
import proNl from '../../src/app/i18n/pro.nl.json'
import en from '../../src/app/i18n/en.json'
import proEn from '../../src/app/i18n/pro.en.json'

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-11-30T15:00:00Z'))
})
afterEach(() => vi.useRealTimers())

function syncLine(locale: 'nl' | 'en', lastSync: string): string {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().me = { name: 'Sam', secondFactor: true, memberships: [] } as unknown as Me
  useShellState().lastSync = lastSync
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => null } }] })
  const i18n = createI18n({ legacy: false, locale, missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl }, en: { ...en, ...proEn } } })
  return mount(ProHeader, { global: { plugins: [pinia, router, i18n] } }).get('[data-testid="sync-state"]').text()
}

describe("the header's last sync", () => {
  it('says today and an earlier day without a doubled "op"/"on"', () => {
    expect(syncLine('nl', '2026-11-30T13:03:00Z')).toBe('Alles verstuurd · bijgewerkt vandaag om 14:03')
    expect(syncLine('nl', '2026-11-28T13:03:00Z')).toBe('Alles verstuurd · bijgewerkt 28 november om 14:03')
    expect(syncLine('en', '2026-11-30T13:03:00Z')).toBe('Everything sent · updated today at 14:03')
    expect(syncLine('en', '2026-11-28T13:03:00Z')).toBe('Everything sent · updated 28 November at 14:03')
  })
})
