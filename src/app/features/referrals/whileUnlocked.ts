/**
 * What the two referral lists share: boxes open only in an unlocked vault (docs/device-trust.md).
 * The list loads when the vault opens and when the phone comes back online, and what was opened
 * goes when it locks; the device's standing is checked on arrival.
 */
import { onMounted, watch } from 'vue'
import { checkDeviceStatus, installOfflineGuard } from '../../core/deviceStatus'
import { onBackOnline } from '../../core/useNetworkStatus'
import { useCaseVault } from '../cases/useCaseVault'
import type { OpenedReferral } from './readReferral'
import type { KeyChange } from './trust'

export function loadWhileUnlocked(load: () => Promise<unknown>, close: () => void): void {
  const vault = useCaseVault()
  const onOnline = () => void (vault.isUnlocked && load())
  installOfflineGuard()
  watch(
    () => vault.isUnlocked,
    (open) => {
      if (open) void load()
      else close()
    },
    { immediate: true },
  )
  onMounted(() => void checkDeviceStatus())
  onBackOnline(onOnline)
}

/** Organisation keys that changed since this phone pinned them: once each, with the organisation's name. */
export function keyChangesOf(items: readonly OpenedReferral[]): (KeyChange & { name: string })[] {
  return [
    ...new Map(
      items.flatMap((o) =>
        o.keyChanges.map((c): [string, KeyChange & { name: string }] => [
          c.organisationId,
          { ...c, name: c.organisationId === o.referral.senderOrganisation.id ? o.referral.senderOrganisation.name : o.referral.receivingOrganisation.name },
        ]),
      ),
    ).values(),
  ]
}
