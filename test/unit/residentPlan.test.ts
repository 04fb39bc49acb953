/** The resident's own plan: what it holds from a case, and that only its link's key opens it (src/shared/cases/residentPlan.ts). */
import { describe, expect, it } from 'vitest'
import {
  openResidentPlan,
  randomSecret,
  residentLinkExpiry,
  residentPlanDigest,
  residentPlanExpired,
  residentPlanOf,
  ResidentPlanError,
  sealResidentPlan,
} from '../../src/shared/cases/residentPlan'
import { residentPlanAnswerSchema } from '../../src/shared/api/residentPlans'
import { fullCase } from './recordDocFixtures'

const LINK = '6f0f4b0e-4a8e-4d8e-9a57-0c1f3d2b7a10'
const OTHER_LINK = '6f0f4b0e-4a8e-4d8e-9a57-0c1f3d2b7a11'
const ctx = { linkId: LINK, organisation: 'Welzijn Meierijstad', today: '2026-03-06', expiresOn: '2026-06-04', sentAt: '2026-03-06T10:00:00.000Z' }

describe('residentPlanOf', () => {
  it('holds all of the plan: actions with who and by when, who to call with organisation and number (the lead first), the evaluation date, the own words, the picture, the date and the organisation', () => {
    const plan = residentPlanOf(fullCase(), ctx)
    expect(plan.madeOn).toBe('2026-03-05')
    expect(plan.organisation).toBe('Welzijn Oss')
    expect(plan.evaluationDate).toBe('2026-06-01')
    expect(plan.questions.wil).toBe('Ik wil weer mensen zien.')
    expect(plan.actions).toEqual([
      { what: 'Schuldhulp regelen', who: 'Sanne', organisation: 'Welzijn Oss', due: '2026-04-01', done: false },
      { what: 'Medicatie nakijken', who: 'Dr. Jansen', organisation: 'Praktijk Oss', done: true },
    ])
    expect(plan.whoToCall[0]).toMatchObject({ name: 'Sanne', lead: true })
    expect(plan.whoToCall[1]).toEqual({ name: 'Dr. Jansen', organisation: 'Praktijk Oss', role: 'huisarts', phone: '0412 123456', lead: false })
    expect(plan.lifeDomains).toContainEqual({ domain: 'wonen', score: 3, baseline: 3, note: 'Trap is lastig.' })
    expect(plan.baselineOn).toBe('2026-03-02')
    expect(plan.network).toEqual([{ name: 'Piet', relation: 'buurman', canDo: 'Boodschappen doen' }])
    expect(plan.steps).toHaveLength(2)
  })

  it('holds nothing else of the case: no referral, GP texts, consent, method answers, KPI dates or links', () => {
    const json = JSON.stringify(residentPlanOf(fullCase(), ctx))
    for (const elsewhere of ['Mevrouw is veel alleen', 'Samenwerken aan het plan', 'Hulp bij eenzaamheid', 'Huisarts en wijkteam', 'Doelen bereikt', 'Welzijn op Recept', 'Eerst de schulden', 'Nog niet nodig', '06 12345678', 'kkkkkkkk', 'Vervallen', 'Dochter'])
      expect(json).not.toContain(elsewhere)
  })

  it('an older case (lead and owner only in words, no organisation) still names who to call', () => {
    const c = fullCase()
    const co = c.consultation!
    co.participants = []
    co.actions = [{ id: crypto.randomUUID(), what: 'Bellen', owner: 'Sanne' }]
    delete co.leadId
    delete co.organisation
    const plan = residentPlanOf(c, ctx)
    expect(plan.organisation).toBe('Welzijn Meierijstad')
    expect(plan.whoToCall).toEqual([{ name: 'Sanne', organisation: '', role: '', lead: true }])
    expect(plan.actions[0]).toEqual({ what: 'Bellen', who: 'Sanne', organisation: '', done: false })
  })
})

describe('sealing', () => {
  it('opens with its key and link, and with nothing else', async () => {
    const key = randomSecret()
    const plan = residentPlanOf(fullCase(), ctx)
    const sealed = await sealResidentPlan(key, plan)
    expect(await openResidentPlan(key, LINK, sealed)).toEqual(plan)
    await expect(openResidentPlan(randomSecret(), LINK, sealed)).rejects.toEqual(new ResidentPlanError('does-not-open'))
    // The server moving a sealed plan to another link: the associated data names the link.
    await expect(openResidentPlan(key, OTHER_LINK, sealed)).rejects.toEqual(new ResidentPlanError('does-not-open'))
    const bytes = atob(sealed)
    const flipped = btoa(bytes.slice(0, 40) + String.fromCharCode(bytes.charCodeAt(40) ^ 1) + bytes.slice(41))
    await expect(openResidentPlan(key, LINK, flipped)).rejects.toEqual(new ResidentPlanError('does-not-open'))
    await expect(openResidentPlan(key, LINK, '%%%')).rejects.toEqual(new ResidentPlanError('does-not-open'))
  })

  it('pads to whole KiB, so the size says little about what was written', async () => {
    const key = randomSecret()
    const a = residentPlanOf(fullCase(), ctx)
    const b = { ...a, strengths: a.strengths + ' en meer' }
    const sizes = await Promise.all([a, b].map(async (p) => atob(await sealResidentPlan(key, p)).length))
    expect(sizes[0]).toBe(sizes[1])
    expect((sizes[0]! - 12 - 16) % 1024).toBe(0)
  })
})

describe('expiry and digest', () => {
  it('a link works to its last day and shows nothing after it', () => {
    expect(residentLinkExpiry('2026-03-06')).toBe('2026-06-04')
    expect(residentPlanExpired({ expiresOn: '2026-06-04' }, '2026-06-04')).toBe(false)
    expect(residentPlanExpired({ expiresOn: '2026-06-04' }, '2026-06-05')).toBe(true)
  })

  it('the digest changes with the plan, not with the moment it was sent', async () => {
    const a = residentPlanOf(fullCase(), ctx)
    expect(await residentPlanDigest({ ...a, sentAt: 'later' })).toBe(await residentPlanDigest(a))
    expect(await residentPlanDigest({ ...a, evaluationDate: '2026-07-01' })).not.toBe(await residentPlanDigest(a))
  })
})

describe('the server’s answer, as the resident’s phone reads it', () => {
  it('takes a sealed plan and refuses a body the server would never have taken (too long, not base64)', async () => {
    const sealed = await sealResidentPlan(randomSecret(), residentPlanOf(fullCase(), ctx))
    expect(residentPlanAnswerSchema.safeParse({ body: sealed, updatedAt: '2026-03-06T10:00:00.000Z' }).success).toBe(true)
    for (const body of ['A'.repeat(600_000), '<html>Log in</html>', ''])
      expect({ body: body.slice(0, 20), ok: residentPlanAnswerSchema.safeParse({ body, updatedAt: '2026-03-06T10:00:00.000Z' }).success }).toEqual({ body: body.slice(0, 20), ok: false })
  })
})
