/**
 * Calendar dates on the referral and case screens are written the Dutch way and never shift a day
 * (issue 14, src/app/ui/dates.ts): a YYYY-MM-DD is not a moment. The process runs in Kiritimati
 * (UTC+14), where noon on the 14th is still the 13th in Oss, and a referral's first-contact date
 * reads "14 december 2026", not "2026-12-14".
 */
import 'fake-indexeddb/auto'
import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, h } from 'vue'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import ReferralFacts from '../../src/app/features/referrals/ReferralFacts.vue'
import ReferralDue from '../../src/app/features/referrals/ReferralDue.vue'
import CaseClose from '../../src/app/features/cases/CaseClose.vue'
import { useCaseDraft } from '../../src/app/features/cases/useCaseDraft'
import { i18n as appI18n } from '../../src/app/i18n'
import type { ReferralContent } from '../../src/shared/referrals/referral'
import { newCase } from '../../src/shared/cases/v2'
import nl from '../../src/app/i18n/nl.json'
import proNl from '../../src/app/i18n/pro.nl.json'
import en from '../../src/app/i18n/en.json'
import proEn from '../../src/app/i18n/pro.en.json'

const zone = process.env.TZ
beforeEach(() => {
  process.env.TZ = 'Pacific/Kiritimati'
})
afterEach(() => {
  process.env.TZ = zone
})

// The app's own date formats (src/app/i18n/index.ts), with the professionals' texts.
const i18nFor = (locale: 'nl' | 'en') =>
  createI18n({
    legacy: false,
    locale,
    missingWarn: false,
    fallbackWarn: false,
    messages: { nl: { ...nl, ...proNl }, en: { ...en, ...proEn } },
    datetimeFormats: { nl: appI18n.global.getDateTimeFormat('nl'), en: appI18n.global.getDateTimeFormat('en') },
  })

const content = {
  patient: { name: 'Anna de Vries', birthYear: 1950, municipality: 'Oss' },
  referrer: { name: 'Dr. Jansen' },
  reasons: [],
  domains: [],
  urgency: 'gewoon',
  consent: { given: true, date: '2026-12-14' },
} as unknown as ReferralContent

describe('calendar dates on the referral screens', () => {
  it("writes the consent date as '14 december 2026', not the day before (ReferralFacts)", () => {
    const wrapper = mount(ReferralFacts, { props: { content }, global: { plugins: [i18nFor('nl')] } })
    expect(wrapper.text()).toContain('Toestemming gegeven op 14 december 2026')
  })

  it("writes the first contact's date in words, in Dutch and in English (ReferralDue: inbox and sent referrals)", () => {
    const due = { overdue: false, firstContactDue: '2026-12-14', firstContactAt: null }
    expect(mount(ReferralDue, { props: { referral: due }, global: { plugins: [i18nFor('nl')] } }).text()).toBe('Eerste contact uiterlijk 14 december 2026')
    expect(mount(ReferralDue, { props: { referral: due }, global: { plugins: [i18nFor('en')] } }).text()).toBe('First contact by 14 December 2026')
    const late = mount(ReferralDue, { props: { referral: { ...due, overdue: true } }, global: { plugins: [i18nFor('nl')] } })
    expect(late.text()).toBe('Eerste contact te laat: dat had uiterlijk 14 december 2026 moeten zijn.')
    expect(late.find('.utrecht-alert--warning').exists()).toBe(true)
    expect(mount(ReferralDue, { props: { referral: { ...due, firstContactAt: '2026-12-10T09:00:00Z' } }, global: { plugins: [i18nFor('nl')] } }).text()).toBe('')
  })
})

describe('the closing date of a case', () => {
  it("reads 'Afgesloten op 14 december 2026.' (CaseClose)", () => {
    const record = { ...newCase('9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d', 'wor', new Date()), status: 'closed' as const, closedAt: '2026-12-14' }
    const Host = defineComponent({
      setup() {
        useCaseDraft(record)
        return () => h(CaseClose)
      },
    })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: Host }] })
    const wrapper = mount(Host, { global: { plugins: [createPinia(), router, i18nFor('nl')] } })
    expect(wrapper.text()).toContain('Afgesloten op 14 december 2026.')
  })
})
