/** The worker's device settings (not personal data): auto-lock and retention, checked when read. */
import { DEFAULT_RETENTION_MONTHS } from './caseArchive'

const KEY = 'samenwerkwijze.caseSettings'
export const AUTO_LOCK_CHOICES = [1, 2, 5, 10, 15] as const
export const RETENTION_CHOICES = [3, 6, 12, 24] as const
export interface CaseSettings {
  autoLockMinutes: number
  retentionMonths: number
}
const DEFAULTS: CaseSettings = { autoLockMinutes: 5, retentionMonths: DEFAULT_RETENTION_MONTHS }

export function readCaseSettings(): CaseSettings {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Record<keyof CaseSettings, unknown>>
    return {
      autoLockMinutes: (AUTO_LOCK_CHOICES as readonly unknown[]).includes(raw.autoLockMinutes) ? (raw.autoLockMinutes as number) : DEFAULTS.autoLockMinutes,
      retentionMonths: (RETENTION_CHOICES as readonly unknown[]).includes(raw.retentionMonths) ? (raw.retentionMonths as number) : DEFAULTS.retentionMonths,
    }
  } catch {
    return { ...DEFAULTS }
  }
}

export function writeCaseSettings(s: CaseSettings) {
  localStorage.setItem(KEY, JSON.stringify(s))
}
