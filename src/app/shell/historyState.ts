/**
 * The history state Vue's router writes for a tab's first page when it is made (vue-router's `createWebHistory`, with
 * no base: `useHistoryStateNavigation`), written before it instead. On a first visit the router finds no state and
 * writes this one with `history.replaceState`, a few ms of the main thread in the task that makes the router; main.ts
 * writes it in a task of its own while the app downloads, and the router, finding it, writes nothing
 * (docs/performance.md, "The router made in a task of its own"). `test/component/historyState.test.ts` compares it
 * with the router's own, so an upgrade that changes the router's state fails there.
 */
export function writeFirstHistoryState(win: Pick<Window, 'history' | 'location'> = window): void {
  const { history, location } = win
  if (history.state !== null) return
  history.replaceState({ back: null, current: location.pathname + location.search + location.hash, forward: null, position: history.length - 1, replaced: true }, '')
}
