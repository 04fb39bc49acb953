/** When the GP last looked at their referrals' overview: Vandaag shows what happened since (no patient data: a moment only). */
import { LOCAL_KEYS } from '../../core/storageNames'

export function gpSeenAt(): string | null {
  try {
    return localStorage.getItem(LOCAL_KEYS.gpSeenAt)
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
