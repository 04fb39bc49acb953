/**
 * The resident's own plan (issue 17 point 4, docs/resident-plan.md): what the resident sees when
 * they open the link the casusregisseur gave them — all of their plan, nothing else of the case —
 * and how it is sealed so that only the link opens it.
 *
 * The link is `/mijn-plan/<linkId>#<key>`. The key (32 random bytes, base64url) stays in the URL
 * fragment, which browsers never send to a server. The server stores only the sealed plan
 * (AES-256-GCM under the key; the associated data names the link, so a sealed plan moved to
 * another link does not open). The expiry date is inside the sealed plan: nobody without the key
 * (the server included) can make one that opens, so an expired plan stays expired on the
 * resident's phone also offline.
 */
import { z } from 'zod'
import { isoDate } from '../core/dates'
import { fromBase64, toBase64 } from '../crypto/backup'
import { addDays } from '../core/days'
import { LIFE_DOMAINS, type LifeDomain } from '../socialMap/lifeDomains'
import { baselineOf } from './lifeDomainPicture'
import type { CaseRecord } from './v2'

/** How long a resident link works unless the casusregisseur chooses otherwise (issue 17). */
export const RESIDENT_LINK_DAYS = 90
export const RESIDENT_LINK_DAY_CHOICES = [30, 90, 180, 365] as const
/** The sealed plan in the server: base64 of iv ‖ ciphertext, padded (below); at most this long. */
export const RESIDENT_PLAN_MAX_CHARS = 200_000
const PAD_BLOCK = 1024

const text = (max: number) => z.string().max(max)
const score = z.number().int().min(1).max(5)
const who = z.strictObject({ name: text(200), organisation: text(200), role: text(200), phone: text(40).optional(), lead: z.boolean() })

export const residentPlanSchema = z.strictObject({
  v: z.literal(1),
  linkId: z.guid(),
  /** The day the plan was made (the samenwerkoverleg's date, else the day the link was made). */
  madeOn: isoDate,
  /** When this version of the plan was sent. */
  sentAt: z.string().max(40),
  /** The last day the link works (inclusive, the region's date). */
  expiresOn: isoDate,
  organisation: text(200),
  resident: text(200),
  questions: z.strictObject({ wil: text(5_000), kan: text(5_000), nodig: text(5_000) }),
  strengths: text(5_000),
  /** The life-domain picture: per domain the score now, at the start (the baseline) and the resident's note. */
  lifeDomains: z.array(z.strictObject({ domain: z.enum(LIFE_DOMAINS), score: score.optional(), baseline: score.optional(), note: text(2_000).optional() })).max(LIFE_DOMAINS.length),
  /** The day of the baseline. */
  baselineOn: isoDate.optional(),
  network: z.array(z.strictObject({ name: text(200), relation: text(200), canDo: text(1_000) })).max(100),
  steps: z.array(z.strictObject({ what: text(1_000), who: z.enum(['inwoner', 'netwerk', 'professional']), whoName: text(200).optional(), when: isoDate.optional(), done: z.boolean() })).max(200),
  actions: z.array(z.strictObject({ what: text(1_000), who: text(200), organisation: text(200), due: isoDate.optional(), done: z.boolean() })).max(100),
  whoToCall: z.array(who).max(51),
  evaluationDate: isoDate.optional(),
})
export type ResidentPlan = z.infer<typeof residentPlanSchema>

export interface ResidentPlanContext {
  linkId: string
  /** The organisation making the plan, when the case does not name it. */
  organisation: string
  /** The region's date today. */
  today: string
  expiresOn: string
  sentAt: string
}

/**
 * The resident's plan from a case: the three questions in their own words, the life-domain
 * picture, strengths and network, the small steps, the agreed actions with who does each and by
 * when, who to call (every participant with their organisation and number; the lead first) and the
 * evaluation date. Nothing else of the case (no consent details, referral, notes of the method,
 * GP texts, KPI dates).
 */
