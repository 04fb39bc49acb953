/** The device's case vault for the page: set up, unlock, auto-lock, and the cases in it. */
import { defineStore } from 'pinia'
import { markRaw, ref, shallowRef } from 'vue'
import type { CaseRecord } from '../../../shared/cases/v2'
import { createBackup, purgeExpired, restoreBackup } from './caseArchive'
import { CaseDb } from './caseDb'
import { readCaseSettings } from './caseSettings'
import { countsProblem as countsProblemOf, forgetKpiDeviceId, lastSent, pendingPeriods, syncCounts } from './kpiSync'
import { flushOnTriggers } from '../../sync/flushTriggers'
import { deviceRecord } from '../../core/deviceIdentity'
import { useSessionStore } from '../../core/useSessionStore'
import { CaseStore } from './caseStore'
import { deriveInWorker } from './deriveInWorker'
import { flushUnsaved } from './unsavedWork'
import { Vault, type OpenRefusal, type UnlockResult, type VaultTarget } from './vault'
import type { VaultMode } from '../../../shared/crypto/envelope'
import { prfAvailable } from '../../core/vault/prf'
import { today } from '../../core/clock'

/** Locks after this long without a touch or key press, or this long hidden (a device setting, default 5 minutes). */
const autoLockMs = () => readCaseSettings().autoLockMinutes * 60 * 1000

