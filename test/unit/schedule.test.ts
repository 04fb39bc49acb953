import { describe, expect, it } from 'vitest'
import type { Schedule } from '../../src/shared/socialMap/hsds'
import { describeSchedule, hasEnded, isAlwaysOpen, isOpenAt, nextOccurrence, occursOn } from '../../src/shared/socialMap/schedule'

const id = '00000000-0000-4000-8000-000000000001'
// 2026-11-24 is a Tuesday. Times are Dutch wall-clock (CET = UTC+1 in November).
const at = (local: string) => new Date(`${local}+01:00`)

describe('schedule maths', () => {
  const tuesdayMorning: Schedule = { id, freq: 'WEEKLY', byday: 'TU', opens_at: '10:00', closes_at: '12:00' }

  it('shows "open nu" for a weekly activity at this moment', () => {
    expect(isOpenAt([tuesdayMorning], at('2026-11-24T10:30:00'))).toBe(true)
  })

  it('is not open before it opens, at closing time, or on another weekday', () => {
    expect(isOpenAt([tuesdayMorning], at('2026-11-24T09:59:00'))).toBe(false)
    expect(isOpenAt([tuesdayMorning], at('2026-11-24T12:00:00'))).toBe(false)
    expect(isOpenAt([tuesdayMorning], at('2026-11-25T10:30:00'))).toBe(false)
  })

  it('uses Dutch time, also across the change to summer time', () => {
    // 10:30 in Amsterdam on 2027-04-06 (CEST) is 08:30 UTC.
    expect(isOpenAt([tuesdayMorning], new Date('2027-04-06T08:30:00Z'))).toBe(true)
    expect(isOpenAt([tuesdayMorning], new Date('2027-04-06T10:30:00Z'))).toBe(false)
  })

  it('finds the first Thursday of the month', () => {
    const s: Schedule = { id, freq: 'MONTHLY', byday: '1TH', opens_at: '19:30', closes_at: '21:30' }
    expect(occursOn(s, '2026-12-03')).toBe(true)
    expect(occursOn(s, '2026-12-10')).toBe(false)
    expect(occursOn(s, '2026-11-05')).toBe(true)
    expect(nextOccurrence([s], at('2026-11-22T12:00:00'))).toEqual({ date: '2026-12-03', opensAt: '19:30', closesAt: '21:30' })
  })

  it('finds the last Friday of the month', () => {
    const s: Schedule = { id, freq: 'MONTHLY', byday: '-1FR' }
    expect(occursOn(s, '2026-11-27')).toBe(true)
    expect(occursOn(s, '2026-11-20')).toBe(false)
  })

  it('gives the next occurrence later today while it has not ended, else the next week', () => {
    expect(nextOccurrence([tuesdayMorning], at('2026-11-24T11:00:00'))?.date).toBe('2026-11-24')
    expect(nextOccurrence([tuesdayMorning], at('2026-11-24T12:30:00'))?.date).toBe('2026-12-01')
  })

  it('has no next occurrence when valid_to lies in the past', () => {
    const ended: Schedule = { ...tuesdayMorning, valid_to: '2026-06-30' }
    expect(nextOccurrence([ended], at('2026-11-22T12:00:00'))).toBeUndefined()
    expect(isOpenAt([ended], at('2026-11-24T10:30:00'))).toBe(false)
    expect(hasEnded(ended, '2026-11-22')).toBe(true)
  })

  it('respects valid_from: nothing before the start', () => {
    const future: Schedule = { ...tuesdayMorning, valid_from: '2027-01-01' }
    expect(nextOccurrence([future], at('2026-11-22T12:00:00'))?.date).toBe('2027-01-05')
  })

  it('treats count 1 with dtstart as a one-off date', () => {
    const once: Schedule = { id, freq: 'WEEKLY', dtstart: '2026-12-05', count: 1, opens_at: '19:00', closes_at: '21:00' }
    expect(occursOn(once, '2026-12-05')).toBe(true)
    expect(occursOn(once, '2026-12-12')).toBe(false)
    expect(describeSchedule(once)).toEqual([{ kind: 'once', date: '2026-12-05', opensAt: '19:00', closesAt: '21:00' }])
  })

  it('counts every other week from dtstart', () => {
    const s: Schedule = { id, freq: 'WEEKLY', byday: 'MO', interval: 2, dtstart: '2026-11-02' }
    expect(occursOn(s, '2026-11-16')).toBe(true)
    expect(occursOn(s, '2026-11-23')).toBe(false)
  })

  it('stops after count occurrences', () => {
    const s: Schedule = { id, freq: 'WEEKLY', byday: 'MO', dtstart: '2026-11-02', count: 3 }
    expect(occursOn(s, '2026-11-16')).toBe(true)
    expect(occursOn(s, '2026-11-23')).toBe(false)
  })

  it('describes a weekly and a monthly schedule for the UI', () => {
    expect(describeSchedule(tuesdayMorning)).toEqual([{ kind: 'weekly', weekdays: ['TU'], interval: 1, opensAt: '10:00', closesAt: '12:00' }])
    expect(describeSchedule({ id, freq: 'MONTHLY', byday: '1TH' })[0]).toMatchObject({ kind: 'monthly-weekday', weekday: 'TH', ordinal: 1 })
  })

  describe('a round-the-clock service (24/7)', () => {
    const allWeek: Schedule = { id, freq: 'WEEKLY', byday: 'MO,TU,WE,TH,FR,SA,SU', opens_at: '00:00', closes_at: '24:00' }

    it('is described as always open, not as "00:00–24:00"', () => {
      expect(isAlwaysOpen(allWeek)).toBe(true)
      expect(describeSchedule(allWeek)).toEqual([{ kind: 'always' }])
      expect(nextOccurrence([allWeek], at('2026-11-24T23:30:00'))).toEqual({ date: '2026-11-24', opensAt: '00:00', closesAt: '24:00', isAlwaysOpen: true })
      expect(isOpenAt([allWeek], at('2026-11-24T03:00:00'))).toBe(true)
    })

    it('counts 23:59 as the end of the day and hours without weekdays as every day', () => {
      expect(isAlwaysOpen({ id, byday: 'SU,SA,FR,TH,WE,TU,MO', opens_at: '00:00:00', closes_at: '23:59' })).toBe(true)
      expect(isAlwaysOpen({ id, opens_at: '00:00', closes_at: '24:00' })).toBe(true)
    })

    it('is not always open when a day, an hour or the rhythm is missing', () => {
      expect(isAlwaysOpen({ ...allWeek, byday: 'MO,TU,WE,TH,FR,SA' })).toBe(false)
      expect(isAlwaysOpen({ ...allWeek, opens_at: '08:00' })).toBe(false)
      expect(isAlwaysOpen({ ...allWeek, closes_at: '22:00' })).toBe(false)
      expect(isAlwaysOpen({ ...allWeek, interval: 2 })).toBe(false)
      expect(isAlwaysOpen({ ...allWeek, byday: '1MO,TU,WE,TH,FR,SA,SU' })).toBe(false)
      expect(isAlwaysOpen({ id, dtstart: '2026-12-05', opens_at: '00:00', closes_at: '24:00' })).toBe(false)
      expect(nextOccurrence([{ ...allWeek, byday: 'MO' }], at('2026-11-24T12:00:00'))?.isAlwaysOpen).toBeUndefined()
    })
  })
})
