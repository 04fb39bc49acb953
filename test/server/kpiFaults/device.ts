/**
 * A phone of the fault test: its cases in memory, each with its facts for the steering measures
 * (issue 18) beside it as the app keeps them, its outbox the app's own (a CaseDb in fake-indexeddb,
 * filled by the app's markPeriodsChanged with the periods the app's touchedPeriods and
 * changedPeriods name), its counting id kept where the app's CounterStore would keep it, its
 * snapshots signed with its own signing key.
 */
import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { touchedPeriods } from '../../../src/app/features/cases/caseStore'
import { changedPeriods } from '../../../src/app/features/cases/caseFactsStore'
import { today } from '../../../src/app/core/clock'
import { CaseDb } from '../../../src/app/features/cases/caseDb'
import { markPeriodsChanged, type CounterStore, type SyncIdentity } from '../../../src/app/features/cases/kpiSyncCore'
import { ApiError } from '../../../src/app/core/http'
import { signMessage } from '../../../src/shared/crypto/signatures'
import { errorReplySchema } from '../../../src/shared/api/errors'
import { UNKNOWN, type Countable } from '../../../src/shared/kpi/counts'
import { CASE_FACTS_VERSION, caseFactsSchema, GP_REFERRERS, type CaseFacts } from '../../../src/shared/kpi/caseFacts'
import { AGE_BANDS } from '../../../src/shared/kpi/measures'
import { addDays } from '../../../src/shared/core/dates'
import { CLOSE_CATEGORIES, REFERRER_TYPES, SA_OUTFLOW, VG_OUTCOMES } from '../../../src/shared/cases/v2'
import { MUNICIPALITIES } from '../../../src/shared/socialMap/places'
import type { Agent } from '../agent'
import type { TestDevice } from '../devices'

/** A seeded generator, so a failure can be replayed. */
export function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The days cases fall on: the first and last day of every half-year they touch, and days between. */
export const DAYS = ['2025-06-30', '2025-07-01', '2025-11-03', '2025-12-31', '2026-01-01', '2026-02-10', '2026-06-30', '2026-07-01', '2026-10-30']

/** Days from the referral to a first contact or an intake: both sides of each bucket's edge (7, 14, 28 days). */
export const OFFSETS = [0, 1, 6, 7, 8, 13, 14, 15, 27, 28, 29, 45]

/**
 * A generated case: what the counts read (Countable) and what the steering measures read, as plain
 * fields (kpiFaults/reference.ts counts from these). The samenwerkwijze has no intake and only
 * Welzijn op Recept a first contact, as on a real phone.
 */
export interface FaultCase extends Countable {
  pathway: 'wor' | 'vg' | 'sa' | 'samenwerkwijze'
  referredAt: string
  ageBand: (typeof AGE_BANDS)[number] | typeof UNKNOWN
  firstContactAt?: string
  intakeAt?: string
  closedAt?: string
  closeCategory?: string
  /** Feedback (WoR) or advice (VG) went back to the GP. */
  gpAnswered: boolean
  /** A samenwerkoverleg was called. */
  overleg: boolean
  hasPlan: boolean
}

/** The case's facts as the app keeps them beside it (src/shared/kpi/caseFacts.ts), checked by the app's schema. */
export function factsOfCase(c: FaultCase): CaseFacts {
  const referrerType = c.referrerType ?? UNKNOWN
  return caseFactsSchema.parse({
    version: CASE_FACTS_VERSION,
    intervention: c.pathway,
    municipality: c.municipality ?? UNKNOWN,
    referrerType,
    ageBand: c.ageBand,
    referredOn: c.referredAt,
    gpReferral: (GP_REFERRERS as readonly string[]).includes(referrerType),
    gpAnswered: c.gpAnswered,
    overleg: c.overleg,
    hasPlan: c.hasPlan,
    fidelity: [],
    domains: [],
    ...(c.firstContactAt ? { firstContactOn: c.firstContactAt } : {}),
    ...(c.intakeAt ? { intakeOn: c.intakeAt } : {}),
    ...(c.includedAt ? { includedOn: c.includedAt } : {}),
    ...(c.includedAt && c.completedAt ? { completedOn: c.completedAt } : {}),
    ...(c.closedAt ? { closedOn: c.closedAt, closeCategory: c.closeCategory ?? UNKNOWN } : {}),
  })
}

/** The outflow categories a closed case of the pathway can have (none recorded: counted as unknown). */
const CLOSE_LISTS: Record<FaultCase['pathway'], readonly string[]> = { wor: CLOSE_CATEGORIES, samenwerkwijze: CLOSE_CATEGORIES, sa: SA_OUTFLOW, vg: VG_OUTCOMES }

/**
 * One request as the app's API client makes it (src/app/core/http.ts `api`): no answer is an
 * ApiError with status 0, a refusal an ApiError with the server's status, code and retryAfter, an
 * answer is checked with the shared schema.
 */
