/**
 * When an outbox is flushed (docs/outbox.md): at once (start), when the device comes back online,
 * and when the page becomes visible again (a phone taken out of a pocket). Works in the page and in
 * a worker (which has `online` but no document). Plain listeners on purpose: this runs outside Vue
 * components (the data worker), where VueUse has no scope to clean up in; the returned function does.
 * A flush that throws is reported to `onError` (default console.error), never left unhandled.
 */
interface Listens {
  addEventListener(type: string, listener: () => void): void
  removeEventListener(type: string, listener: () => void): void
}
interface HasVisibility extends Listens {
  visibilityState: string
}

export function flushOnTriggers(
  flush: () => Promise<unknown>,
  scope: Listens = globalThis as unknown as Listens,
  doc: HasVisibility | undefined = (globalThis as { document?: HasVisibility }).document,
  onError: (e: unknown) => void = (e) => console.error('outbox flush failed', e),
): () => void {
  const run = () => void flush().catch(onError)
  const onVisible = () => {
    if (doc?.visibilityState === 'visible') run()
  }
  scope.addEventListener('online', run)
  doc?.addEventListener('visibilitychange', onVisible)
  run()
  return () => {
    scope.removeEventListener('online', run)
    doc?.removeEventListener('visibilitychange', onVisible)
  }
}
