/** When the GP last looked at their referrals' overview: Vandaag shows what happened since (no patient data: a moment only). */
import { z } from 'zod'
import { LOCAL_KEYS } from '../../core/storageNames'

/** A stored value that is not a moment (edited by hand, an old format) counts as never seen: all news shows. */
const seenAt = z.iso.datetime()

export function gpSeenAt(): string | null {
  try {
    const parsed = seenAt.safeParse(localStorage.getItem(LOCAL_KEYS.gpSeenAt))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

export function markGpSeen(at = new Date().toISOString()): void {
  try {
    localStorage.setItem(LOCAL_KEYS.gpSeenAt, at)
  } catch {
    // A full or blocked storage: Vandaag shows the news once more.
  }
}
