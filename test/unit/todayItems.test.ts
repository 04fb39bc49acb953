import { describe, expect, it } from 'vitest'
import { caseItems, gpNews, referralItems, waitingToAccept } from '../../src/app/features/today/workItems'
import { mapWaiting, orgWaiting, periodProgress } from '../../src/app/features/today/officeItems'
import { DEFAULT_ACCOUNTABILITY_PERIODS } from '../../src/shared/kpi/accountability'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'
import type { ListedReferral } from '../../src/shared/referrals/referral'

const TODAY = '2026-12-14'
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

function referral(n: number, over: Partial<ListedReferral>): ListedReferral {
  return {
    id: id(n),
    intervention: 'wor',
    senderOrganisation: { id: id(900), name: 'Huisartsenpraktijk De Linde' },
    receivingOrganisation: { id: id(901), name: 'Welzijn Oss' },
    status: 'verstuurd',
    sentAt: `2026-12-0${n}T09:00:00.000Z`,
    firstContactDue: null,
    firstContactAt: null,
    overdue: false,
    events: [],
    ...over,
  } as ListedReferral
}

function aCase(n: number, edit: (c: CaseRecord) => void): CaseRecord {
  const c = newCase(id(n), 'wor', new Date('2026-12-01T10:00:00Z'))
  c.resident.name = `Inwoner ${n}`
  edit(c)
  return c
}

describe('Vandaag for a sociaal-werker: referrals', () => {
  it('lists referrals to accept first (oldest first), then accepted ones whose first contact is due, each linking to its inbox card', () => {
    const inbox = [
      referral(3, { status: 'ontvangen' }),
      referral(1, { status: 'verstuurd' }),
      referral(2, { status: 'geaccepteerd', firstContactDue: '2026-12-16', overdue: false }),
      referral(4, { status: 'geaccepteerd', firstContactDue: '2026-12-10', overdue: true }),
      referral(5, { status: 'contact', firstContactDue: '2026-12-10', firstContactAt: '2026-12-09T10:00:00Z' }),
      referral(6, { status: 'afgewezen' }),
    ]
    const items = referralItems(inbox)
    expect(items.map((i) => [i.kind, i.key.slice(-1), i.overdue ?? false])).toEqual([
      ['accept', '1', false],
      ['accept', '3', false],
      ['first-contact', '4', true],
      ['first-contact', '2', false],
    ])
    expect(items[0]!.to).toBe(`/werk/verwijzingen#verwijzing-${id(1)}`)
    expect(waitingToAccept(inbox)).toBe(2)
  })
})

describe('Vandaag for a sociaal-werker: cases from the open vault', () => {
  it('shows evaluations up to a week ahead and late ones, own open steps and own plan actions; nothing of closed cases', () => {
    const cases = [
      aCase(1, (c) => (c.consultation = { residentPresent: true, participants: [], actions: [{ id: id(11), what: 'Bel de woningcorporatie', owner: 'sanne de wit' }, { id: id(12), what: 'Niet van mij', owner: 'Piet' }], evaluationDate: '2026-12-18' })),
      aCase(2, (c) => (c.consultation = { residentPresent: true, participants: [], actions: [], evaluationDate: '2026-12-30' })),
      aCase(3, (c) => (c.steps = [
        { id: id(31), what: 'Samen naar het wandelcafé', who: 'professional', when: '2026-12-12', done: false },
        { id: id(32), what: 'Al gedaan', who: 'professional', done: true },
        { id: id(33), what: 'Buurman belt', who: 'netwerk', done: false },
        { id: id(34), what: 'Collega doet dit', who: 'professional', whoName: 'Piet', done: false },
      ])),
      aCase(4, (c) => {
        c.status = 'closed'
        c.consultation = { residentPresent: true, participants: [], actions: [], evaluationDate: '2026-12-15' }
      }),
      // Held ("evaluatie gehouden op"): no longer due, late as it was.
      aCase(5, (c) => (c.consultation = { residentPresent: true, participants: [], actions: [], evaluationDate: '2026-12-01', evaluationHeldOn: '2026-12-03' })),
    ]
    const items = caseItems(cases, TODAY, 'Sanne de Wit')
    expect(items.map((i) => [i.kind, i.name, i.overdue ?? false])).toEqual([
      ['step', 'Inwoner 3', true],
      ['evaluation', 'Inwoner 1', false],
      ['action', 'Inwoner 1', false],
    ])
    expect(items.find((i) => i.kind === 'action')!.to).toBe(`/werk/casus/${id(1)}/plan`)
    expect(items.find((i) => i.kind === 'evaluation')!.to).toBe(`/werk/casus/${id(1)}`)
  })

  it('gives a WoR case without an inbox referral its first contact, two weeks after the referral date, until it is recorded', () => {
    const due = aCase(1, (c) => (c.referral = { date: '2026-11-25' }))
    const done = aCase(2, (c) => {
      c.referral = { date: '2026-11-25' }
      c.wor = { matchedServiceIds: [], firstContactDate: '2026-11-30' }
    })
    const viaInbox = aCase(3, (c) => (c.referral = { date: '2026-11-25', referralId: id(99) }))
    expect(caseItems([due, done, viaInbox], TODAY, 'x')).toEqual([{ key: `contact-${id(1)}`, kind: 'first-contact', to: `/werk/casus/${id(1)}`, name: 'Inwoner 1', intervention: 'wor', date: '2026-12-09', overdue: true }])
  })
})

