/**
 * What the person must be told about this device, kept in localStorage because a wipe deletes the
 * device database: it was revoked and emptied, or its pre-issue-11 key was removed and it must be
 * registered again. Small on purpose: the app shell imports it on every page, residents' too, so it
 * imports neither Zod nor Dexie (together 56 KB gzip of the start page's 100 KB budget, bench/run.ts).
 */
import { ref } from 'vue'
import { DATABASES, LOCAL_KEYS } from './storageNames'

export const DEVICE_DB_NAME = DATABASES.device
export const DEVICE_NOTICE_KEY = LOCAL_KEYS.deviceNotice

export type DeviceNotice = 'legacy-removed' | 'revoked'

const NOTICES: readonly DeviceNotice[] = ['legacy-removed', 'revoked']

function readNotice(): DeviceNotice | null {
  try {
    const stored = localStorage.getItem(DEVICE_NOTICE_KEY)
    return NOTICES.find((n) => n === stored) ?? null
  } catch {
    return null
  }
}

/** Shown by DeviceNotice.vue. */
export const notice = ref<DeviceNotice | null>(readNotice())

export function setNotice(value: DeviceNotice | null): void {
  notice.value = value
  try {
    if (value) localStorage.setItem(DEVICE_NOTICE_KEY, value)
    else localStorage.removeItem(DEVICE_NOTICE_KEY)
  } catch {
    // No storage: the notice lives until the page closes.
  }
}

/** At app start: only a phone that has a device database loads the device code and asks its status. */
export async function startDeviceWatchIfRegistered(): Promise<void> {
  try {
    if (!(await deviceDatabaseExists())) return
  } catch {
    return
  }
  const { startDeviceWatch } = await import('./deviceStatus')
  await startDeviceWatch()
}

/** Asks the browser for its database names; Dexie (loaded only then) where it cannot list them. */
async function deviceDatabaseExists(): Promise<boolean> {
  if (typeof indexedDB.databases === 'function') return (await indexedDB.databases()).some((db) => db.name === DEVICE_DB_NAME)
  const { Dexie } = await import('dexie')
  return Dexie.exists(DEVICE_DB_NAME)
}