export async function apiCall<S extends z.ZodType>(agent: Agent, method: string, path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
  let res: Response
  try {
    res = await agent.call(method, path, body)
  } catch {
    throw new ApiError(0, 'offline', 'No connection')
  }
  const data: unknown = await res.json().catch(() => undefined)
  if (!res.ok) {
    const e = errorReplySchema.partial({ code: true }).safeParse(data)
    throw new ApiError(res.status, e.success ? (e.data.code ?? String(res.status)) : String(res.status), e.success ? e.data.error : `HTTP ${res.status}`, e.success ? e.data.retryAfter : undefined)
  }
  const parsed = schema.safeParse(data)
  if (!parsed.success) throw new ApiError(res.status, 'bad-answer', 'Unexpected answer from the server')
  return parsed.data
}

export class Device {
  readonly cases = new Map<number, FaultCase>()
  /** Each case's facts, kept beside it as the app keeps them (CaseStore: caseFacts). */
  readonly facts = new Map<number, CaseFacts>()
  /** The phone's database: its outbox table is the one the app sends from. */
  readonly db = new CaseDb(`kpi-faults-${randomUUID()}`)
  private version = 0
  private nextCase = 0
  /** Where the phone keeps its counting id (localStorage in the app). */
  private counter: { counterId: string; deviceId?: string } | null = null

  constructor(
    readonly agent: Agent,
    readonly organisationId: string,
    readonly phone: TestDevice,
    private readonly random: () => number,
  ) {}

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)]!
  }

  /** A close: its day, and the pathway's outflow category now and then left unrecorded. */
  private close(c: FaultCase, day: string): void {
    c.closedAt = day
    if (this.random() < 0.8) c.closeCategory = this.pick(CLOSE_LISTS[c.pathway])
    else delete c.closeCategory
  }

  /** What a social worker does between syncs: a new case, an intake, a close, a correction; and what the measures read. */
  async change(): Promise<void> {
    const existing = [...this.cases.keys()]
    const id = existing.length > 0 && this.random() < 0.6 ? this.pick(existing) : this.nextCase++
    const before = this.cases.get(id)
    const after: FaultCase = before
      ? { ...before }
      : {
          pathway: this.pick(['wor', 'vg', 'sa', 'samenwerkwijze'] as const),
          referredAt: this.pick(DAYS),
          // Now and then the municipality or the referrer was not recorded: counted as `onbekend`.
          ...(this.random() < 0.9 ? { municipality: this.pick(MUNICIPALITIES) } : {}),
          ...(this.random() < 0.9 ? { referrerType: this.pick(REFERRER_TYPES.slice(0, 3)) } : {}),
          ageBand: this.random() < 0.9 ? this.pick(AGE_BANDS) : UNKNOWN,
          gpAnswered: false,
          overleg: false,
          hasPlan: false,
        }
    const r = this.random()
    if (r < 0.4) after.includedAt = this.pick(DAYS)
    else if (r < 0.6 && after.includedAt) {
      after.completedAt = this.pick(DAYS.filter((d) => d >= after.includedAt!))
      this.close(after, after.completedAt)
    } else if (r < 0.8) after.municipality = this.pick(MUNICIPALITIES)
    else if (r < 0.9) delete after.includedAt
    // What only the steering measures read.
    const m = this.random()
    const afterReferral = () => addDays(after.referredAt, this.pick(OFFSETS))
    if (m < 0.15 && after.pathway === 'wor') after.firstContactAt = afterReferral()
    else if (m < 0.3 && after.pathway !== 'samenwerkwijze') after.intakeAt = afterReferral()
    else if (m < 0.4 && (after.pathway === 'wor' || after.pathway === 'vg')) after.gpAnswered = !after.gpAnswered
    else if (m < 0.5) {
      after.overleg = after.pathway === 'samenwerkwijze' || this.random() < 0.5
      after.hasPlan = after.overleg && this.random() < 0.6
    } else if (m < 0.55) after.ageBand = this.pick(AGE_BANDS)
    else if (m < 0.6) {
      // A date entered by mistake is removed again.
      delete after.firstContactAt
      delete after.intakeAt
    } else if (m < 0.65 && !after.closedAt) this.close(after, this.pick(DAYS.filter((d) => d >= after.referredAt)))
    else if (m < 0.68 && after.closedAt) this.close(after, after.closedAt)
    this.cases.set(id, after)
    const factsBefore = this.facts.get(id)
    const factsAfter = factsOfCase(after)
    this.facts.set(id, factsAfter)
    // As CaseStore does: the periods the counts touch, and those whose measure rows the new facts change.
    const periods = touchedPeriods(before, after)
    for (const p of changedPeriods(factsBefore, factsAfter, today())) periods.add(p)
    await this.db.transaction('rw', this.db.outbox, () => markPeriodsChanged(this.db.outbox, periods))
  }

  waiting(): Promise<number> {
    return this.db.outbox.count()
  }

  store(): CounterStore {
    return {
      current: () => this.counter,
      pendingMove: () => null,
      bind: (counterId, deviceId) => {
        this.counter = { counterId, deviceId }
      },
      dropPendingMove: () => {},
    }
  }

  raiseVersion(atLeast: number): void {
    this.version = Math.max(this.version, atLeast)
  }

  identity(counterId: string): SyncIdentity {
    return {
      counterId,
      organisationId: this.organisationId,
      nextVersion: () => ++this.version,
      raiseVersion: (v) => this.raiseVersion(v),
      sign: (message) => signMessage(this.phone.keys.signing.privateKey, message),
    }
  }
}
