/**
 * Where the resident's consent for one participant stands (src/shared/cases/participantConsent.ts):
 * only a consent given on or before today and not withdrawn lets the plan go to that participant.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readRecord, writeRecord } from '../../src/shared/caseSync/recordDoc'
import { newCase } from '../../src/shared/cases/v2'
import { consentState, consentStands, withdrawConsent, type ParticipantConsent } from '../../src/shared/cases/participantConsent'
import { participantConsentSchema } from '../../src/shared/cases/v1'

const given: ParticipantConsent = { purpose: 'Samenwerken aan het samenwerkplan', date: '2026-11-02', recordedBy: 'Karin', ownWords: false }

describe('consentStands', () => {
  it('is false when nothing is recorded', () => {
    expect(consentState(undefined, '2026-11-02')).toBe('none')
    expect(consentStands(undefined, '2026-11-02')).toBe(false)
  })

  it('is true from the day the consent was given, also years later', () => {
    expect(consentStands(given, '2026-11-02')).toBe(true)
    expect(consentStands(given, '2029-01-01')).toBe(true)
    expect(consentState(given, '2026-11-02')).toBe('stands')
  })

  it('is false before the day it was given (pending)', () => {
    expect(consentState(given, '2026-11-01')).toBe('pending')
    expect(consentStands(given, '2026-11-01')).toBe(false)
  })

  it('is false once withdrawn, also when the withdrawal is dated after today', () => {
    expect(consentStands({ ...given, withdrawnOn: '2026-11-05' }, '2026-11-05')).toBe(false)
    expect(consentStands({ ...given, withdrawnOn: '2026-11-05' }, '2026-11-03')).toBe(false)
    expect(consentState({ ...given, withdrawnOn: '2026-11-05' }, '2026-12-01')).toBe('withdrawn')
  })
})

describe('withdrawConsent', () => {
  it('sets the day of withdrawal and keeps the rest; the result is a valid consent', () => {
    const withdrawn = withdrawConsent(given, '2026-11-05')
    expect(withdrawn).toEqual({ ...given, withdrawnOn: '2026-11-05' })
    expect(given.withdrawnOn).toBeUndefined()
    expect(participantConsentSchema.parse(withdrawn)).toEqual(withdrawn)
  })

  it('keeps the first day of withdrawal when withdrawn again', () => {
    expect(withdrawConsent({ ...given, withdrawnOn: '2026-11-05' }, '2026-11-09').withdrawnOn).toBe('2026-11-05')
  })
})

describe('in the case document (synced between the worker’s devices)', () => {
  it('a consent recorded, withdrawn and recorded again reads back as it was each time', () => {
    const record = newCase('9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d', 'samenwerkwijze', new Date('2026-11-01T10:00:00Z'))
    const participant = { id: '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d', name: 'Karin', role: '', organisation: '', discipline: '' }
    const doc = new Y.Doc()
    const consentAfter = (consent: ParticipantConsent) => {
      writeRecord(doc, { ...record, consultation: { residentPresent: true, participants: [{ ...participant, consent }], actions: [] } })
      const read = readRecord(doc)
      expect('problems' in read ? read.problems : []).toEqual([])
      return (read.record as typeof record).consultation!.participants[0]!.consent
    }
    expect(consentAfter(given)).toEqual(given)
    expect(consentAfter(withdrawConsent(given, '2026-11-05'))).toEqual({ ...given, withdrawnOn: '2026-11-05' })
    const again = { ...given, date: '2026-11-09', ownWords: true }
    expect(consentAfter(again)).toEqual(again)
  })
})
