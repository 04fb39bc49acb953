/**
 * What the person must be told about this device, kept in localStorage because a wipe deletes the
 * device database: it was revoked and emptied, or its pre-issue-11 key was removed and it must be
 * registered again. Small on purpose: the app shell imports it on every page, residents' too.
 */
import { Dexie } from 'dexie'
import { ref } from 'vue'
import { z } from 'zod'
import { DATABASES, LOCAL_KEYS } from './storageNames'

export const DEVICE_DB_NAME = DATABASES.device
export const DEVICE_NOTICE_KEY = LOCAL_KEYS.deviceNotice

export type DeviceNotice = 'legacy-removed' | 'revoked'

function readNotice(): DeviceNotice | null {
  try {
    return z.enum(['legacy-removed', 'revoked']).safeParse(localStorage.getItem(DEVICE_NOTICE_KEY)).data ?? null
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
    if (!(await Dexie.exists(DEVICE_DB_NAME))) return
  } catch {
    return
  }
  const { startDeviceWatch } = await import('./deviceStatus')
  await startDeviceWatch()
}
