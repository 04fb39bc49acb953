/**
 * A long result list rendered a chunk at a time: the first chunk at once, the rest in idle time,
 * so no single task renders them all (Lighthouse's total blocking time, issue 19). A list that
 * starts with what is already shown (the same results searched again, "Meer tonen", back from a
 * service page) keeps what is shown, so nothing flickers and a restored scroll position holds.
 */
import { computed, onBeforeUnmount, ref, watch } from 'vue'

// Small chunks: a result costs a few milliseconds to render on a cheap phone, and a task under 50 ms
// does not block (docs/performance.md, "Start page").
export const FIRST_CHUNK = 5
export const NEXT_CHUNK = 4

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

  function grow() {
    cancel?.()
    cancel = undefined
    if (shown.value >= items().length) return
    cancel = whenIdle(() => {
      shown.value = Math.min(shown.value + NEXT_CHUNK, items().length)
      grow()
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
  onBeforeUnmount(() => cancel?.())

  return { visible: computed(() => items().slice(0, shown.value)) }
}
