/**
 * main.ts fetches the app only once the start page rendered at build time has been painted
 * (src/app/shell/afterFirstPaint.ts; docs/performance.md "The app fetched after the start page's
 * first paint"): after a frame, never inside it, once, and in a tab that paints no frames after a while.
 */
import { describe, expect, it } from 'vitest'
import { afterFirstPaint } from '../../src/app/shell/afterFirstPaint'

/** A window whose frames and timers run when the test says so. */
function fakeWindow() {
  const frames: (() => void)[] = []
  const timers: { at: number; run: () => void }[] = []
  let now = 0
  return {
    win: {
      requestAnimationFrame: (run: FrameRequestCallback) => frames.push(() => run(now)),
      setTimeout: (run: () => void, ms = 0) => timers.push({ at: now + ms, run }),
    } as unknown as Pick<Window, 'requestAnimationFrame' | 'setTimeout'>,
    frame: () => frames.splice(0).forEach((f) => f()),
    advance(ms: number) {
      now += ms
      for (const t of timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at)) {
        timers.splice(timers.indexOf(t), 1)
        t.run()
      }
    },
  }
}

describe('afterFirstPaint', () => {
  it('runs after the next frame, not in it and not before it', () => {
    const w = fakeWindow()
    let ran = 0
    afterFirstPaint(() => ran++, 1000, w.win)
    w.advance(0)
    expect(ran).toBe(0)
    w.frame()
    // Inside the frame only a timer was set: the frame paints first.
    expect(ran).toBe(0)
    w.advance(0)
    expect(ran).toBe(1)
    // The fallback finds it done.
    w.advance(1000)
    expect(ran).toBe(1)
  })

  it('runs once after the fallback time in a tab that paints no frames, and not again when a frame comes', () => {
    const w = fakeWindow()
    let ran = 0
    afterFirstPaint(() => ran++, 1000, w.win)
    w.advance(999)
    expect(ran).toBe(0)
    w.advance(1)
    expect(ran).toBe(1)
    w.frame()
    w.advance(0)
    expect(ran).toBe(1)
  })
})
