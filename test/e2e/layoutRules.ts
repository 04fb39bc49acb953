/**
 * The browser side of the layout check (test/e2e/layout.ts explains the design). Both functions
 * run inside Chromium (Playwright serialises them), so each is self-contained: no imports, no
 * helpers from outside its own body.
 *
 * - `installWatcher` (an init script in every page the tests open) notices when a screen settles
 *   and sends a copy of it to the test process.
 * - `measureLayout` (in the checker's own page, on that copy) applies the three rules of issue 14.
 */

/** One rule broken by one element, as `measureLayout` reports it. */
export interface LayoutFinding {
  rule: 'narrow-text' | 'sideways-scroll' | 'small-target'
  /** Where it is: its parent's tag and first class, its own tag and classes, e.g. "li.result > a". */
  selector: string
  /** The start of its text (or a control's type and name). */
  element: string
  /** Measured size, e.g. "19×44 px" or "text box 9 px < 4ch 32 px, 5 lines". */
  detail: string
}

/** What a page sends when a screen settled: its address, a cheap signature of its DOM and a script-free copy. */
export interface LayoutSnapshot {
  url: string
  signature: string
  html: string
}

/**
 * In-page: on every settled screen (DOM quiet for a short while after loading, a mutation or an
 * SPA route change), just before the SPA leaves a screen (history.pushState/replaceState) and
 * when the page hides, send `{ url, signature, html }` through the binding `bindingName`. The
 * copy keeps the stylesheets (links and style elements) and the form state (values, checked,
 * selected) but no scripts. `window.__layoutFlush()` sends the current screen at once.
 */
export function installWatcher(options: { bindingName: string; quietMs: number }): void {
  const w = window as unknown as Record<string, unknown> & Window
  if (w.top !== w || w.__layoutWatcher) return
  w.__layoutWatcher = true
  // Captured now: a test may install Playwright's fake clock later (page.clock).
  const setTimer = window.setTimeout.bind(window)
  const clearTimer = window.clearTimeout.bind(window)
  let timer: number | undefined
  let lastKey = ''

  const signature = (): string => {
    const parts = new Set<string>()
    for (const el of document.body.querySelectorAll('*')) {
      parts.add(el.localName + (el.classList.length ? '.' + [...el.classList].sort().join('.') : '') + (el.hasAttribute('open') ? '[open]' : '') + (el.hasAttribute('hidden') ? '[hidden]' : ''))
    }
    let hash = 0
    for (const ch of [...parts].sort().join(' ')) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0
    return (hash >>> 0).toString(36) + '-' + parts.size
  }

  const serialize = (): string => {
    const clone = document.documentElement.cloneNode(true) as HTMLElement
    const from = document.documentElement.querySelectorAll<HTMLInputElement>('input, textarea, select')
    const to = clone.querySelectorAll<HTMLInputElement>('input, textarea, select')
    from.forEach((el, i) => {
      const copy = to[i]
      if (!copy) return
      if (el.localName === 'textarea') copy.textContent = el.value
      else if (el.localName === 'select') {
        const options = (el as unknown as HTMLSelectElement).options
        const copies = (copy as unknown as HTMLSelectElement).options
        for (let j = 0; j < options.length; j++) copies[j]?.toggleAttribute('selected', options[j]!.selected)
      } else if (el.type === 'checkbox' || el.type === 'radio') copy.toggleAttribute('checked', el.checked)
      else if (el.type === 'password') copy.setAttribute('value', 'x'.repeat(el.value.length))
      else if (el.type !== 'file') copy.setAttribute('value', el.value)
    })
    clone.querySelectorAll('script, link[rel=modulepreload], link[rel=preload], link[rel=manifest], base').forEach((el) => el.remove())
    const base = document.createElement('base')
    base.href = location.href
    clone.querySelector('head')?.prepend(base)
    return (document.doctype ? '<!DOCTYPE html>' : '') + clone.outerHTML
  }

  const send = (): void => {
    try {
      if (document.contentType !== 'text/html' || !document.body || location.protocol === 'about:') return
      const sig = signature()
      const key = location.pathname + '|' + sig
      if (key === lastKey) return
      lastKey = key
      const binding = w[options.bindingName]
      if (typeof binding === 'function') void (binding as (s: LayoutSnapshot) => Promise<void>)({ url: location.href, signature: sig, html: serialize() })
    } catch {
      // Never disturb the page under test.
    }
  }
  const schedule = (): void => {
    if (timer !== undefined) clearTimer(timer)
    timer = setTimer(send, options.quietMs)
  }

  w.__layoutFlush = send
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method]
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      send()
      const result = original.apply(this, args)
      schedule()
      return result
    }
  }
  addEventListener('popstate', schedule)
  addEventListener('load', schedule)
  addEventListener('pagehide', send)
  new MutationObserver(schedule).observe(document, { subtree: true, childList: true, attributes: true, characterData: true })
  schedule()
}

/**
 * In the checker's page: the rules of issue 14 on the current document at the current viewport.
 * (1) narrow-text: a visible element with its own text whose content box (of its nearest
 *     non-inline box) is narrower than 4ch in its own font while one of its text nodes wraps.
 * (2) sideways-scroll: the document scrolls sideways (more than 1 px).
 * (3) small-target: a standalone target (a[href], button, input, select, textarea, summary,
 *     [role=button], [role=link]; a checkbox or radio together with its labels) under 44×44 CSS px.
 *     Excepted: a link inside a sentence (an inline <a> whose block has text outside any control).
 * Not visible, so not checked: display none, visibility hidden, zero size, clipped away
 * (visually-hidden), positioned off the page (skip links).
 */
