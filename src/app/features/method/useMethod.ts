/**
 * The method definitions this phone knows (docs/method.md "On the phone"): the version bundled with
 * the app, and later versions received from the server like a map update (methodSync.ts), stored
 * on the device (methodDb.ts). The professionals' shell starts the sync (startMethodSync): at start,
 * on coming back online and on being looked at again. Every page sees a newly received version at once.
 */
import { useEventListener } from '@vueuse/core'
import { computed, shallowRef } from 'vue'
import type { MethodDefinition } from '../../../shared/method/definition'
import { BUNDLED_METHOD } from '../../../shared/method/sigMethod'
import { publicFetch } from '../../api/socialMap'
import { onBackOnline } from '../../core/useNetworkStatus'
import { MethodDb } from './methodDb'
import { readStoredMethods, syncMethod, type MethodSyncResult } from './methodSync'

const known = shallowRef<readonly MethodDefinition[]>([BUNDLED_METHOD])

export function useMethod() {
  const latest = computed(() => known.value.reduce((a, b) => (b.version > a.version ? b : a)))
  return {
    /** The newest version this phone has. */
    latest,
    /** Every version this phone has, oldest first. */
    all: computed(() => [...known.value].sort((a, b) => a.version - b.version)),
    /** A version by number; undefined when this phone never received it. */
    forVersion: (version: number): MethodDefinition | undefined => known.value.find((d) => d.version === version),
  }
}

/** Takes what a read or a sync found; a list without a newer version leaves the pages alone. */
function take(definitions: readonly MethodDefinition[]) {
  const has = new Set(known.value.map((d) => d.version))
  if (definitions.some((d) => !has.has(d.version))) known.value = [...known.value, ...definitions.filter((d) => !has.has(d.version))]
}

let db: MethodDb | undefined
let loaded: Promise<void> | undefined
let syncing: Promise<MethodSyncResult | undefined> | undefined
let firstSync: Promise<unknown> | undefined

const database = () => (db ??= new MethodDb())

/** Reads the stored versions once (a broken store leaves the bundled version). */
function loadStored(): Promise<void> {
  loaded ??= readStoredMethods(database()).then(
    (stored) => {
      if (stored.unreadable) console.warn(`Method: ${stored.unreadable} stored version(s) could not be read`)
      take(stored.definitions)
    },
    (e: unknown) => console.warn('Method: the stored versions could not be read', e),
  )
  return loaded
}

/** One sync at a time; a second call while one runs waits for it. */
export function refreshMethod(fetchFn: typeof fetch = publicFetch, apiBase = ''): Promise<MethodSyncResult | undefined> {
  syncing ??= loadStored()
    .then(() => syncMethod(database(), fetchFn, apiBase))
    .then(
      (result) => {
        if (result.reason) console.warn(`Method sync: ${result.status} (${result.reason})`)
        take(result.definitions)
        return result
      },
      (e: unknown) => {
        console.warn('Method sync failed', e)
        return undefined
      },
    )
    .finally(() => (syncing = undefined))
  return syncing
}

/** A phone that stays online with the app open asks again when it is looked at after this long. */
const REFRESH_AFTER_MS = 5 * 60 * 1000
let started = false
let lastSyncAt = 0

function syncNow() {
  lastSyncAt = Date.now()
  return refreshMethod()
}

/**
 * At start, each time the phone comes back online, and when the app is looked at again after a
 * while (as the map does, useSocialMapStore.ts). Once per page load.
 */
export function startMethodSync(): void {
  if (started) return
  started = true
  onBackOnline(() => void syncNow())
  useEventListener(document, 'visibilitychange', () => {
    if (document.visibilityState === 'visible' && Date.now() - lastSyncAt > REFRESH_AFTER_MS) void syncNow()
  })
  firstSync = syncNow()
}

/** How long a case waits for the first sync before opening with what the phone has. */
const FIRST_SYNC_WAIT_MS = 4_000

/**
 * Resolves once the stored versions are in and the first sync of this page load has finished
 * (or taken too long: a slow network never keeps a case closed).
 */
export async function methodSettled(): Promise<void> {
  await loadStored()
  if (!firstSync) return
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([firstSync, new Promise<void>((resolve) => (timer = setTimeout(resolve, FIRST_SYNC_WAIT_MS)))])
  clearTimeout(timer)
}
