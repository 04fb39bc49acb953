/**
 * A phone of the fault test: its cases in memory, its outbox the app's own (a CaseDb in
 * fake-indexeddb, filled by the app's markPeriodsChanged), its counting id kept where the app's
 * CounterStore would keep it, its snapshots signed with its own signing key.
 */
import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { touchedPeriods } from '../../../src/app/features/cases/caseStore'
import { CaseDb } from '../../../src/app/features/cases/caseDb'
import { markPeriodsChanged, type CounterStore, type SyncIdentity } from '../../../src/app/features/cases/kpiSyncCore'
import { ApiError } from '../../../src/app/core/http'
import { signMessage } from '../../../src/shared/crypto/signatures'
import { errorReplySchema } from '../../../src/shared/api/errors'
import type { Countable } from '../../../src/shared/kpi/counts'
import { REFERRER_TYPES } from '../../../src/shared/cases/v2'
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
  readonly cases = new Map<number, Countable>()
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

  /** What a social worker does between syncs: a new case, an intake, a close, a correction. */
  async change(): Promise<void> {
    const existing = [...this.cases.keys()]
    const id = existing.length > 0 && this.random() < 0.6 ? this.pick(existing) : this.nextCase++
    const before = this.cases.get(id)
    const after: Countable = before
      ? { ...before }
      : {
          pathway: this.pick(['wor', 'vg', 'sa', 'samenwerkwijze'] as const),
          referredAt: this.pick(DAYS),
          // Now and then the municipality or the referrer was not recorded: counted as `onbekend`.
          ...(this.random() < 0.9 ? { municipality: this.pick(MUNICIPALITIES) } : {}),
          ...(this.random() < 0.9 ? { referrerType: this.pick(REFERRER_TYPES.slice(0, 3)) } : {}),
        }
    const r = this.random()
    if (r < 0.4) after.includedAt = this.pick(DAYS)
    else if (r < 0.6 && after.includedAt) after.completedAt = this.pick(DAYS.filter((d) => d >= after.includedAt!))
    else if (r < 0.8) after.municipality = this.pick(MUNICIPALITIES)
    else if (r < 0.9) delete after.includedAt
    this.cases.set(id, after)
    const periods = touchedPeriods(before, after)
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
