/**
 * The device talks to the server about itself (docs/device-trust.md, "Challenges"): it asks its
 * status without any session by answering a one-time challenge with its authentication key, binds
 * a signed-in session to itself the same way, wipes everything when it was revoked, and keeps the
 * vault shut when it has not reached the server for too long.
 */
import type { ChallengePurpose, DeviceProof } from '../../shared/devices/deviceTrust'
import { askChallenge, bindDevice, deviceStatus } from '../api/devices'
import { ApiError } from '../api/errors'
import type { OpenRefusal } from '../features/cases/vault'
import { useCaseVault } from '../features/cases/useCaseVault'
import { deviceRecord, DeviceLockedError, forgetUnwrappedKeys, proveDevice, recordContact, wipeDevice } from './deviceIdentity'
import { setNotice } from './deviceNotice'
import { hookIntoVault } from './forgetOpened'
import { WIPED_LOCAL_KEYS } from './storageNames'
import { onBackOnline } from './useNetworkStatus'

const DAY_MS = 24 * 60 * 60 * 1000

/** The device clock (ms); tests set a fixed one. */
let clock: () => number = () => Date.now()
export function setDeviceClock(fn: () => number): void {
  clock = fn
}

/** Called when the device was wiped (the pages drop what they show). */
const wipeListeners: (() => void)[] = []
export const onDeviceWiped = (fn: () => void) => void wipeListeners.push(fn)

/** What a status check found. `offline`: no answer; `unknown`: an answer that was no status (the device stays as it is). */
export type StatusCheck = { kind: 'unregistered' | 'offline' | 'unknown' | 'register-again' | 'wiped' } | { kind: 'status'; status: 'pending' | 'approved' }

async function prove(id: string, purpose: ChallengePurpose): Promise<DeviceProof> {
  const { challenge } = await askChallenge(id, purpose)
  return proveDevice(purpose, challenge)
}

/** A revoked device forgets everything it holds: vault, cases, keys, referrals, what the GP's form remembered. */
export async function wipeEverything(): Promise<void> {
  forgetUnwrappedKeys()
  try {
    // Empties the vault in memory and in storage, and tells whoever holds something opened with it.
    await useCaseVault().wipe()
  } catch {
    // The databases go below in any case.
  }
  await wipeDevice()
  try {
    for (const key of WIPED_LOCAL_KEYS) localStorage.removeItem(key)
  } catch {
    // No storage.
  }
  setNotice('revoked')
  for (const fn of wipeListeners) fn()
}

/** Asks the server how this device stands, without a session. A revoked device wipes at once. */
export async function checkDeviceStatus(): Promise<StatusCheck> {
  const device = await deviceRecord()
  if (!device?.id) return { kind: 'unregistered' }
  try {
    const answer = await deviceStatus(device.id, await prove(device.id, 'status'))
    if (answer.id !== device.id) return { kind: 'unknown' }
    if (answer.wipe || answer.status === 'revoked') {
      await wipeEverything()
      return { kind: 'wiped' }
    }
    await recordContact(answer.offlineDays, clock())
    return { kind: 'status', status: answer.status }
  } catch (e) {
    if (e instanceof ApiError && e.status === 0) return { kind: 'offline' }
    if (e instanceof ApiError && e.code === 'register-again') return { kind: 'register-again' }
    return { kind: 'unknown' }
  }
}

/**
 * Binds the signed-in session to this device, if it is registered and the session is not bound to it
 * yet. A revoked device wipes. Quiet otherwise: without a binding, acting on shared records is refused
 * by the server with its own reason.
 */
export async function bindSession(boundTo: string | null | undefined): Promise<'bound' | 'unregistered' | 'wiped' | 'failed'> {
  const device = await deviceRecord()
  if (!device?.id) return 'unregistered'
  if (boundTo === device.id) return 'bound'
  try {
    await bindDevice(device.id, await prove(device.id, 'bind'))
    return 'bound'
  } catch (e) {
    if (e instanceof ApiError && e.code === 'device-revoked') {
      await wipeEverything()
      return 'wiped'
    }
    if (e instanceof DeviceLockedError) return 'unregistered'
    return 'failed'
  }
}

/**
 * Whole days since the last status answer, and whether that is more than the server allows. A clock
 * more than a day behind the last answer was turned back: that counts as too long away as well, so
 * setting the phone's date back does not lift the lock.
 */
export function offlineDecision(device: { lastContactAt?: number; createdAt: number; offlineDays: number }, now: number): { locked: boolean; days: number } {
  const since = now - (device.lastContactAt ?? device.createdAt)
  return { locked: since > device.offlineDays * DAY_MS || since < -DAY_MS, days: Math.floor(Math.max(0, since) / DAY_MS) }
}

/**
 * The vault's open guard: a registered device that has not reached the server for more than
 * offlineDays first tries to; if it still cannot, the vault stays shut and says how long it has been.
 */
export async function offlineGuard(check: () => Promise<StatusCheck> = checkDeviceStatus): Promise<OpenRefusal | null> {
  const device = await deviceRecord()
  if (!device?.id) return null
  if (!offlineDecision(device, clock()).locked) return null
  const result = await check()
  // Revoked: the wipe has happened, and the unlock that follows finds nothing to open.
  if (result.kind === 'status' || result.kind === 'wiped') return null
  const after = await deviceRecord()
  const { locked, days } = offlineDecision(after ?? device, clock())
  return locked ? { ok: false, reason: 'offline', days } : null
}

const guarded = new WeakSet<object>()
/**
 * Adds the offline guard to the vault, and drops what was opened with it on lock; once per vault
 * store (at app start when a device exists, after registering, and on the pages that open referrals).
 */
export function installOfflineGuard(): void {
  hookIntoVault()
  const vault = useCaseVault()
  if (guarded.has(vault)) return
  guarded.add(vault)
  vault.addOpenGuard(() => offlineGuard())
}

let watching = false
/** At app start and whenever the browser comes back online: a registered device asks its status. */
export async function startDeviceWatch(): Promise<void> {
  if (watching) return
  watching = true
  onBackOnline(() => void checkDeviceStatus())
  const device = await deviceRecord()
  if (!device?.id) return
  installOfflineGuard()
  await checkDeviceStatus()
}