export function residentPlanOf(c: CaseRecord, ctx: ResidentPlanContext): ResidentPlan {
  const co = c.consultation
  const current: Partial<Record<LifeDomain, number>> = {}
  for (const d of LIFE_DOMAINS) if (c.lifeDomains[d]?.score !== undefined) current[d] = c.lifeDomains[d]!.score!
  const baseline = baselineOf(c.domainSnapshots, current)
  const participants = co?.participants ?? []
  const byId = new Map(participants.map((p) => [p.id, p]))
  const leadId = co?.leadId ?? participants.find((p) => co?.leadWithResident && p.name.trim() === co.leadWithResident.trim())?.id
  const whoToCall = participants
    .filter((p) => p.name.trim())
    .map((p) => ({ name: p.name, organisation: p.organisation, role: p.role, ...(p.phone?.trim() ? { phone: p.phone.trim() } : {}), lead: p.id === leadId }))
    .sort((a, b) => Number(b.lead) - Number(a.lead))
  // A lead named only in words (older cases): still someone to call.
  if (co?.leadWithResident?.trim() && !leadId) whoToCall.unshift({ name: co.leadWithResident.trim(), organisation: '', role: '', lead: true })
  return {
    v: 1,
    linkId: ctx.linkId,
    madeOn: co?.date ?? ctx.today,
    sentAt: ctx.sentAt,
    expiresOn: ctx.expiresOn,
    organisation: co?.organisation?.trim() || ctx.organisation,
    resident: c.resident.name,
    questions: { ...c.questions },
    strengths: c.strengths,
    lifeDomains: LIFE_DOMAINS.flatMap((domain) => {
      const e = c.lifeDomains[domain]
      const start = baseline[domain]
      if (e?.score === undefined && start === undefined && !e?.note?.trim()) return []
      return [{ domain, ...(e?.score !== undefined ? { score: e.score } : {}), ...(start !== undefined ? { baseline: start } : {}), ...(e?.note?.trim() ? { note: e.note } : {}) }]
    }),
    ...(c.domainSnapshots?.[0] ? { baselineOn: c.domainSnapshots[0].date } : {}),
    network: c.network.filter((n) => n.name.trim()).map(({ name, relation, canDo }) => ({ name, relation, canDo })),
    steps: c.steps.filter((s) => s.what.trim()).map(({ what, who, whoName, when, done }) => ({ what, who, ...(whoName ? { whoName } : {}), ...(when ? { when } : {}), done })),
    actions: (co?.actions ?? [])
      .filter((a) => a.what.trim())
      .map((a) => {
        const owner = a.ownerId ? byId.get(a.ownerId) : undefined
        return { what: a.what, who: owner?.name ?? a.owner, organisation: owner?.organisation ?? '', ...(a.due ? { due: a.due } : {}), done: a.done ?? false }
      }),
    whoToCall,
    ...(co?.evaluationDate ? { evaluationDate: co.evaluationDate } : {}),
  }
}

/** The last day a link made today works. */
export const residentLinkExpiry = (today: string, days: number = RESIDENT_LINK_DAYS) => addDays(today, days)

/** An expired plan shows nothing (also offline): past its last day in the region's date. */
export const residentPlanExpired = (plan: Pick<ResidentPlan, 'expiresOn'>, today: string) => today > plan.expiresOn

/** What a plan says, without the moment it was sent: the page compares it to see whether the link is behind. */
export async function residentPlanDigest(plan: ResidentPlan): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify({ ...plan, sentAt: '' }))
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))
}

/** base64url without padding, on the project's base64 (crypto/backup.ts). */
export const toBase64Url = (bytes: Uint8Array): string => toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
export const fromBase64Url = (text: string): Uint8Array<ArrayBuffer> => fromBase64(text.replace(/-/g, '+').replace(/_/g, '/'))
/** 32 random bytes, base64url (43 characters): a link's key or its manage secret. */
export const randomSecret = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)))
export const residentSecretSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/)

const aad = (linkId: string) => new TextEncoder().encode(`samenwerkwijze-resident-plan|1|${linkId}`)
const aesKey = (key: string, use: KeyUsage) => crypto.subtle.importKey('raw', fromBase64Url(key), 'AES-GCM', false, [use])

/** Seals a plan under the link's key: base64 of iv ‖ ciphertext, the JSON padded to whole KiB (sizes say little). */
export async function sealResidentPlan(key: string, plan: ResidentPlan): Promise<string> {
  const json = JSON.stringify(residentPlanSchema.parse(plan))
  const raw = new TextEncoder().encode(json)
  const padded = new Uint8Array(Math.ceil((raw.length + 1) / PAD_BLOCK) * PAD_BLOCK).fill(0x20)
  padded.set(raw)
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(plan.linkId) }, await aesKey(key, 'encrypt'), padded))
  const out = new Uint8Array(iv.length + ct.length)
  out.set(iv)
  out.set(ct, iv.length)
  return toBase64(out)
}

export class ResidentPlanError extends Error {
  constructor(readonly code: 'does-not-open' | 'not-a-plan') {
    super(code)
  }
}

/** Opens a sealed plan of this link, or throws ResidentPlanError: a wrong key, another link's plan or a changed byte does not open. */
export async function openResidentPlan(key: string, linkId: string, sealed: string): Promise<ResidentPlan> {
  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = fromBase64(sealed)
  } catch {
    throw new ResidentPlanError('does-not-open')
  }
  let plain: ArrayBuffer
  try {
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, 12), additionalData: aad(linkId) }, await aesKey(key, 'decrypt'), bytes.subarray(12))
  } catch {
    throw new ResidentPlanError('does-not-open')
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder().decode(plain))
  } catch {
    throw new ResidentPlanError('not-a-plan')
  }
  const plan = residentPlanSchema.safeParse(parsed)
  if (!plan.success || plan.data.linkId !== linkId) throw new ResidentPlanError('not-a-plan')
  return plan.data
}
