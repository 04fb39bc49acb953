/**
 * The casusregisseur's side of the resident's links (docs/resident-plan.md): make a link, send the
 * plan again when it changed, withdraw it. The link (its key and manage secret) is kept in the
 * case, so it travels with the case (a handover included) and never to the server in the clear.
 * Each change reads the case again right before it writes, so an edit synced in meanwhile is kept.
 */
import { residentLinkExpiry, randomSecret, residentPlanDigest, residentPlanOf, sealResidentPlan, type ResidentPlan } from '../../../shared/cases/residentPlan'
import type { CaseRecord } from '../../../shared/cases/v2'
import { postResidentLink, putResidentLink, withdrawResidentLink } from '../../api/residentPlans'
import { regionDate } from '../../../shared/core/clock'
import { now, today } from '../../core/clock'

export type ResidentLink = NonNullable<NonNullable<CaseRecord['consultation']>['residentLinks']>[number]

export interface CaseAccess {
  load: (id: string) => Promise<CaseRecord | undefined>
  save: (record: CaseRecord) => Promise<void>
}

/** The address the resident opens: the key only in the fragment. */
export const residentLinkUrl = (link: Pick<ResidentLink, 'id' | 'key'>, origin = window.location.origin) => `${origin}/mijn-plan/${link.id}#${link.key}`

export const activeLinks = (c: CaseRecord) => (c.consultation?.residentLinks ?? []).filter((l) => !l.withdrawnAt && l.expiresOn >= today())

/** The plan a link holds; a plan without a samenwerkoverleg date counts as made the day the link was. */
export const planFor = (c: CaseRecord, link: Pick<ResidentLink, 'id' | 'expiresOn' | 'createdAt'>, organisation: string): ResidentPlan =>
  residentPlanOf(c, { linkId: link.id, organisation, today: regionDate(new Date(link.createdAt)), expiresOn: link.expiresOn, sentAt: now().toISOString() })

/** Whether the plan the link holds is behind the case. */
export async function isBehind(c: CaseRecord, link: ResidentLink, organisation: string): Promise<boolean> {
  return link.sent !== (await residentPlanDigest(planFor(c, link, organisation)))
}

async function change(cases: CaseAccess, caseId: string, edit: (links: ResidentLink[]) => void): Promise<CaseRecord> {
  const latest = await cases.load(caseId)
  if (!latest?.consultation) throw new Error('The case has no samenwerkoverleg any more.')
  const links = [...(latest.consultation.residentLinks ?? [])]
  edit(links)
  latest.consultation = { ...latest.consultation, residentLinks: links }
  await cases.save(latest)
  return latest
}

/** Makes a link that works `days` days: the server stores the sealed plan, then the case keeps the link. */
export async function makeLink(cases: CaseAccess, c: CaseRecord, organisation: string, days: number): Promise<ResidentLink> {
  const link: ResidentLink = { id: crypto.randomUUID(), key: randomSecret(), manage: randomSecret(), createdAt: now().toISOString(), expiresOn: residentLinkExpiry(today(), days) }
  const plan = planFor(c, link, organisation)
  await postResidentLink(link.id, link.manage, await sealResidentPlan(link.key, plan), link.expiresOn)
  link.sent = await residentPlanDigest(plan)
  try {
    await change(cases, c.id, (links) => links.push(link))
  } catch (e) {
    // Not kept in the case: nobody could withdraw it later, so it goes at once.
    await withdrawResidentLink(link.id, link.manage).catch(() => undefined)
    throw e
  }
  return link
}

/** Sends the plan as it is now to the link. */
export async function updateLink(cases: CaseAccess, c: CaseRecord, link: ResidentLink, organisation: string): Promise<void> {
  const plan = planFor(c, link, organisation)
  await putResidentLink(link.id, link.manage, await sealResidentPlan(link.key, plan), link.expiresOn)
  const sent = await residentPlanDigest(plan)
  await change(cases, c.id, (links) => {
    const i = links.findIndex((l) => l.id === link.id)
    if (i >= 0) links[i] = { ...links[i]!, sent }
  })
}

/**
 * After someone left the case's team: each live link gets a new manage secret (sent with the plan
 * as it is now), so the secret the removed person's phone still holds neither changes nor withdraws
 * the link. Their phone also holds the link's key, so they could still read what the link shows;
 * the panel offers a new link for that (docs/resident-plan.md "Known limits").
 */
export async function renewManageSecrets(cases: CaseAccess, caseId: string, organisation: string): Promise<number> {
  const c = await cases.load(caseId)
  if (!c) return 0
  const renewed = new Map<string, { manage: string; sent: string }>()
  for (const link of activeLinks(c)) {
    const plan = planFor(c, link, organisation)
    const manage = randomSecret()
    await putResidentLink(link.id, link.manage, await sealResidentPlan(link.key, plan), link.expiresOn, manage)
    renewed.set(link.id, { manage, sent: await residentPlanDigest(plan) })
  }
  if (renewed.size)
    await change(cases, caseId, (links) => {
      for (const [i, l] of links.entries()) {
        const r = renewed.get(l.id)
        if (r) links[i] = { ...l, ...r }
      }
    })
  return renewed.size
}

/** Withdraws the link: the server drops the sealed plan; the resident's phone forgets it the next time it is online. */
export async function withdrawLink(cases: CaseAccess, c: CaseRecord, link: ResidentLink): Promise<void> {
  await withdrawResidentLink(link.id, link.manage)
  await change(cases, c.id, (links) => {
    const i = links.findIndex((l) => l.id === link.id)
    if (i >= 0) links[i] = { ...links[i]!, withdrawnAt: now().toISOString() }
  })
}
