/**
 * The resident's plans on their own phone (docs/resident-plan.md): per link the key from the
 * link's fragment and the last sealed plan the server gave, so the plan opens again offline. The
 * plan stays sealed here too and is opened (and its expiry checked) each time it is shown.
 * Everything read back is checked with Zod: a damaged entry is dropped, never half-used.
 */
import { z } from 'zod'
import { openResidentPlan, residentPlanExpired, residentSecretSchema } from '../../../shared/cases/residentPlan'
import { LOCAL_KEYS } from '../../core/storageNames'

const entrySchema = z.object({ key: residentSecretSchema, body: z.string().max(500_000).optional(), savedAt: z.string().max(40).optional() })
export type StoredResidentPlan = z.infer<typeof entrySchema>
const storeSchema = z.record(z.string(), z.unknown())
const linkIdSchema = z.guid()

/** Every entry under a link id; one damaged id is dropped, not the whole store (the next write would lose every plan). */
function readAll(): Record<string, unknown> {
  try {
    const parsed = storeSchema.safeParse(JSON.parse(localStorage.getItem(LOCAL_KEYS.residentPlans) ?? '{}'))
    return parsed.success ? Object.fromEntries(Object.entries(parsed.data).filter(([id]) => linkIdSchema.safeParse(id).success)) : {}
  } catch {
    return {}
  }
}
function writeAll(all: Record<string, unknown>) {
  try {
    if (Object.keys(all).length) localStorage.setItem(LOCAL_KEYS.residentPlans, JSON.stringify(all))
    else localStorage.removeItem(LOCAL_KEYS.residentPlans)
  } catch {
    // Storage full or blocked: the plan still shows now; it just will not open offline.
  }
}

export function storedResidentPlan(linkId: string): StoredResidentPlan | undefined {
  const entry = entrySchema.safeParse(readAll()[linkId])
  return entry.success ? entry.data : undefined
}
export function storeResidentPlan(linkId: string, entry: StoredResidentPlan) {
  writeAll({ ...readAll(), [linkId]: entrySchema.parse(entry) })
}
/** A withdrawn or expired link: nothing of it stays on the phone. */
export function forgetResidentPlan(linkId: string) {
  const all = readAll()
  delete all[linkId]
  writeAll(all)
}

/**
 * Forgets every kept plan past its last day (the region's `today`), also of links whose page is
 * never opened again; `except` is the page's own link, which handles itself. A plan that does not
 * open is left alone (its page says so).
 */
export async function forgetExpiredResidentPlans(today: string, except?: string): Promise<void> {
  const expired: string[] = []
  for (const [id, value] of Object.entries(readAll())) {
    const entry = entrySchema.safeParse(value)
    if (id === except || !entry.success || !entry.data.body) continue
    try {
      if (residentPlanExpired(await openResidentPlan(entry.data.key, id, entry.data.body), today)) expired.push(id)
    } catch {
      // Does not open: not ours to judge here.
    }
  }
  if (!expired.length) return
  const all = readAll()
  for (const id of expired) delete all[id]
  writeAll(all)
}
