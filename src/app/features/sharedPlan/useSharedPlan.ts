/**
 * The shared samenwerkplan of the open case, on the casusregisseur's phone (docs/shared-plan.md
 * "On the casusregisseur's phone"): whether this person leads the case (the case team's role, as
 * CaseTeam.vue reads it), who accepted an invitation to the plan, and a run that reads the
 * participants' responses and then publishes a new version when something changed
 * (responses.ts, publish.ts). The consultation form provides it; the participant rows and the
 * status line under the plan use it.
 *
 * A run starts a few seconds after a save that touched the samenwerkoverleg, when the browser comes
 * back online, and when the form opens; runs of one case never overlap.
 */
import { z } from 'zod'
import { inject, onBeforeUnmount, provide, reactive, watch, type InjectionKey } from 'vue'
import type { PlanPerson } from '../../../shared/api/plans'
import type { CaseRecord } from '../../../shared/cases/v2'
import { ApiError } from '../../api/errors'
import { listMembers } from '../../api/caseTeam'
import { getPlanPeople, getPlanResponses, putPlan } from '../../api/plans'
import { now, today } from '../../core/clock'
import { deviceRecord, signingKey } from '../../core/deviceIdentity'
import { onBackOnline } from '../../core/useNetworkStatus'
import { useSessionStore } from '../../core/useSessionStore'
import { announceChanged } from '../caseSync/caseSyncStatus'
import { deviceOrganisationName } from '../cases/consultationPlan'
import type { CaseDraft } from '../cases/useCaseDraft'
import { useCaseVault } from '../cases/useCaseVault'
import { publishPlan, type CaseAccess, type PublishEnv, type PublishResult, type PutResult } from './publishPlan'
import { readResponses, type ReadResult, type ResponsesEnv } from './readResponses'

/** How long after the last save touching the samenwerkoverleg a run starts. */
export const RUN_AFTER_MS = 3_000

export interface SharedPlanView {
  /** The case's team as the server knows it: not-shared = the case is not on the server yet. */
  team: 'loading' | 'ready' | 'not-shared' | 'offline'
  isLead: boolean
  /** People who accepted an invitation to this plan or receive it (empty without a plan). */
  people: PlanPerson[]
  running: boolean
  publish: PublishResult | null
  read: ReadResult | null
  /** The last run failed: offline, or another reason. */
  problem: '' | 'offline' | 'failed' | 'outdated'
}

export interface SharedPlanHandle {
  view: SharedPlanView
  /** Reads the team and the people again. */
  refresh: () => Promise<void>
  /** Reads responses and publishes (lead only). */
  run: () => Promise<void>
  /** Starts a run after RUN_AFTER_MS (restarted by each call). */
  soon: () => void
}

const KEY: InjectionKey<SharedPlanHandle> = Symbol('sharedPlan')

/** Runs of one case, one after the other (also across two open views of it). */
const chains = new Map<string, Promise<unknown>>()
function serial<T>(caseId: string, fn: () => Promise<T>): Promise<T> {
  const next = (chains.get(caseId) ?? Promise.resolve()).then(fn, fn)
  chains.set(caseId, next.catch(() => undefined))
  return next
}

/** The case's storage as publish.ts and responses.ts use it; an open draft merges what they write. */
function caseAccess(): CaseAccess {
  const vault = useCaseVault()
  return {
    load: (id) => vault.store.load(id),
    save: async (record: CaseRecord) => {
      await vault.store.save(record)
      announceChanged([record.id])
    },
  }
}

const currentSchema = z.number().int().min(0)
/**
 * PUT /api/plans/:planId; 409 `version-outdated` as `outdated` with the server's `current`, so the
 * next version goes above it at once (a version stored whose answer was lost would otherwise block
 * the plan for good: every resend is sealed anew, so it is never the same version again).
 */
