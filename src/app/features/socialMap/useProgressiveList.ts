/**
 * A long result list rendered a chunk at a time: the first chunk at once, the rest in idle time,
 * so no single task renders them all (Lighthouse's total blocking time, issue 19). A list that
 * starts with what is already shown (the same results searched again, "Meer tonen", back from a
 * service page) keeps what is shown, so nothing flickers and a restored scroll position holds.
 *
 * Each later chunk is as large as this phone renders in CHUNK_BUDGET_MS: the list measures how long its
 * last chunk took a result and sizes the next from it, one result at least (docs/performance.md,
 * "Result chunks sized by the phone"). A fixed count was too much for a slow phone and too little for a fast one.
 */
import { computed, nextTick, onBeforeUnmount, ref, watch } from 'vue'

// Five results cover a phone's first screen.
export const FIRST_CHUNK = 5
/**
 * A later chunk's rendering time: a fifth of what counts as a long task (50 ms), leaving room for the
 * layout that follows and for a tap to be answered between chunks.
 */
export const CHUNK_BUDGET_MS = 10
/** Results per later chunk at most, however fast the phone. */
export const MAX_CHUNK = 8

/** The next chunk's size from the last one's rendering time per result (unknown before the first). */
export function chunkSize(msPerResult: number | undefined, budgetMs = CHUNK_BUDGET_MS): number {
  if (msPerResult === undefined) return 1
  return Math.max(1, Math.min(MAX_CHUNK, Math.floor(budgetMs / Math.max(msPerResult, 0.01))))
}

type Cancel = () => void
function whenIdle(run: () => void): Cancel {
  if (typeof window.requestIdleCallback === 'function') {
    // The timeout keeps a busy phone from waiting long for the rest of the list.
    const handle = window.requestIdleCallback(run, { timeout: 300 })
    return () => window.cancelIdleCallback(handle)
  }
  const handle = setTimeout(run, 16)
  return () => clearTimeout(handle)
}

export function useProgressiveList<T extends { id: string }>(items: () => readonly T[]) {
  const shown = ref(FIRST_CHUNK)
  let cancel: Cancel | undefined
  let msPerResult: number | undefined
  let alive = true

  function grow() {
    cancel?.()
    cancel = undefined
    if (!alive || shown.value >= items().length) return
    cancel = whenIdle(() => {
      cancel = undefined
      const before = shown.value
      const started = performance.now()
      shown.value = Math.min(before + chunkSize(msPerResult), items().length)
      const added = shown.value - before
      // After Vue has rendered the chunk (in this task): its time per result sizes the next one.
      void nextTick(() => {
        msPerResult = (performance.now() - started) / added
        if (!cancel) grow()
      })
    })
  }

  watch(
    items,
    (next, previous) => {
      const kept = previous?.slice(0, shown.value) ?? []
      const continues = kept.length > 0 && kept.every((x, i) => next[i]?.id === x.id)
      if (!continues) shown.value = FIRST_CHUNK
      grow()
    },
    { immediate: true },
  )
  onBeforeUnmount(() => {
    alive = false
    cancel?.()
  })

  return { visible: computed(() => items().slice(0, shown.value)) }
}
