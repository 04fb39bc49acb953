import { describe, expect, it } from 'vitest'
import { caseIndexOf } from '../../src/shared/cases/caseIndex'
import { caseMoments, firstContactDaysLeft } from '../../src/shared/cases/inclusion'
import { caseRecordSchema, newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { periodOf } from '../../src/shared/kpi/period'

const ID = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'
const base = (pathway: CaseRecord['pathway']) => newCase(ID, pathway, new Date('2026-03-02T09:00:00Z'))

describe('half-year periods', () => {
  it('puts June in H1 and July in H2', () => {
    expect(periodOf('2026-06-30')).toBe('2026-H1')
    expect(periodOf('2026-07-01')).toBe('2026-H2')
  })
})

describe('moments of inclusion (domain.md)', () => {
  it('Welzijn op Recept: included when the intake is held', () => {
    const c = base('wor')
    expect(caseMoments(c).includedAt).toBeUndefined()
    c.wor = { matchedServiceIds: [], intakeDate: '2026-03-10' }
    expect(caseMoments(c)).toMatchObject({ includedAt: '2026-03-10', period: '2026-H1' })
  })
  it('Verkennend Gesprek: included when the conversation is held', () => {
    const c = { ...base('vg'), vg: { conversationDate: '2026-08-01' } }
    expect(caseMoments(c)).toMatchObject({ includedAt: '2026-08-01', period: '2026-H2' })
  })
  it('Sociaal Arrangeren: included when the arrangement starts after the intake, not on a referral onwards', () => {
    const c: CaseRecord = { ...base('sa'), sa: { intakeDate: '2026-04-01', triage: 'doorverwezen' } }
    expect(caseMoments(c).includedAt).toBeUndefined()
    c.sa = { intakeDate: '2026-04-01', triage: 'arrangement', arrangementStartDate: '2026-04-15' }
    expect(caseMoments(c).includedAt).toBe('2026-04-15')
  })
  it('Samenwerkwijze: included when the overleg is held and the plan has an action', () => {
    const c = { ...base('samenwerkwijze'), consultation: { date: '2026-05-20', residentPresent: true, participants: [], actions: [] } }
    expect(caseMoments(c).includedAt).toBeUndefined()
    c.consultation.actions = [{ id: ID, what: 'Schuldhulp aanvragen', owner: 'sociaal werker' }] as never
    expect(caseMoments(c).includedAt).toBe('2026-05-20')
  })
  it('counts completion only for a closed case that was included', () => {
    const closedEarly = { ...base('wor'), status: 'closed' as const, closedAt: '2026-03-20' }
    expect(caseMoments(closedEarly).completedAt).toBeUndefined()
    const done = { ...closedEarly, wor: { matchedServiceIds: [], intakeDate: '2026-03-10' } }
    expect(caseMoments(done).completedAt).toBe('2026-03-20')
  })
})

describe('WoR first contact within two weeks', () => {
  it('shows days left, then overdue, and nothing once contact was made', () => {
    const c = { ...base('wor'), referral: { date: '2026-03-02', referrerType: 'huisarts' as const } }
    expect(firstContactDaysLeft(c, '2026-03-02')).toBe(14)
    expect(firstContactDaysLeft(c, '2026-03-20')).toBe(-4)
    c.wor = { matchedServiceIds: [], firstContactDate: '2026-03-05' }
    expect(firstContactDaysLeft(c, '2026-03-20')).toBeUndefined()
  })
})

describe('the clear index of a case', () => {
  it('holds only what lists and counts need: no name, birth year, contact or free text', () => {
    const c: CaseRecord = {
      ...base('wor'),
      resident: { name: 'Maria Verhoeven', birthYear: 1948, municipality: 'Oss', village: 'Berghem', contact: '06 00000000' },
      questions: { wil: 'Weer mensen zien', kan: 'Koken', nodig: 'Vervoer' },
      referral: { date: '2026-03-02', referrerType: 'huisarts' },
      wor: { matchedServiceIds: [], intakeDate: '2026-03-10' },
    }
    expect(caseRecordSchema.safeParse(c).success).toBe(true)
    const index = caseIndexOf(c)
    expect(index).toEqual({ id: ID, schemaVersion: 2, status: 'open', currentStep: 'wor-aanmelding', methodVersion: 1, pathway: 'wor', municipality: 'Oss', referrerType: 'huisarts', referredAt: '2026-03-02', includedAt: '2026-03-10', period: '2026-H1', updatedAt: c.updatedAt })
    const text = JSON.stringify(index)
    for (const secret of ['Maria', 'Verhoeven', '1948', 'Berghem', '06 0000', 'Weer mensen', 'Koken', 'Vervoer']) expect(text).not.toContain(secret)
  })
})
