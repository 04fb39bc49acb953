import { beforeEach, describe, expect, it } from 'vitest'
import { readCaseSettings, writeCaseSettings } from '../../src/app/features/cases/caseSettings'

const store = new Map<string, string>()
beforeEach(() => {
  store.clear()
  globalThis.localStorage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) } as Storage
})

describe('the device settings for case work', () => {
  it('gives 5 minutes and 12 months when nothing is set', () => {
    expect(readCaseSettings()).toEqual({ autoLockMinutes: 5, retentionMonths: 12 })
  })
  it('keeps a valid choice and falls back for a tampered or broken value', () => {
    writeCaseSettings({ autoLockMinutes: 2, retentionMonths: 24 })
    expect(readCaseSettings()).toEqual({ autoLockMinutes: 2, retentionMonths: 24 })
    store.set('samenwerkwijze.caseSettings', JSON.stringify({ autoLockMinutes: 9999, retentionMonths: 'x' }))
    expect(readCaseSettings()).toEqual({ autoLockMinutes: 5, retentionMonths: 12 })
    store.set('samenwerkwijze.caseSettings', '{broken')
    expect(readCaseSettings()).toEqual({ autoLockMinutes: 5, retentionMonths: 12 })
  })
})
