// @vitest-environment happy-dom
/**
 * Where the phone keeps its counting id (kpiSync.ts, issue 11): an id restored from a backup is
 * only remembered until the server has moved it here, and a refusal keeps its reason. The moves
 * themselves run against the real server in test/server/kpi.test.ts ("the phone's sync code").
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { DeviceLockedError } from '../../src/app/core/deviceIdentity'
import { adoptKpiDeviceId, classify, forgetKpiDeviceId, kpiCounterId, kpiDeviceId } from '../../src/app/features/cases/kpiSync'
import { ApiError } from '../../src/app/core/http'

const RESTORED = '3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b'

beforeEach(() => localStorage.clear())

describe('the counting id on the phone', () => {
  it('never counts under an id from a backup before the server moved it here', () => {
    adoptKpiDeviceId(RESTORED)
    expect(kpiCounterId()).toBeNull()
    // A backup made meanwhile carries it on.
    expect(kpiDeviceId()).toBe(RESTORED)
    adoptKpiDeviceId('not-an-id')
    expect(kpiDeviceId()).toBe(RESTORED)
  })

  it('hands a backup a throw-away id when the server never issued one, and keeps none of it', () => {
    const a = kpiDeviceId()
    expect(a).toMatch(/^[0-9a-f-]{36}$/)
    expect(kpiDeviceId()).not.toBe(a)
    expect(kpiCounterId()).toBeNull()
  })

  it('keeps an id from before issue 11 (to be claimed through the server), and forgets everything after a wipe', () => {
    localStorage.setItem('samenwerkwijze.kpiDevice', RESTORED)
    expect(kpiCounterId()).toBe(RESTORED)
    adoptKpiDeviceId('5b2d6c3e-1f4a-4b5c-8d6e-7f8091a2b3c4')
    forgetKpiDeviceId()
    expect(kpiCounterId()).toBeNull()
    expect(kpiDeviceId()).not.toBe('5b2d6c3e-1f4a-4b5c-8d6e-7f8091a2b3c4')
  })

  it('waits when offline, signed out or locked, backs off on a server fault, and keeps the code of a refusal', () => {
    expect(classify(new ApiError(0, 'offline', 'No connection'))).toEqual({ kind: 'later' })
    expect(classify(new ApiError(401, 'not-signed-in', 'Sign in first.'))).toEqual({ kind: 'later' })
    expect(classify(new DeviceLockedError('locked'))).toEqual({ kind: 'later' })
    expect(classify(new ApiError(503, 'busy', 'Busy'))).toEqual({ kind: 'retry' })
    expect(classify(new ApiError(422, 'implausible-counts', 'Implausible counts'))).toEqual({ kind: 'refused', problem: { status: 422, code: 'implausible-counts' } })
    expect(classify(new ApiError(409, 'counter-moved', 'Moved'))).toEqual({ kind: 'refused', problem: { status: 409, code: 'counter-moved' } })
  })
})
