/**
 * The resident's plans on their own phone (docs/resident-plan.md): per link the key from the
 * link's fragment and the last sealed plan the server gave, so the plan opens again offline. The
 * plan stays sealed here too and is opened (and its expiry checked) each time it is shown.
 * Everything read back is checked with Zod: a damaged entry is dropped, never half-used.
 */
import { z } from 'zod'
import { residentSecretSchema } from '../../../shared/cases/residentPlan'
import { LOCAL_KEYS } from '../../core/storageNames'

const entrySchema = z.object({ key: residentSecretSchema, body: z.string().max(500_000).optional(), savedAt: z.string().max(40).optional() })
export type StoredResidentPlan = z.infer<typeof entrySchema>
const storeSchema = z.record(z.guid(), z.unknown())

function readAll(): Record<string, unknown> {
  try {
    const parsed = storeSchema.safeParse(JSON.parse(localStorage.getItem(LOCAL_KEYS.residentPlans) ?? '{}'))
    return parsed.success ? parsed.data : {}
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