export function measureLayout(): LayoutFinding[] {
  const findings: LayoutFinding[] = []
  const px = (n: number) => Math.round(n * 10) / 10
  const tagOf = (el: Element, classes: number) => el.localName + [...el.classList].filter((c) => !c.startsWith('router-link')).slice(0, classes).map((c) => '.' + c).join('')
  const where = (el: Element) => (el.parentElement ? tagOf(el.parentElement, 1) + ' > ' : '') + tagOf(el, 3)
  const describe = (el: Element): string => {
    const label = el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement
      ? `${el.getAttribute('type') ?? el.localName} ${el.getAttribute('name') ?? el.getAttribute('aria-label') ?? ''}`.trim()
      : ((el as HTMLElement).innerText ?? el.textContent ?? '').replace(/\s+/g, ' ').trim()
    return `"${label.slice(0, 40)}"`
  }
  const clipped = new Map<Element, boolean>()
  const isClipped = (el: Element | null): boolean => {
    if (!el || el === document.body || el === document.documentElement) return false
    const known = clipped.get(el)
    if (known !== undefined) return known
    const cs = getComputedStyle(el)
    const r = el.getBoundingClientRect()
    const own = (cs.position === 'absolute' || cs.position === 'fixed') && cs.clip !== 'auto' && /rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)/.test(cs.clip)
      || /^inset\(50%/.test(cs.clipPath)
      || (cs.overflow === 'hidden' && r.width <= 1 && r.height <= 1)
      || r.right + scrollX <= 0 || r.bottom + scrollY <= 0
    const result = own || isClipped(el.parentElement)
    clipped.set(el, result)
    return result
  }
  const visible = (el: Element): boolean => {
    if (!el.checkVisibility({ visibilityProperty: true } as CheckVisibilityOptions)) return false
    const r = el.getBoundingClientRect()
    return r.width > 0 && r.height > 0 && !isClipped(el)
  }
  // 4ch in an element's own font, measured on a canvas: changing the DOM would force a new layout per element.
  const context = document.createElement('canvas').getContext('2d')!
  const chWidths = new Map<string, number>()
  const chWidth = (cs: CSSStyleDeclaration): number => {
    const font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`
    if (!chWidths.has(font)) {
      context.font = font
      chWidths.set(font, context.measureText('0').width)
    }
    return chWidths.get(font)!
  }
  const isInline = (el: Element) => ['inline', 'contents'].includes(getComputedStyle(el).display)

  // (2) The page scrolls sideways.
  const root = document.documentElement
  if (root.scrollWidth > root.clientWidth + 1) {
    // The first visible element that sticks out of a parent that does not: usually the cause.
    const out = new Set([...document.body.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1 && visible(el)))
    const widest = [...out].find((el) => !el.parentElement || !out.has(el.parentElement))
    findings.push({ rule: 'sideways-scroll', selector: widest ? where(widest) : 'html', element: widest ? describe(widest) : '', detail: `page ${root.scrollWidth} px wide in a ${root.clientWidth} px viewport` })
  }

  // (1) Text in a box narrower than 4ch that wraps.
  const skipText = new Set(['script', 'style', 'template', 'textarea', 'select', 'option', 'optgroup', 'noscript', 'svg', 'title'])
  for (const el of document.body.querySelectorAll('*')) {
    if (skipText.has(el.localName) || el.closest('svg')) continue
    const texts = [...el.childNodes].filter((n): n is Text => n.nodeType === Node.TEXT_NODE && /\S/.test((n as Text).data))
    if (!texts.length || !visible(el)) continue
    let lines = 0
    for (const text of texts) {
      const range = document.createRange()
      range.selectNodeContents(text)
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)))
      lines = Math.max(lines, tops.size)
    }
    if (lines < 2) continue
    let box: Element = el
    while (isInline(box) && box.parentElement) box = box.parentElement
    const cs = getComputedStyle(box)
    const width = box.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)
    const fourCh = chWidth(getComputedStyle(el)) * 4
    if (width < fourCh) findings.push({ rule: 'narrow-text', selector: where(el), element: describe(el), detail: `text box ${px(width)} px < 4ch ${px(fourCh)} px, ${lines} lines` })
  }

  // (3) Standalone touch targets under 44×44 CSS px.
  const controls = 'a, button, input, select, textarea, summary, [role=button], [role=link], label'
  const inSentence = (a: Element): boolean => {
    if (!isInline(a)) return false
    let block = a.parentElement
    while (block && isInline(block) && block.parentElement) block = block.parentElement
    if (!block) return false
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (/\S/.test((n as Text).data) && !n.parentElement?.closest(controls)) return true
    }
    return false
  }
  for (const el of document.body.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=link]')) {
    const rects: DOMRect[] = []
    const choice = el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')
    if (visible(el)) rects.push(el.getBoundingClientRect())
    if (choice) for (const label of el.labels ?? []) if (visible(label)) rects.push(label.getBoundingClientRect())
    if (!rects.length) continue
    if (el.localName === 'a' && inSentence(el)) continue
    const left = Math.min(...rects.map((r) => r.left))
    const right = Math.max(...rects.map((r) => r.right))
    const top = Math.min(...rects.map((r) => r.top))
    const bottom = Math.max(...rects.map((r) => r.bottom))
    if (right - left < 43.5 || bottom - top < 43.5) {
      findings.push({ rule: 'small-target', selector: where(el), element: describe(el), detail: `${px(right - left)}×${px(bottom - top)} px${choice && rects.length > 1 ? ' with its label' : ''}` })
    }
  }
  return findings
}