describe('Vandaag for a GP', () => {
  it('lists sent referrals with an event after the last look at the overview, newest first', () => {
    const ev = (kind: 'ontvangen' | 'contact' | 'geaccepteerd', at: string) => ({ id: id(Date.parse(at) % 1e6), kind, at, senderCertificate: null })
    const sent = [
      referral(1, { status: 'contact', events: [ev('geaccepteerd', '2026-12-10T10:00:00Z'), ev('contact', '2026-12-12T10:00:00Z')] }),
      referral(2, { status: 'ontvangen', events: [ev('ontvangen', '2026-12-13T10:00:00Z')] }),
      referral(3, { status: 'geaccepteerd', events: [ev('geaccepteerd', '2026-12-05T10:00:00Z')] }),
    ]
    expect(gpNews(sent, '2026-12-08T00:00:00Z').map((i) => [i.key, i.what, i.to])).toEqual([[`news-${id(1)}`, 'contact', '/verwijzen/overzicht']])
    expect(gpNews(sent, null).map((i) => i.key)).toEqual([`news-${id(1)}`, `news-${id(3)}`])
  })
})

describe('Vandaag for a beheerder, a kaartbeheerder and the programme team', () => {
  it('counts pending devices and invitations not yet expired', () => {
    const now = '2026-12-14T10:00:00Z'
    expect(orgWaiting('o', 'Welzijn Oss', [{ status: 'pending' }, { status: 'approved' }, { status: 'pending' }], [{ expiresAt: '2026-12-20T00:00:00Z' }, { expiresAt: '2026-12-01T00:00:00Z' }], now)).toEqual({
      organisationId: 'o',
      organisationName: 'Welzijn Oss',
      devicesPending: 2,
      invitationsOpen: 1,
    })
  })

  it('counts open reports, proposals and residents’ initiatives, and lists listings not checked for a year (never checked first)', () => {
    const row = (n: number, assuredDate: string | null, status = 'active') => ({ id: id(n), name: `Aanbod ${n}`, status, assuredDate, village: null })
    const w = mapWaiting([{ resolution: null }, { resolution: 'Aangepast' }], [{ status: 'open' }, { status: 'rejected' }], [row(1, '2025-12-15'), row(2, '2025-12-13'), row(3, null), row(4, '2020-01-01', 'defunct')], TODAY, 2)
    expect(w).toEqual({ reports: 1, proposals: 1, initiatives: 2, stale: [{ id: id(3), name: 'Aanbod 3', assuredDate: null }, { id: id(2), name: 'Aanbod 2', assuredDate: '2025-12-13' }] })
  })

  it("sets the current period's KPIs against its targets; met from 75 %", () => {
    const p1 = DEFAULT_ACCOUNTABILITY_PERIODS[0]!
    // Period 1 covers 2024-H1 to 2025-H1: its half-years add up; 2025-H2 (period 2) does not count.
    const figures = [
      { halfYear: '2024-H2', counts: [{ intervention: 'wor' as const, referred: 0, included: 20, completed: 0 }], measures: undefined },
      { halfYear: '2025-H1', counts: [{ intervention: 'wor' as const, referred: 0, included: 10, completed: 0 }, { intervention: 'vg' as const, referred: 0, included: 5, completed: 0 }], measures: undefined },
      { halfYear: '2025-H2', counts: [{ intervention: 'wor' as const, referred: 0, included: 99, completed: 0 }], measures: undefined },
    ]
    const targets = [
      { period: 'p1', kpi: 'included' as const, intervention: 'vg' as const, target: 10 },
      { period: 'p1', kpi: 'included' as const, intervention: 'wor' as const, target: 40 },
      { period: 'p1', kpi: 'first-contact' as const, intervention: 'wor' as const, target: 90 },
      { period: 'p1', kpi: 'referred' as const, intervention: 'sa' as const, target: 0 },
      { period: 'p3', kpi: 'included' as const, intervention: 'sa' as const, target: 10 },
    ]
    expect(periodProgress(p1, figures, targets)).toEqual([
      { intervention: 'wor', kpi: 'included', value: 30, target: 40, percent: 75, met: true },
      // No measures from the server: the share has no value and no verdict yet.
      { intervention: 'wor', kpi: 'first-contact', value: undefined, target: 90, percent: undefined, met: undefined },
      { intervention: 'vg', kpi: 'included', value: 5, target: 10, percent: 50, met: false },
    ])
  })
})
