/** The worker's device settings (not personal data): auto-lock and retention, checked with Zod when read. */
import { z } from 'zod'
import { LOCAL_KEYS } from '../../core/storageNames'
import { DEFAULT_RETENTION_MONTHS } from './caseArchive'

const KEY = LOCAL_KEYS.caseSettings
export const AUTO_LOCK_CHOICES = [1, 2, 5, 10, 15] as const
export const RETENTION_CHOICES = [3, 6, 12, 24] as const
export interface CaseSettings {
  autoLockMinutes: number
  retentionMonths: number
}
const DEFAULTS: CaseSettings = { autoLockMinutes: 5, retentionMonths: DEFAULT_RETENTION_MONTHS }

// A value that is missing or not one of the choices falls back to its default.
const settingsSchema = z.object({
  autoLockMinutes: z.literal(AUTO_LOCK_CHOICES).catch(DEFAULTS.autoLockMinutes as 5),
  retentionMonths: z.literal(RETENTION_CHOICES).catch(DEFAULTS.retentionMonths as 12),
})

export function readCaseSettings(): CaseSettings {
  try {
    return settingsSchema.parse(JSON.parse(localStorage.getItem(KEY) ?? '{}'))
  } catch {
    return { ...DEFAULTS }
  }
}

export function writeCaseSettings(s: CaseSettings) {
  localStorage.setItem(KEY, JSON.stringify(s))
}
