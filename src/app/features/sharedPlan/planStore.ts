/**
 * The plans this person receives, kept on this phone (planDb.ts; docs/shared-plan.md "On the
 * participant's phone"): taken in from GET /api/plans/mine as sealed boxes, opened with this
 * device's key on every showing (openPlan.ts), so they show offline too.
 *
 * - Newest wins: a version at or below one this phone already opened is never taken in again
 *   (rollback). A newer version that does not open (yet) never pushes out an older one that does:
 *   both wait, and the older is shown until the newer opens.
 * - A plan the server no longer lists for this person (consent withdrawn, removed) stays readable
 *   as last received, marked `gone`; nothing new arrives.
 */
import { myPlansSchema, type MyPlans } from '../../../shared/api/plans'
import type { ParticipantPlan } from '../../../shared/cases/sharedPlan'
import type { KeyChange, NewKey } from '../referrals/trust'
import { openPlanBox, senderOrganisation, type PlanProblem } from './openPlan'
import { boxKey, invitedBySchema, keptBoxSchema, sharedPlanDb, type InvitedBy, type KeptBox } from './planDb'

/** Keeps what the server listed; marks the plans it no longer lists for `userId` as gone. */
export async function takeIn(answer: MyPlans, userId: string, now = new Date().toISOString()): Promise<void> {
  const { plans, chains } = myPlansSchema.parse(answer)
  const db = sharedPlanDb
  await db.transaction('rw', db.boxes, async () => {
    const kept = (await db.boxes.toArray()).flatMap((r) => keptBoxSchema.safeParse(r).data ?? []).filter((r) => r.userId === userId)
    const listed = new Set<string>()
    for (const p of plans) {
      listed.add(p.planId)
      const same = kept.filter((r) => r.planId === p.planId)
      // Rollback: a version at or below one that opened here is not taken in.
      if (same.some((r) => r.opened && r.version >= p.version)) continue
      const org = senderOrganisation(p.sender)
      const row: KeptBox = { key: boxKey(p.planId, p.version), planId: p.planId, version: p.version, userId, box: p.box, sender: p.sender, chains: org && org in chains ? { [org]: chains[org] } : {}, receivedAt: p.receivedAt || now }
      // The same version again: the first copy stays (it may have opened already).
      if (!same.some((r) => r.version === p.version)) await db.boxes.put(row)
    }
    for (const r of kept) {
      const gone = !listed.has(r.planId)
      if ((r.gone ?? false) !== gone) await db.boxes.update(r.key, { gone })
    }
  })
}

/** One plan as the pages show it. */
export interface PlanView {
  planId: string
  /** The newest version that opened; undefined when none did. */
  plan?: ParticipantPlan
  gone: boolean
  /** Why the newest version did not open (an older one may be shown meanwhile). */
  problem?: PlanProblem
  unknown?: NewKey
  change?: KeyChange
}

/**
 * Opens every kept plan of `userId`, newest version first. The first that opens is the plan; older
 * ones are dropped and it is marked opened (no rollback below it from now on).
 */
export async function openAll(device: { id: string; privateKey: CryptoKey }, userId: string): Promise<PlanView[]> {
  const db = sharedPlanDb
  const rows = (await db.boxes.toArray()).flatMap((r) => keptBoxSchema.safeParse(r).data ?? []).filter((r) => r.userId === userId)
  const byPlan = new Map<string, KeptBox[]>()
  for (const r of rows) byPlan.set(r.planId, [...(byPlan.get(r.planId) ?? []), r])
  const views: PlanView[] = []
  for (const [planId, versions] of byPlan) {
    versions.sort((a, b) => b.version - a.version)
    const view: PlanView = { planId, gone: versions.some((v) => v.gone) }
    for (const v of versions) {
      const opened = await openPlanBox(v, device, userId)
      if (opened.ok) {
        view.plan = opened.plan
        await db.transaction('rw', db.boxes, async () => {
          if (!v.opened) await db.boxes.update(v.key, { opened: true })
          await db.boxes.bulkDelete(versions.filter((o) => o.version < v.version).map((o) => o.key))
        })
        break
      }
      // The newest's reason is the one to show.
      if (view.problem === undefined) Object.assign(view, { problem: opened.problem, ...(opened.unknown ? { unknown: opened.unknown } : {}), ...(opened.change ? { change: opened.change } : {}) })
      else if (opened.unknown && !view.unknown) view.unknown = opened.unknown
    }
    views.push(view)
  }
  return views.sort((a, b) => (a.plan?.resident ?? '').localeCompare(b.plan?.resident ?? '', 'nl'))
}

/** Who asked this person to a plan, as remembered when they accepted (to name an organisation not yet known); a row that does not fit is none. */
export async function invitedBy(planId: string): Promise<InvitedBy | undefined> {
  return invitedBySchema.safeParse(await sharedPlanDb.invitedBy.get(planId)).data
}
