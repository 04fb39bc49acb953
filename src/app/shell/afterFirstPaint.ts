/**
 * Runs `run` once the page as it stands has been painted: a frame's callbacks run before its paint,
 * a timer set in one runs after it. A tab in the background paints no frames, so after `fallbackMs`
 * it runs anyway (docs/performance.md, "The app fetched after the start page's first paint").
 */
export function afterFirstPaint(run: () => void, fallbackMs = 1000, win: Pick<Window, 'requestAnimationFrame' | 'setTimeout'> = window): void {
  let ran = false
  const once = () => {
    if (ran) return
    ran = true
    run()
  }
  win.requestAnimationFrame(() => win.setTimeout(once, 0))
  win.setTimeout(once, fallbackMs)
}
