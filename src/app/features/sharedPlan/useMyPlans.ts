/**
 * The plans this person receives as a participant, for Vandaag and the plan page
 * (docs/shared-plan.md "On the participant's phone"): fetched when online and kept sealed
 * (planStore.ts), opened with this device's key whenever the vault is open, with the answers
 * this phone gave that the plan does not show yet (planResponses.ts). Offline, the kept copies.
 */
import { onMounted, onUnmounted, reactive } from 'vue'
import { getMyPlans } from '../../api/plans'
import { ApiError } from '../../api/errors'
import { DeviceLockedError, thisDevice } from '../../core/deviceIdentity'
import { useSessionStore } from '../../core/useSessionStore'
import { flushOnTriggers } from '../../sync/flushTriggers'
import { useCaseVault } from '../cases/useCaseVault'
import { flushResponses, localAnswers, waitingResponses, type LocalAnswer } from './planResponses'
import { invitedBy, openAll, takeIn, type PlanView } from './planStore'

export interface MyPlan extends PlanView {
  answers: Map<string, LocalAnswer>
  /** The organisation that asked this person, as remembered from the invitation. */
  askedBy?: string
}

export interface MyPlansState {
  loading: boolean
  plans: MyPlan[]
  /** The vault is shut: the kept plans cannot be opened now. */
  locked: boolean
  /** This phone is not (yet) an approved device. */
  needDevice: boolean
  /** The server could not be reached: the kept copies are shown. */
  offline: boolean
  /** Something else went wrong fetching; the kept copies are shown. */
  problem: boolean
}

export function useMyPlans() {
  const session = useSessionStore()
  const vault = useCaseVault()
  const state = reactive<MyPlansState>({ loading: true, plans: [], locked: false, needDevice: false, offline: false, problem: false })

  /** What opening the kept plans shows: the plans, or why none can be opened. */
  async function open(userId: string): Promise<Partial<MyPlansState>> {
    if (!vault.isUnlocked) return { locked: true, plans: [] }
    try {
      const device = await thisDevice()
      if (!device) return { needDevice: true }
      const views = await openAll(device, userId)
      const plans = await Promise.all(
        views.map(async (v) => {
          const asked = await invitedBy(v.planId)
          return { ...v, answers: v.plan ? await localAnswers(v.plan) : new Map<string, LocalAnswer>(), ...(asked ? { askedBy: asked.organisationName } : {}) }
        }),
      )
      return { locked: false, plans }
    } catch (e) {
      if (e instanceof DeviceLockedError && e.code === 'locked') return { locked: true }
      if (e instanceof DeviceLockedError) return { needDevice: true }
      return { problem: true }
    }
  }

  /**
   * Loads overlap (a page opened locked fetches at once and opens the kept copies again when
   * unlocked): an opening that read the kept copies before a fetch took in a newer version may
   * finish after that fetch's own opening. Only the opening started last is shown, with what the
   * newest fetch said (offline, refused), and `state.loading` stays true until every load is done,
   * so a page never says it is ready while showing an older copy than the one on its way.
   */
  let openings = 0
  let loads = 0
  /** What the newest fetch said (an older one answering later says nothing): shown with every opening. */
  let fetched = { offline: false, problem: false, needDevice: false }
  let fetches = 0
  async function openLatest(userId: string): Promise<void> {
    const mine = ++openings
    const next = await open(userId)
    if (mine !== openings) return
    Object.assign(state, next, { offline: fetched.offline, problem: fetched.problem || !!next.problem, needDevice: fetched.needDevice || !!next.needDevice })
  }
  async function busy(fn: () => Promise<void>): Promise<void> {
    loads++
    state.loading = true
    try {
      await fn()
    } finally {
      if (--loads === 0) state.loading = false
    }
  }

  /** Fetches (unless `fetch` is false), keeps and opens. */
  function load(fetch = true): Promise<void> {
    return busy(async () => {
      const userId = session.me?.id
      if (!userId) return
      if (fetch) {
        const mine = ++fetches
        const said = { offline: false, problem: false, needDevice: false }
        try {
          await takeIn(await getMyPlans(), userId)
        } catch (e) {
          if (e instanceof ApiError && e.status === 0) said.offline = true
          else if (e instanceof ApiError && e.code === 'device-required') said.needDevice = true
          else said.problem = true
        }
        if (mine === fetches) fetched = said
      }
      await openLatest(userId)
    })
  }

  /** Sends the answers that wait, and shows how it went (sent, still waiting, or refused). */
  async function sendWaiting(): Promise<void> {
    const userId = session.me?.id
    if (!(await waitingResponses())) return
    await flushResponses().catch(() => 0)
    if (userId) await openLatest(userId)
  }

  // Answers wait in the outbox: sent at once, when the phone is back online and when the page shows again.
  let stop: (() => void) | undefined
  onMounted(() => (stop = flushOnTriggers(sendWaiting, undefined, undefined, () => undefined)))
  onUnmounted(() => stop?.())

  return { state, load, sendWaiting }
}
