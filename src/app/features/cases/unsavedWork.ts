/**
 * Work typed but not yet written. Anything that would leave the page (an app update, a lock)
 * first asks every open form to write what it holds: nothing typed is lost.
 */
const flushers = new Set<() => Promise<void>>()

export function registerUnsaved(flush: () => Promise<void>): () => void {
  flushers.add(flush)
  return () => flushers.delete(flush)
}

export async function flushUnsaved(): Promise<void> {
  await Promise.all([...flushers].map((f) => f()))
}