async function put(planId: string, body: Parameters<typeof putPlan>[1]): Promise<PutResult> {
  try {
    return { stored: (await putPlan(planId, body)).version }
  } catch (e) {
    if (e instanceof ApiError && e.status === 409 && e.code === 'version-outdated') {
      const current = currentSchema.safeParse(e.extra.current)
      return { outdated: current.success ? current.data : undefined }
    }
    throw e
  }
}

async function sender() {
  const d = await deviceRecord()
  if (!d?.id) throw new Error('This device is not registered.')
  return { deviceId: d.id, signingKey: await signingKey() }
}

/** Made by the consultation form for its draft's case; provided to its parts. */
export function provideSharedPlan(draft: Pick<CaseDraft, 'record' | 'flush'>): SharedPlanHandle {
  const session = useSessionStore()
  const caseId = draft.record.id
  const view = reactive<SharedPlanView>({ team: 'loading', isLead: false, people: [], running: false, publish: null, read: null, problem: '' })
  const planId = () => draft.record.consultation?.sharedPlan?.planId

  async function refresh() {
    const me = session.me?.id
    try {
      const members = await listMembers(caseId)
      view.isLead = !!me && members.members.some((m) => m.userId === me && m.role === 'lead')
      view.team = 'ready'
    } catch (e) {
      view.team = e instanceof ApiError && e.status === 404 ? 'not-shared' : 'offline'
      view.isLead = false
      return
    }
    const id = planId()
    if (!view.isLead || !id) return
    try {
      view.people = (await getPlanPeople(id, caseId)).people
    } catch {
      // Offline or not yet known to the server (no invitation sent): nobody to show.
    }
  }

  let alive = true
  async function runOnce() {
    const me = session.me
    if (!me || !alive) return
    if (!view.isLead || !draft.record.consultation?.sharedPlan) return
    // What is typed goes in first, so the run reads the case as it is on screen.
    await draft.flush()
    if (!alive) return
    const cases = caseAccess()
    const readEnv: ResponsesEnv = { me: { userId: me.id, name: me.name }, responses: getPlanResponses, cases }
    const publishEnv: PublishEnv = {
      today: today(),
      now: () => now().toISOString(),
      me: { userId: me.id, organisation: deviceOrganisationName(me) ?? '' },
      sender,
      people: getPlanPeople,
      put,
      cases,
    }
    view.running = true
    try {
      view.read = await readResponses(readEnv, caseId)
      view.publish = await publishPlan(publishEnv, caseId)
      view.problem = view.publish.kind === 'outdated' ? 'outdated' : ''
      if (view.publish.kind === 'published') view.people = (await getPlanPeople(planId()!, caseId).catch(() => ({ people: view.people }))).people
    } catch (e) {
      view.problem = e instanceof ApiError && e.status === 0 ? 'offline' : 'failed'
    } finally {
      view.running = false
    }
  }

  // The team is read first (never queued behind a run), so the rows know at once whether this person leads.
  const run = async () => {
    await refresh()
    await serial(caseId, runOnce)
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const soon = () => {
    clearTimeout(timer)
    timer = setTimeout(() => void run(), RUN_AFTER_MS)
  }
  // A save that touched the samenwerkoverleg (not the shared plan's own bookkeeping).
  watch(
    () => {
      const co = draft.record.consultation
      if (!co) return ''
      return JSON.stringify({ ...co, sharedPlan: undefined })
    },
    (now, before) => {
      if (now !== before) soon()
    },
  )
  const stopOnline = onBackOnline(() => void run())
  onBeforeUnmount(() => {
    alive = false
    clearTimeout(timer)
    stopOnline()
  })
  const handle: SharedPlanHandle = { view, refresh, run, soon }
  provide(KEY, handle)
  return handle
}

/** The consultation form's shared plan; undefined outside one (a part shown on its own). */
export const useSharedPlan = (): SharedPlanHandle | undefined => inject(KEY, undefined)
