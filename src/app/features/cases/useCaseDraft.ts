/**
 * One open case as a draft: every change is written (sealed) a moment after typing stops,
 * and at once when the page hides, locks or updates. The record is validated on every save;
 * an invalid field keeps the last good version stored and says what is wrong.
 */
import { inject, onBeforeUnmount, provide, reactive, watch, type InjectionKey } from 'vue'
import { caseRecordSchema, type CaseRecord } from '../../../shared/cases/v2'
import { firstPerField } from '../../../shared/core/zodIssues'
import { registerUnsaved } from './unsavedWork'
import { useCaseVault } from './useCaseVault'
import type { DraftLink } from './caseStore'
import { today } from '../../core/clock'
import { kickCaseSync, onCaseChanged, syncWhileOpen } from '../caseSync/caseSyncStatus'

/** Puts `source` into the reactive `target` in place (objects field by field, the rest replaced). */
function assignDeep(target: Record<string, unknown>, source: Record<string, unknown>) {
  for (const k of Object.keys(target)) if (!Object.hasOwn(source, k)) delete target[k]
  for (const [k, v] of Object.entries(source)) {
    const t = target[k]
    const plain = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)
    if (plain(t) && plain(v)) assignDeep(t, v)
    else if (JSON.stringify(t) !== JSON.stringify(v)) target[k] = structuredClone(v)
  }
}

// Short: a field is sealed and written within a blink of the last keystroke (a killed tab loses nothing).
const SAVE_AFTER_MS = 50
export interface CaseDraft {
  record: CaseRecord
  state: { saving: boolean; savedAt: string; invalid: string[]; error: '' | 'storage-full' | 'failed' }
  flush: () => Promise<void>
}

const isQuotaError = (e: unknown) =>
  e instanceof Error && (e.name === 'QuotaExceededError' || (e as { inner?: { name?: string } }).inner?.name === 'QuotaExceededError')
const KEY: InjectionKey<CaseDraft> = Symbol('caseDraft')

export function useCaseDraft(initial: CaseRecord): CaseDraft {
  const vault = useCaseVault()
  const record = reactive(structuredClone(initial)) as CaseRecord
  const state = reactive({ saving: false, savedAt: '', invalid: [] as string[], error: '' as CaseDraft['state']['error'] })
  let timer: ReturnType<typeof setTimeout> | undefined
  let dirty = false
  let writing: Promise<void> = Promise.resolve()

  /** The case's document as this draft last read it: a save applies only what changed since (features/caseSync/caseDocs.ts). */
  let base: Uint8Array | undefined
  /** A pull changed the case: merge even when nothing was typed. */
  let pulled = false
  const valid = () => {
    const p = caseRecordSchema.safeParse(JSON.parse(JSON.stringify(record)) as unknown)
    return p.success ? p.data : undefined
  }
  // What is on screen goes into the doc, and the doc (with what came from the worker's other devices) comes back on screen.
  const link: DraftLink = {
    get base() {
      return base
    },
    current: valid,
    merged: (m) => {
      base = m.base
      if (m.merged) assignDeep(record as unknown as Record<string, unknown>, m.read.record as Record<string, unknown>)
    },
  }

  async function flush() {
    clearTimeout(timer)
    if (!dirty && !pulled) return writing
    dirty = false
    pulled = false
    const snapshot = JSON.parse(JSON.stringify(record)) as unknown
    const parsed = caseRecordSchema.safeParse(snapshot)
    if (!parsed.success) {
      state.invalid = Object.keys(firstPerField(parsed.error.issues))
      return writing
    }
    state.invalid = []
    state.saving = true
    // Writes queue behind each other: an older version never lands after a newer one.
    writing = writing
      .then(() => vault.store.save(parsed.data, link))
      .then(
        () => {
          state.saving = false
          state.error = ''
          state.savedAt = new Date().toISOString()
          kickCaseSync()
        },
        (e: unknown) => {
          // Not written: keep it as unsaved work (still on screen, retried), and say why.
          state.saving = false
          state.error = isQuotaError(e) ? 'storage-full' : 'failed'
          dirty = true
        },
      )
    return writing
  }

  watch(
    () => JSON.stringify(record),
    () => {
      dirty = true
      clearTimeout(timer)
      timer = setTimeout(() => void flush(), SAVE_AFTER_MS)
    },
  )
  const unregister = registerUnsaved(flush, () => !dirty && !state.invalid.length && !state.error)
  const onHide = () => void flush()
  window.addEventListener('pagehide', onHide)
  // Changed on another device (pulled here or in another tab): merged into what is on screen.
  const stopListening = onCaseChanged(initial.id, () => {
    pulled = true
    void flush()
  })
  const stopSyncing = syncWhileOpen()
  onBeforeUnmount(() => {
    void flush()
    stopListening()
    stopSyncing()
    unregister()
    window.removeEventListener('pagehide', onHide)
  })
  const draft: CaseDraft = { record, state, flush }
  provide(KEY, draft)
  return draft
}

export function useDraft(): CaseDraft {
  const d = inject(KEY)
  if (!d) throw new Error('useDraft outside a case page')
  return d
}

/** The region's date: a case closed at 00:30 in Oss is closed today, not yesterday (UTC). */
export const isoToday = today
export const newId = () => crypto.randomUUID()