export const useCaseVault = defineStore('caseVault', () => {
  // Raw: Dexie and WebCrypto objects must not be wrapped in reactive proxies.
  const db = markRaw(new CaseDb())
  const vault = markRaw(new Vault(db, deriveInWorker, Date.now, forgetKpiDeviceId))
  const store = markRaw(new CaseStore(db, vault))
  const isUnlocked = ref(false)
  const isSetUp = ref<boolean | null>(null)
  /** How the stored vault opens ('legacy': made before issue 11, re-wrapped at its next unlock). */
  const mode = ref<VaultMode | 'legacy' | null>(null)
  /** An old vault was opened with its old passcode and waits to be re-wrapped under a new mode. */
  const awaitsUpgrade = ref(false)
  /** Whether this device offers the prf mode (a user-verifying platform authenticator); null until checked. */
  const prfOffered = ref<boolean | null>(null)
  /** Why the device cannot hold cases right now, if it cannot. */
  const storageProblem = ref<'' | 'unavailable' | 'blocked'>('')
  // Another tab holds an older version of the database open: say so instead of hanging.
  db.on('blocked', () => {
    storageProblem.value = 'blocked'
  })
  const cases = shallowRef<CaseRecord[]>([])
  /** Checks that may keep the vault shut before a passcode is tried (the device identity adds one: docs/device-trust.md). */
  const openGuards: (() => Promise<OpenRefusal | null>)[] = []
  /** Called on lock and wipe: whatever was opened with the vault key (cached referral lists, unwrapped device keys) is dropped. */
  const lockListeners: (() => void | Promise<void>)[] = []
  const addOpenGuard = (guard: () => Promise<OpenRefusal | null>) => void openGuards.push(guard)
  const onLock = (listener: () => void | Promise<void>) => void lockListeners.push(listener)
  async function notifyLocked() {
    for (const l of lockListeners) await l()
  }
  const countsLastSent = ref<string | null>(null)
  const countsPending = ref(0)
  /** Why counts wait, if the server refused them (a code CountsProblem.vue puts in words). */
  const countsProblem = ref<string | null>(null)

  /** Count syncs under way (started by unlock, a save, or a flush trigger), for `settled`. */
  const syncing = new Set<Promise<void>>()
  /** Sends changed counts when online and signed in; otherwise they wait in the outbox. */
  function syncKpi(): Promise<void> {
    const run = sendCounts()
    syncing.add(run)
    void run.catch(() => {}).finally(() => syncing.delete(run))
    return run
  }
  /** Resolves when no count sync is under way any more (a test's end, before a wipe). */
  async function settled(): Promise<void> {
    while (syncing.size) await Promise.allSettled([...syncing])
  }
  async function sendCounts() {
    const device = await deviceRecord()
    if (device?.organisationId && navigator.onLine) {
      try {
        // The session (and its CSRF token) may not be loaded after a reload; signed out, counts wait.
        const session = useSessionStore()
        if (!session.isSignedIn) await session.load()
        if (session.isSignedIn) await syncCounts(db, store, device.organisationId)
      } catch {
        // Counts stay in the outbox; the next contact tries again.
      }
    }
    countsPending.value = await pendingPeriods(db)
    countsProblem.value = await countsProblemOf(db)
    countsLastSent.value = lastSent()
  }
  let idleTimer: ReturnType<typeof setTimeout> | undefined
  let hiddenAt = 0
  let watching = false

  async function check() {
    try {
      isSetUp.value = await vault.isSetUp()
      mode.value = await vault.mode()
      storageProblem.value = ''
    } catch {
      // Private mode or a browser setting: IndexedDB cannot be used here.
      storageProblem.value = 'unavailable'
    }
  }

  /** Whether to offer the prf mode at set-up (asked once). */
  async function checkPrf(): Promise<boolean> {
    prfOffered.value ??= await prfAvailable()
    return prfOffered.value
  }

  /** Sets up the vault (a string is a passphrase). Throws PassphraseError or PrfError; nothing is stored then. */
  async function setUp(target: VaultTarget | string) {
    await vault.setUp(target)
    isSetUp.value = true
    mode.value = typeof target === 'string' ? 'passphrase' : target.mode
    await opened()
  }

  /** Opens the vault: with the passphrase, or (prf mode) by asking the platform authenticator (may throw PrfError). */
  async function unlock(passphrase = ''): Promise<UnlockResult> {
    for (const guard of openGuards) {
      const refusal = await guard()
      if (refusal) return refusal
    }
    const result = await vault.unlock(passphrase)
    if (result.ok) await opened()
    else if (result.reason === 'upgrade') awaitsUpgrade.value = true
    else if (result.reason === 'wiped') {
      isSetUp.value = false
      mode.value = null
    }
    return result
  }

  /** Re-wraps an old vault (after unlock answered 'upgrade') under a new mode, and opens it. */
  async function upgrade(target: VaultTarget) {
    await vault.upgrade(target)
    awaitsUpgrade.value = false
    mode.value = target.mode
    await opened()
  }

  async function opened() {
    isUnlocked.value = true
    // Closed cases past their retention period leave the device.
    await purgeExpired(store, today(), readCaseSettings().retentionMonths)
    await refresh()
    watchActivity()
    touch()
  }

  async function lock() {
    await flushUnsaved()
    vault.lock()
    isUnlocked.value = false
    awaitsUpgrade.value = false
    cases.value = []
    await notifyLocked()
  }

  async function refresh() {
    cases.value = await store.all()
    // In the background; a failure only means the counts wait for the next contact.
    syncKpi().catch((e: unknown) => console.error('counts sync failed', e))
  }

  function touch() {
    clearTimeout(idleTimer)
    if (isUnlocked.value) idleTimer = setTimeout(() => void lock(), autoLockMs())
  }

  function watchActivity() {
    if (watching) return
    watching = true
    // Counts also go out when the device is back online and when the app is visible again (docs/outbox.md).
    flushOnTriggers(syncKpi)
    for (const type of ['pointerdown', 'keydown']) window.addEventListener(type, touch, { passive: true })
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') {
        hiddenAt = Date.now()
        void flushUnsaved()
      } else if (hiddenAt && Date.now() - hiddenAt > autoLockMs()) void lock()
    })
  }

  async function wipe() {
    await vault.wipe()
    isUnlocked.value = false
    isSetUp.value = false
    mode.value = null
    awaitsUpgrade.value = false
    cases.value = []
    await notifyLocked()
  }

  async function remove(id: string) {
    await store.remove(id, { keepCounts: false })
    await refresh()
  }

  const backup = (passphrase: string) => createBackup(store, passphrase, deriveInWorker)

  async function restore(text: string, passphrase: string) {
    const n = await restoreBackup(text, passphrase, vault, db, deriveInWorker)
    await refresh()
    return n
  }

  return { vault, addOpenGuard, onLock, isUnlocked, isSetUp, mode, awaitsUpgrade, prfOffered, checkPrf, upgrade, storageProblem, countsLastSent, countsPending, countsProblem, syncKpi, settled, cases, check, setUp, unlock, lock, refresh, wipe, remove, touch, backup, restore, store }
})
