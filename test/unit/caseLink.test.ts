/** The pure mapping between a case's dates and its referral's steps (src/shared/referrals/caseLink.ts). */
import { describe, expect, it } from 'vitest'
import { caseRecordSchema, newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { caseAfterEvent, caseSteps, eventAtFor, fromGpOf, messageSent, stepsToSend } from '../../src/shared/referrals/caseLink'
import type { ReferralContent } from '../../src/shared/referrals/referral'

const ID = '0b6f7a2e-3c1d-4e5f-8a9b-0c1d2e3f4a5b'
const REF = '1c7f8b3e-4d2e-4f60-9bac-1d2e3f4a5b6c'
const wor = (patch: Partial<NonNullable<CaseRecord['wor']>> = {}): CaseRecord => ({ ...newCase(ID, 'wor', new Date('2026-11-02T09:00:00Z')), referral: { referralId: REF }, wor: { matchedServiceIds: [], ...patch } })

describe('case dates → referral steps', () => {
  it('a first-contact date typed in the case is the step "contact", with that date', () => {
    expect(stepsToSend(wor({ firstContactDate: '2026-11-03' }), 'geaccepteerd')).toEqual([{ kind: 'contact', date: '2026-11-03' }])
  })
  it('first contact and intake go in order; an intake alone may skip contact', () => {
    expect(stepsToSend(wor({ firstContactDate: '2026-11-03', intakeDate: '2026-11-05' }), 'geaccepteerd').map((s) => s.kind)).toEqual(['contact', 'gesprek'])
    expect(stepsToSend(wor({ intakeDate: '2026-11-05' }), 'geaccepteerd')).toEqual([{ kind: 'gesprek', date: '2026-11-05' }])
  })
  it('never twice: a step the referral took, or that already waits in the outbox, is not sent again', () => {
    const c = wor({ firstContactDate: '2026-11-03', intakeDate: '2026-11-05' })
    expect(stepsToSend(c, 'contact').map((s) => s.kind)).toEqual(['gesprek'])
    expect(stepsToSend(c, 'gesprek')).toEqual([])
    expect(stepsToSend(c, 'geaccepteerd', ['contact', 'gesprek'])).toEqual([])
    expect(stepsToSend(c, 'geaccepteerd', ['contact']).map((s) => s.kind)).toEqual(['gesprek'])
  })
  it('nothing before the referral is accepted, nothing after it ended', () => {
    const c = wor({ firstContactDate: '2026-11-03' })
    expect(stepsToSend(c, 'ontvangen')).toEqual([])
    expect(stepsToSend(c, 'afgewezen')).toEqual([])
    expect(stepsToSend({ ...c, status: 'closed', closedAt: '2026-12-01' }, 'afgerond')).toEqual([])
  })
  it('a VG conversation date is the step "gesprek"; closing the case is "afgerond"', () => {
    const vg: CaseRecord = { ...newCase(ID, 'vg', new Date('2026-11-02T09:00:00Z')), vg: { conversationDate: '2026-11-10' }, status: 'closed', closedAt: '2026-11-12' }
    expect(caseSteps(vg)).toEqual([
      { kind: 'gesprek', date: '2026-11-10' },
      { kind: 'afgerond', date: '2026-11-12' },
    ])
  })
  it('a date still being typed (the field reads 0002-…, 0020-…, 0202-… before 2026-…) or a planned one sends nothing yet', () => {
    const referred = (patch: Partial<NonNullable<CaseRecord['wor']>>): CaseRecord => ({ ...wor(patch), referral: { referralId: REF, date: '2026-11-02' } })
    for (const typing of ['0002-11-05', '0020-11-05', '0202-11-05']) expect(stepsToSend(referred({ intakeDate: typing }), 'geaccepteerd', [], '2026-11-06')).toEqual([])
    expect(stepsToSend(referred({ intakeDate: '2026-11-09' }), 'geaccepteerd', [], '2026-11-06')).toEqual([])
    // In order: an intake waits while the first-contact date before it cannot be true yet.
    expect(stepsToSend(referred({ firstContactDate: '0002-11-03', intakeDate: '2026-11-05' }), 'geaccepteerd', [], '2026-11-06')).toEqual([])
    expect(stepsToSend(referred({ firstContactDate: '2026-11-02', intakeDate: '2026-11-06' }), 'geaccepteerd', [], '2026-11-06').map((s) => s.kind)).toEqual(['contact', 'gesprek'])
  })
  it('the event carries the date entered: noon of that day, or now when that is earlier', () => {
    const now = new Date('2026-11-05T08:30:00Z')
    expect(eventAtFor('2026-11-03', now)).toBe('2026-11-03T12:00:00.000Z')
    expect(eventAtFor('2026-11-05', now)).toBe(now.toISOString())
  })
})

describe('inbox steps → case dates', () => {
  it('"Contact gehad" fills an empty first-contact date, never an entered one', () => {
    expect(caseAfterEvent(wor(), 'contact', '2026-11-04')?.wor?.firstContactDate).toBe('2026-11-04')
    expect(caseAfterEvent(wor({ firstContactDate: '2026-11-03' }), 'contact', '2026-11-04')).toBeUndefined()
  })
  it('"Intake" fills the intake (WoR), the conversation (VG) or the intake (SA)', () => {
    expect(caseAfterEvent(wor(), 'gesprek', '2026-11-06')?.wor?.intakeDate).toBe('2026-11-06')
    expect(caseAfterEvent(newCase(ID, 'vg', new Date()), 'gesprek', '2026-11-06')?.vg?.conversationDate).toBe('2026-11-06')
    expect(caseAfterEvent(newCase(ID, 'sa', new Date()), 'gesprek', '2026-11-06')?.sa?.intakeDate).toBe('2026-11-06')
  })
  it('the message sent from the inbox becomes the case\'s message; closing closes the case', () => {
    const after = caseAfterEvent(wor({ intakeDate: '2026-11-06' }), 'afgerond', '2026-11-20', 'Gaat naar de kookclub')!
    expect(after.wor?.feedbackToGp).toBe('Gaat naar de kookclub')
    expect(after.status).toBe('closed')
    expect(after.closedAt).toBe('2026-11-20')
    expect(caseRecordSchema.safeParse(after).success).toBe(true)
  })
  it('a message counts as sent when a message or the closing carried exactly it', () => {
    expect(messageSent('Kookclub ', [{ kind: 'bericht', note: 'Kookclub' }])).toBe(true)
    expect(messageSent('Kookclub', [{ kind: 'contact' }, { kind: 'bericht', note: 'Iets anders' }])).toBe(false)
  })
})

describe('what the GP wrote, kept in the case', () => {
  const content: ReferralContent = {
    intervention: 'wor',
    patient: { name: 'Wilhelmina Verbeek', phone: '06 27182818', birthYear: 1951, municipality: 'Oss' },
    reasons: ['eenzaamheid', 'somberheid'],
    note: 'Woont sinds kort alleen',
    domains: ['sociaal'],
    urgency: 'snel',
    consent: { given: true, date: '2026-11-01' },
    referrer: { name: 'Dokter Jansen', organisation: 'Huisartsenpraktijk De Linde' },
  }
  it('carries reasons, note, 4D domains and urgency, and the case still validates', () => {
    const c = { ...wor(), referral: { referralId: REF, fromGp: fromGpOf(content) } }
    expect(c.referral.fromGp).toEqual({ reasons: ['eenzaamheid', 'somberheid'], note: 'Woont sinds kort alleen', domains: ['sociaal'], urgency: 'snel', referrer: 'Dokter Jansen' })
    expect(caseRecordSchema.safeParse(c).success).toBe(true)
  })
  it('a case stored before this change (a referral without fromGp) still parses', () => {
    const old = { ...wor(), referral: { date: '2026-11-01', referrerType: 'huisarts', referralId: REF } }
    expect(caseRecordSchema.parse(JSON.parse(JSON.stringify(old))).referral?.fromGp).toBeUndefined()
  })
})
