/**
 * What a case says about its method version when opened (src/app/features/method/MethodVersionNotice.vue,
 * caseOnOpen.ts): moved on (with what changed, per version), stayed because a version is missing,
 * or follows a version this phone lacks; in Dutch and English.
 */
import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { describe, expect, it } from 'vitest'
import { caseOnOpen, type OpenedCase } from '../../src/app/features/method/caseOnOpen'
import MethodVersionNotice from '../../src/app/features/method/MethodVersionNotice.vue'
import { newCase } from '../../src/shared/cases/v2'
import { BUNDLED_METHOD } from '../../src/shared/method/sigMethod'
import proEn from '../../src/app/i18n/pro.en.json'
import proNl from '../../src/app/i18n/pro.nl.json'
import { version2, version3 } from '../unit/methodSyncFixtures'

const open = () => newCase('9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d', 'wor', new Date('2026-11-02T09:00:00Z'))

function notice(opened: OpenedCase, locale: 'nl' | 'en', hasOwnVersion = true, newer?: number) {
  const i18n = createI18n({ legacy: false, locale, missingWarn: false, fallbackWarn: false, messages: { nl: proNl, en: proEn } })
  return mount(MethodVersionNotice, { props: { opened, hasOwnVersion, newer }, global: { plugins: [i18n] } })
}
const text = (...args: Parameters<typeof notice>) =>
  notice(...args)
    .findAll('p, li')
    .map((e) => e.text().replace(/\s+/g, ' '))
    .join(' ')

describe('the notice on a case about its method version', () => {
  it('says which version the case follows now and what changed', () => {
    const moved = caseOnOpen(open(), [BUNDLED_METHOD, version2()])
    expect(text(moved, 'nl')).toBe('Deze casus volgt nu versie 2 van de werkwijze: De bredere check vraagt nu: moet eerst iets anders? Alles wat je eerder invulde, is bewaard.')
    expect(text(moved, 'en')).toBe('This case now follows version 2 of the method: The broader check now asks: must something else come first? Everything you filled in before is kept.')
  })

  it('lists each version on the way when more than one', () => {
    const moved = caseOnOpen(open(), [BUNDLED_METHOD, version2(), version3()])
    expect(text(moved, 'nl')).toBe(
      'Deze casus volgt nu versie 3 van de werkwijze. Dit is er veranderd: Versie 2: De bredere check vraagt nu: moet eerst iets anders? Versie 3: Nieuwe uitleg bij Welzijn op Recept. Alles wat je eerder invulde, is bewaard.',
    )
  })

  it('says the phone still lacks a version, or the version the case follows', () => {
    expect(text(caseOnOpen(open(), [BUNDLED_METHOD, version3()]), 'nl')).toMatch(/^Deze telefoon mist nog versie 2 van de werkwijze\. Daarom blijft de casus bij versie 1\./)
    const ahead = { ...open(), method: { ...open().method, version: 4 } }
    expect(text(caseOnOpen(ahead, [BUNDLED_METHOD]), 'en', false)).toMatch(/^This case follows version 4 of the method\. This phone does not have that version yet\./)
    expect(text(caseOnOpen(open(), [BUNDLED_METHOD]), 'nl')).toBe('')
  })

  it('offers to move an open case on when a newer version arrives while it is open', async () => {
    const w = notice(caseOnOpen(open(), [BUNDLED_METHOD, version3()]), 'nl', true, 3)
    expect(w.find('p').text()).toBe('Er is een nieuwe versie van de werkwijze: versie 3. Wat je invulde, blijft bewaard.')
    await w.get('button').trigger('click')
    expect(w.emitted('moveOn')).toHaveLength(1)
    expect(w.get('button').text()).toBe('Casus bijwerken naar versie 3')
  })
})
