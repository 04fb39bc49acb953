import type { Page } from 'playwright-core'

/**
 * The KPI page's inclusion charts (`[data-chart]`, issue 18 point 7) as laid out now: every piece
 * of text (a label, a number in words, an axis end, the legend) against every bar and mark and
 * every other piece of text. Returns a line per overlap, and per piece sticking out of the window
 * sideways; [] when everything fits. Text is measured per line box (Range rects), so a cell's
 * padding does not count as overlap. Bars and marks are `.kpi-bar` and what is drawn in it.
 */
export async function chartOverlaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = []
    const width = document.documentElement.clientWidth
    const charts = [...document.querySelectorAll<HTMLElement>('[data-chart]')]
    if (!charts.length) return ['no [data-chart] on the page']
    type Box = { what: string; r: DOMRect }
    const hit = (a: DOMRect, b: DOMRect) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5
    for (const chart of charts) {
      const name = chart.dataset.chart
      const texts: Box[] = []
      const walker = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT)
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent?.trim() ?? ''
        if (!text || n.parentElement?.closest('.visually-hidden, caption')) continue
        const range = document.createRange()
        range.selectNodeContents(n)
        for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) texts.push({ what: `"${text.slice(0, 30)}"`, r })
      }
      const drawn: Box[] = [...chart.querySelectorAll<HTMLElement>('.kpi-bar, .kpi-bar > *')].map((e) => ({ what: `bar ${e.className}`, r: e.getBoundingClientRect() })).filter((b) => b.r.height > 0)
      for (const [i, a] of texts.entries()) {
        for (const b of drawn) if (hit(a.r, b.r)) found.push(`${name}: ${a.what} over ${b.what}`)
        for (const b of texts.slice(i + 1)) if (hit(a.r, b.r)) found.push(`${name}: ${a.what} over ${b.what}`)
      }
      for (const b of [...texts, ...drawn]) if (b.r.left < -0.5 || b.r.right > width + 0.5) found.push(`${name}: ${b.what} outside the window (${Math.round(b.r.left)}–${Math.round(b.r.right)} of ${width})`)
    }
    return found
  })
}
