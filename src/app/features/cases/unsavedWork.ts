/**
 * Work typed but not yet written. Anything that would leave the page (an app update, a lock)
 * first asks every open form to write what it holds: nothing typed is lost.
 */
interface Unsaved {
  flush: () => Promise<void>
  /** True when everything on screen is stored (nothing pending, nothing invalid, no failed write). */
  isStored: () => boolean
}
const forms = new Set<Unsaved>()

export function registerUnsaved(flush: () => Promise<void>, isStored: () => boolean = () => true): () => void {
  const entry = { flush, isStored }
  forms.add(entry)
  return () => forms.delete(entry)
}

/** Writes what every open form holds; false when something on screen could not be stored (invalid, storage full). */
export async function flushUnsaved(): Promise<boolean> {
  const open = [...forms]
  await Promise.all(open.map((f) => f.flush()))
  return open.every((f) => f.isStored())
}
