/**
 * What was opened with the vault or fetched for the signed-in person leaves memory and storage on
 * lock and on sign-out (docs/device-trust.md, "The vault"): cached referral lists, unwrapped device
 * keys. The next person on a shared browser sees nothing of the previous one.
 */
import { useCaseVault } from '../features/cases/useCaseVault'
import { clearCachedLists } from '../features/referrals/referralOutbox'
import { forgetUnwrappedKeys } from './deviceIdentity'

const hooked = new WeakSet<object>()
/** Registers forgetOnLock with the vault, once per vault store. */
export function hookIntoVault(): void {
  const vault = useCaseVault()
  if (hooked.has(vault)) return
  hooked.add(vault)
  vault.onLock(forgetOnLock)
}

/** On lock and wipe (useCaseVault().onLock). */
export async function forgetOnLock(): Promise<void> {
  forgetUnwrappedKeys()
  await clearCachedLists()
}

/** On sign-out: the same, and the vault locks. */
export async function forgetOpenedData(): Promise<void> {
  await forgetOnLock()
  const vault = useCaseVault()
  if (vault.isUnlocked) await vault.lock()
}
