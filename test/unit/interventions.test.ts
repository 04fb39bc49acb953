import { describe, expect, it } from 'vitest'
import { INTERVENTION_IDS, INTERVENTIONS, interventionOf, REFERABLE_INTERVENTION_IDS, WOR_FIRST_CONTACT_DAYS } from '../../src/shared/interventions'
import { CASE_FORM_INTERVENTION_IDS, caseRecordSchema, newCase } from '../../src/shared/cases/v2'
import { firstContactDaysLeft } from '../../src/shared/cases/inclusion'
import { newReferralSchema, referralContentSchema } from '../../src/shared/referrals/referral'
import { countRowSchema } from '../../src/shared/kpi/snapshot'

describe('the one list of interventions', () => {
  it('lets a GP refer to Welzijn op Recept, Verkennend Gesprek and Sociaal Arrangeren, not to a samenwerkoverleg', () => {
    expect(REFERABLE_INTERVENTION_IDS).toEqual(['wor', 'vg', 'sa'])
    expect(newReferralSchema.shape.intervention.options).toEqual(REFERABLE_INTERVENTION_IDS)
    expect(referralContentSchema.safeParse({ intervention: 'samenwerkwijze' }).error?.issues.some((i) => i.path[0] === 'intervention')).toBe(true)
  })

  it('is what cases and counts accept, and the case form still offers the Samenwerkwijze first', () => {
    expect(new Set(caseRecordSchema.shape.pathway.options)).toEqual(new Set(INTERVENTION_IDS))
    expect(countRowSchema.shape.intervention.options).toEqual(INTERVENTION_IDS)
    expect(CASE_FORM_INTERVENTION_IDS).toEqual(['samenwerkwijze', 'wor', 'vg', 'sa'])
  })

  it('gives only Welzijn op Recept a first-contact term of two weeks', () => {
    expect(WOR_FIRST_CONTACT_DAYS).toBe(14)
    expect(INTERVENTION_IDS.map((i) => interventionOf(i).firstContactDays)).toEqual([14, undefined, undefined, undefined])
    const wor = { ...newCase('3f9c2b9e-8f2d-4c51-9a57-1c1e2d3f4a5b', 'wor', new Date('2026-03-01T10:00:00Z')), referral: { date: '2026-03-01' } }
    expect(firstContactDaysLeft(wor, '2026-03-10')).toBe(5)
    expect(firstContactDaysLeft({ ...wor, pathway: 'vg' }, '2026-03-10')).toBeUndefined()
  })

  it('includes at the moment the domain names: intake, conversation, arrangement after intake, consultation with a plan', () => {
    expect(INTERVENTIONS.wor.includedOn({ wor: { intakeDate: '2026-03-02' } })).toBe('2026-03-02')
    expect(INTERVENTIONS.vg.includedOn({ vg: { conversationDate: '2026-03-03' } })).toBe('2026-03-03')
    expect(INTERVENTIONS.sa.includedOn({ sa: { triage: 'arrangement', intakeDate: '2026-03-04', arrangementStartDate: '2026-03-05' } })).toBe('2026-03-05')
    expect(INTERVENTIONS.sa.includedOn({ sa: { triage: 'arrangement', intakeDate: '2026-03-06', arrangementStartDate: '2026-03-05' } })).toBeUndefined()
    expect(INTERVENTIONS.samenwerkwijze.includedOn({ consultation: { date: '2026-03-07', actions: [{ what: ' ' }] } })).toBeUndefined()
    expect(INTERVENTIONS.samenwerkwijze.includedOn({ consultation: { date: '2026-03-07', actions: [{ what: 'Buurtkamer bellen' }] } })).toBe('2026-03-07')
  })

  it('refuses a case or referral date that is not on the calendar', () => {
    const c = newCase('3f9c2b9e-8f2d-4c51-9a57-1c1e2d3f4a5b', 'wor', new Date('2026-03-01T10:00:00Z'))
    expect(caseRecordSchema.safeParse({ ...c, closedAt: '2026-02-29' }).success).toBe(false)
    expect(caseRecordSchema.safeParse({ ...c, closedAt: '2028-02-29' }).success).toBe(true)
    const consent = referralContentSchema.shape.consent
    expect(consent.safeParse({ given: true, date: '2026-04-31' }).success).toBe(false)
    expect(consent.safeParse({ given: true, date: '2026-04-30' }).success).toBe(true)
  })
})
