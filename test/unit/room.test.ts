/**
 * Room (docs/hsds-extensions.md, "Room"): the HSDS 3.1 service_capacity extension as we validate it,
 * the quick update's request, the staleness rule on a fixed clock, and who may update.
 */
import { describe, expect, it } from 'vitest'
import { roomUpdateSchema } from '../../src/shared/api/mapRoom'
import { serviceCapacitySchema, serviceSchema } from '../../src/shared/socialMap/hsds'
import { mayUpdateRoom, ROOM_STALE_DAYS, roomState } from '../../src/shared/socialMap/room'
import { buildExampleMap } from '../../src/server/seed/exampleMap'

const capacity = {
  id: '8896b788-7b3e-41ef-8db9-7f3d040352b3',
  unit: { id: '187a37a2-7b40-41ef-9790-dbf7623d4407', name: 'plek' },
  available: 3,
  maximum: 12,
  description: 'Plekken in de groep van dinsdag',
  updated: '2026-11-20T14:23:06.500+01:00',
}
const issues = (value: unknown) => {
  const r = serviceCapacitySchema.safeParse(value)
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('the service_capacity extension (HSDS 3.1 shape)', () => {
  it('accepts 3.1’s own example fields, and a service carrying them under capacities', () => {
    expect(issues(capacity)).toEqual([])
    expect(issues({ ...capacity, maximum: undefined, description: undefined })).toEqual([])
    const service = buildExampleMap({ referenceDate: '2026-11-01' })[0]!
    expect(serviceSchema.safeParse({ ...service, capacities: [capacity] }).success).toBe(true)
  })

  it('refuses what cannot be a count, more free than there are, and a date that is not a real instant', () => {
    expect(issues({ ...capacity, available: -1 })).toEqual(['available: must be 0 or more'])
    expect(issues({ ...capacity, available: 2.5 })).toEqual(['available: must be a whole number'])
    expect(issues({ ...capacity, maximum: 100_001, available: 1 })).toEqual(['maximum: must be at most 100000'])
    expect(issues({ ...capacity, available: 13 })).toEqual(['available: available is more than maximum'])
    expect(issues({ ...capacity, updated: '2026-02-30T10:00:00Z' })).toEqual(['updated: is not a real date and time'])
    expect(issues({ ...capacity, updated: '2026-11-20' })[0]).toMatch(/^updated: must be a date and time with its zone/)
    expect(issues({ ...capacity, updated: '2026-11-20T10:00:00' })[0]).toMatch(/^updated: must be a date and time with its zone/)
    expect(issues({ ...capacity, unit: { id: capacity.unit.id, name: '' } })).toEqual(['unit.name: must not be empty'])
    expect(issues({ ...capacity, unit: undefined })[0]).toMatch(/^unit: /)
    expect(issues({ ...capacity, id: 'abc' })[0]).toMatch(/^id: must be a uuid/)
  })
})

describe('the quick update’s request', () => {
  it('takes free places, optionally the total, unit and description', () => {
    expect(roomUpdateSchema.parse({ available: 0 })).toEqual({ available: 0 })
    expect(roomUpdateSchema.parse({ available: 3, maximum: null, unit: ' bed ', description: '' })).toEqual({ available: 3, maximum: null, unit: 'bed', description: '' })
  })
  it('refuses its own date, unknown fields, and more free than in total', () => {
    expect(roomUpdateSchema.safeParse({ available: 3, updated: '2026-11-20T10:00:00Z' }).success).toBe(false)
    expect(roomUpdateSchema.safeParse({ available: 3, service: {} }).success).toBe(false)
    expect(roomUpdateSchema.safeParse({ available: 5, maximum: 4 }).success).toBe(false)
  })
})

describe('the staleness rule (fixed clock, the region’s calendar)', () => {
  const at = (iso: string) => new Date(iso)
  it('a figure of today, yesterday and 14 days ago is shown as fact, with its age in days', () => {
    const now = at('2026-11-22T09:00:00Z')
    expect(roomState({ available: 3, maximum: 12, updated: '2026-11-22T08:00:00Z' }, now)).toEqual({ available: 3, maximum: 12, full: false, stale: false, daysAgo: 0, date: '2026-11-22' })
    expect(roomState({ available: 0, updated: '2026-11-21T22:00:00Z' }, now)).toMatchObject({ full: true, stale: false, daysAgo: 1 })
    expect(roomState({ available: 1, updated: '2026-11-08T12:00:00Z' }, now)).toMatchObject({ stale: false, daysAgo: ROOM_STALE_DAYS })
  })
  it('from 15 days on it is possibly out of date', () => {
    expect(roomState({ available: 1, updated: '2026-11-07T12:00:00Z' }, at('2026-11-22T09:00:00Z'))).toMatchObject({ stale: true, daysAgo: 15 })
  })
  it('counts days on the region’s wall calendar, not in UTC', () => {
    // 23:30 UTC on 7 November is 00:30 on 8 November in Oss: 14 days before 22 November, not 15.
    expect(roomState({ available: 1, updated: '2026-11-07T23:30:00Z' }, at('2026-11-22T09:00:00Z'))).toMatchObject({ stale: false, daysAgo: 14, date: '2026-11-08' })
  })
  it('does not believe a figure dated more than a day ahead', () => {
    const now = at('2026-11-22T09:00:00Z')
    expect(roomState({ available: 1, updated: '2026-11-22T20:00:00Z' }, now)).toMatchObject({ stale: false, daysAgo: 0 })
    expect(roomState({ available: 1, updated: '2026-11-24T09:00:00Z' }, now)).toMatchObject({ stale: true, daysAgo: 0 })
  })
})

describe('who may update room', () => {
  const OWNER = 'a0000000-0000-4000-8000-000000000001'
  const OTHER = 'b0000000-0000-4000-8000-000000000002'
  const REGION = 'c0000000-0000-4000-8000-000000000003'
  it('the region’s kaartbeheerder for every listing, the owner’s social worker and beheerder for theirs', () => {
    expect(mayUpdateRoom([{ organisationId: REGION, role: 'kaartbeheerder', isRegion: true }], null)).toBe(true)
    expect(mayUpdateRoom([{ organisationId: OWNER, role: 'sociaal-werker', isRegion: false }], OWNER)).toBe(true)
    expect(mayUpdateRoom([{ organisationId: OWNER, role: 'beheerder', isRegion: false }], OWNER)).toBe(true)
  })
  it('not the owner’s GP, another organisation, a region role outside the region, or anyone for a listing without owner', () => {
    expect(mayUpdateRoom([{ organisationId: OWNER, role: 'huisarts', isRegion: false }], OWNER)).toBe(false)
    expect(mayUpdateRoom([{ organisationId: OTHER, role: 'sociaal-werker', isRegion: false }], OWNER)).toBe(false)
    expect(mayUpdateRoom([{ organisationId: OTHER, role: 'kaartbeheerder', isRegion: false }], OWNER)).toBe(false)
    expect(mayUpdateRoom([{ organisationId: REGION, role: 'programma', isRegion: true }], OWNER)).toBe(false)
    expect(mayUpdateRoom([{ organisationId: OWNER, role: 'sociaal-werker', isRegion: false }], null)).toBe(false)
  })
})

describe('the example map’s room', () => {
  it('is the same every time, never dated after the reference day, with full, free and stale figures among them', () => {
    const a = buildExampleMap({ referenceDate: '2026-11-01' })
    expect(buildExampleMap({ referenceDate: '2026-11-01' })).toEqual(a)
    const states = a.flatMap((s) => s.capacities ?? []).map((c) => roomState(c, new Date('2026-11-01T23:00:00Z')))
    expect(states.some((s) => s.full)).toBe(true)
    expect(states.some((s) => !s.full && !s.stale)).toBe(true)
    expect(states.some((s) => s.stale)).toBe(true)
    expect(a.flatMap((s) => s.capacities ?? []).every((c) => c.updated < '2026-11-01T00:00:00')).toBe(true)
  })
})
