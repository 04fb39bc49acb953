import { afterEach, describe, expect, it } from 'vitest'
import { LOCAL_KEYS } from '../../src/app/core/storageNames'
import { gpSeenAt, markGpSeen } from '../../src/app/features/today/gpSeen'

describe("the GP's last look at their overview (Vandaag's news)", () => {
  afterEach(() => localStorage.clear())

  it('keeps the moment it stored', () => {
    markGpSeen('2026-11-30T14:03:00.000Z')
    expect(gpSeenAt()).toBe('2026-11-30T14:03:00.000Z')
  })

  it('reads a stored value that is not a moment as never seen, so no news is hidden', () => {
    for (const bad of ['gisteren', '9999', '2026-11-30', '{"at":1}']) {
      localStorage.setItem(LOCAL_KEYS.gpSeenAt, bad)
      expect(gpSeenAt()).toBeNull()
    }
  })
})
