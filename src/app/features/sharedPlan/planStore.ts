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
 * - The lead is trusted on first use: the account whose device signed the first version that opened
 *   is kept as the plan's lead (`leads`); a version signed by another account does not open and is
 *   not `opened` (so its number blocks nothing), the last accepted version stays shown with who now
 *   sends it (`newLead`), until the person accepts that lead (`acceptLead`).
 */
import { myPlansSchema, type MyPlans } from '../../../shared/api/plans'
import type { ParticipantPlan } from '../../../shared/cases/sharedPlan'
import type { KeyChange, NewKey } from '../referrals/trust'
import { openPlanBox, senderOrganisation, type NewLead, type PlanProblem } from './openPlan'
import { acceptedLeadSchema, boxKey, invitedBySchema, keptBoxSchema, leadKey, sharedPlanDb, type InvitedBy, type KeptBox } from './planDb'

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
  /** A newer version comes from another account than the accepted lead: who it says it is. */
  newLead?: NewLead
}

/** The lead this phone accepted for `planId` and `userId`, read back through its schema (a damaged row is none). */
export async function acceptedLead(planId: string, userId: string): Promise<string | undefined> {
  const row = acceptedLeadSchema.safeParse(await sharedPlanDb.leads.get(leadKey(planId, userId))).data
  return row && row.planId === planId && row.userId === userId ? row.leadUserId : undefined
}

/** The person accepts `leadUserId` as the plan's lead (after a handover of the regie): its versions open from now on. */
export async function acceptLead(planId: string, userId: string, leadUserId: string, now = new Date().toISOString()): Promise<void> {
  await sharedPlanDb.leads.put(acceptedLeadSchema.parse({ key: leadKey(planId, userId), planId, userId, leadUserId, acceptedAt: now, how: 'accepted' }))
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
    const lead = await acceptedLead(planId, userId)
    for (const v of versions) {
      const opened = await openPlanBox(v, device, userId, lead)
      if (opened.ok) {
        view.plan = opened.plan
        await db.transaction('rw', db.boxes, db.leads, async () => {
          // Trust on first use: the first version that opens names the lead from now on (unless one was kept meanwhile).
          if (opened.signer && !(await acceptedLead(planId, userId)))
            await db.leads.put({ key: leadKey(planId, userId), planId, userId, leadUserId: opened.signer, acceptedAt: new Date().toISOString(), how: 'first' })
          if (!v.opened) await db.boxes.update(v.key, { opened: true })
          await db.boxes.bulkDelete(versions.filter((o) => o.version < v.version).map((o) => o.key))
        })
        break
      }
      // The newest's reason is the one to show.
      if (view.problem === undefined) Object.assign(view, { problem: opened.problem, ...(opened.unknown ? { unknown: opened.unknown } : {}), ...(opened.change ? { change: opened.change } : {}), ...(opened.newLead ? { newLead: opened.newLead } : {}) })
      else if (opened.unknown && !view.unknown) view.unknown = opened.unknown
      else if (opened.newLead && !view.newLead) view.newLead = opened.newLead
    }
    views.push(view)
  }
  return views.sort((a, b) => (a.plan?.resident ?? '').localeCompare(b.plan?.resident ?? '', 'nl'))
}

/** Who asked this person to a plan, as remembered when they accepted (to name an organisation not yet known); a row that does not fit is none. */
export async function invitedBy(planId: string): Promise<InvitedBy | undefined> {
  return invitedBySchema.safeParse(await sharedPlanDb.invitedBy.get(planId)).data
}
