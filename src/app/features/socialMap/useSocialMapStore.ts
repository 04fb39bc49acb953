/** The social map as the page sees it: status, freshness, favourites and the report queue. */
import { useEventListener } from '@vueuse/core'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { LocationQuery } from 'vue-router'
import { onBackOnline, onGoneOffline } from '../../core/useNetworkStatus'
import { dataClient, DataError } from './data/dataClient'
import type { MapMeta, RefreshStatus } from './data/protocol'
import type { OutboxProblem } from '../../sync/outbox'

const REFRESH_AFTER_MS = 5 * 60 * 1000

export const useSocialMapStore = defineStore('socialMap', () => {
  const meta = shallowRef<MapMeta | null>(null)
  const isReady = ref(false)
  /**
   * The browser's word at start (not VueUse's network watcher: only this first value is read, and setting that
   * watcher up cost the start page's mount ~3 ms of the host's time), then its online and offline events, corrected
   * by the last refresh: a server out of reach counts as offline. Online while rendered at build time (Node has no
   * navigator before 21, one without onLine after).
   */
  const isOnline = ref(typeof navigator === 'undefined' || navigator.onLine !== false)
  const lastRefresh = ref<RefreshStatus | 'refreshing' | null>(null)
  const problem = ref<'storage-full' | 'invalid-map' | 'unreadable' | null>(null)
  const pendingReports = ref(0)
  /** Reports the server refused: kept, shown (sync/OfflineIndicator.vue), sent again or thrown away by the resident. */
  const reportProblems = shallowRef<OutboxProblem[]>([])
  const favouriteIds = ref<Set<string>>(new Set())
  /** The search a service page's "Terug naar zoeken" returns to (its URL query), and the result opened from it. */
  const lastSearch = shallowRef<{ query: LocationQuery; openedId?: string }>({ query: {} })
  /** Bumped whenever the stored map changes, so open result lists search again. */
  const revision = ref(0)
  let lastRefreshAt = 0
  let started: Promise<void> | undefined
  let firstRefreshEnded!: () => void
  const firstRefresh = new Promise<void>((resolve) => (firstRefreshEnded = resolve))

  const client = () => dataClient()
  const hasMap = computed(() => (meta.value?.count ?? 0) > 0)

  function start(): Promise<void> {
    started ??= (async () => {
      client().onOutbox = (n) => {
        pendingReports.value = n
        void loadReportProblems()
      }
      const init = await client().call({ type: 'init' })
      meta.value = init.meta
      if (init.unreadable > 0) problem.value = 'unreadable'
      favouriteIds.value = new Set((await client().call({ type: 'favouriteIds' })).ids)
      isReady.value = true
      revision.value++
      onBackOnline(() => {
        isOnline.value = true
        void refresh()
        void flush()
      })
      onGoneOffline(() => (isOnline.value = false))
      useEventListener(document, 'visibilitychange', () => {
        if (document.visibilityState === 'visible') void flush()
        if (document.visibilityState === 'visible' && Date.now() - lastRefreshAt > REFRESH_AFTER_MS) void refresh()
      })
      void refresh()
      void flush()
    })()
    return started
  }

  async function refresh() {
    lastRefreshAt = Date.now()
    lastRefresh.value = 'refreshing'
    try {
      const result = await client().call({ type: 'refresh' })
      lastRefresh.value = result.status
      if (result.reason) console.warn(`Map refresh: ${result.status} (${result.reason})`)
      if (result.status === 'invalid') problem.value = 'invalid-map'
      if (result.status === 'offline') isOnline.value = false
      else isOnline.value = true
      const firstMap = !meta.value && result.meta
      meta.value = result.meta
      if (result.status === 'updated') {
        revision.value++
        // Ask to keep the map once it is worth keeping; Chromium decides without a prompt.
        if (firstMap) void navigator.storage?.persist?.()
      }
    } catch (e) {
      lastRefresh.value = null
      if (e instanceof DataError && e.code === 'storage-full') problem.value = 'storage-full'
      else throw e
    } finally {
      firstRefreshEnded()
    }
  }

  /**
   * Ends when the first refresh since start has ended, whatever its outcome: the map downloaded, already current,
   * offline or failed. Work that can wait for the map waits for this (the service worker: sync/serviceWorker.ts).
   */
  function whenFirstRefreshEnded(): Promise<void> {
    return firstRefresh
  }

  async function flush() {
    const result = await client().call({ type: 'flush' })
    pendingReports.value = result.pending
  }

  async function loadReportProblems() {
    reportProblems.value = (await client().call({ type: 'reportProblems' })).items
  }

  async function retryReport(id: string) {
    await client().call({ type: 'retryReport', id })
    await loadReportProblems()
  }

  async function discardReport(id: string) {
    await client().call({ type: 'discardReport', id })
    await loadReportProblems()
  }

  /** Searches with the URL's raw filter values; the answer says which filters it applied and which it dropped. */
  function search(query: string, rawFilters: Record<string, string>, limit: number, lang: string, near?: { lat: number; lon: number }) {
    return client().call({ type: 'search', query, rawFilters, limit, lang, now: Date.now(), ...(near ? { near } : {}) })
  }

  async function service(id: string) {
    return (await client().call({ type: 'get', id })).service
  }

  function favourites(lang: string) {
    return client().call({ type: 'favourites', lang, now: Date.now() })
  }

  async function toggleFavourite(id: string) {
    const { isFavourite } = await client().call({ type: 'toggleFavourite', id })
    const next = new Set(favouriteIds.value)
    if (isFavourite) next.add(id)
    else next.delete(id)
    favouriteIds.value = next
    return isFavourite
  }

  async function report(serviceId: string, message: string, contact: string | undefined) {
    return (await client().call({ type: 'report', serviceId, message, ...(contact ? { contact } : {}) })).status
  }

  /** A proposed initiative (docs/initiatives.md): queued in the worker, sent when there is internet. */
  async function proposeInitiative(submission: unknown) {
    return (await client().call({ type: 'proposeInitiative', submission })).status
  }

  /** A moment as "2 december 09:14" in the language shown, written in the data worker (data/dateLabels.ts). */
  async function stampText(at: string, lang: string): Promise<string> {
    return (await client().call({ type: 'stamp', at: Date.parse(at), lang })).text
  }

  return { stampText, lastSearch, meta, isReady, isOnline, lastRefresh, problem, pendingReports, reportProblems, retryReport, discardReport, favouriteIds, revision, hasMap, start, refresh, whenFirstRefreshEnded, flush, search, service, favourites, toggleFavourite, report, proposeInitiative }
})
