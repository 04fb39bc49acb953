/**
 * What a person did on the start page painted from index.html (build/prerender.ts) before the app
 * took it over — typed, chose, opened a disclosure, moved the focus — done again through the app, so
 * nothing is undone (docs/performance.md "The start page painted before its JavaScript"). The app's
 * first render is the same markup, so its controls, disclosures and focusable elements are found
 * again by their place in document order. The app hydrates that page (boot.ts): `putBack` first
 * returns it to the state it was painted in, which is what the app's first render expects.
 */
type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement
const CONTROLS = 'input, select, textarea'
const FOCUSABLE = 'a[href], button, input, select, textarea, summary'

export interface Taken {
  /** Each control's value where it differs from the page as painted; null where untouched. */
  values: (string | null)[]
  open: boolean[]
  /** The focused element's place among the focusable ones (-1: none), with its caret. */
  focus: number
  caret: [number | null, number | null]
}

const changed = (c: Control): string | null => {
  if (c instanceof HTMLSelectElement) return [...c.options].some((o) => o.selected !== o.defaultSelected) ? c.value : null
  if (c instanceof HTMLInputElement && (c.type === 'checkbox' || c.type === 'radio')) return null
  return c.value !== c.defaultValue ? c.value : null
}

/** The page's controls, focusable elements and disclosures, each in document order: how the three steps find them. */
function found(root: Element) {
  return {
    controls: [...root.querySelectorAll<Control>(CONTROLS)],
    focusable: [...root.querySelectorAll<HTMLElement>(FOCUSABLE)],
    details: [...root.querySelectorAll('details')],
  }
}

/** Reads the painted page before the app hydrates it; undefined when the person did nothing there. */
export function takeFrom(root: Element): Taken | undefined {
  const { controls, focusable, details } = found(root)
  const values = controls.map(changed)
  const open = details.map((d) => d.open)
  const active = document.activeElement
  const focus = active instanceof HTMLElement ? focusable.indexOf(active) : -1
  const caret: Taken['caret'] = active instanceof HTMLInputElement ? [active.selectionStart, active.selectionEnd] : [null, null]
  if (focus < 0 && !open.some(Boolean) && values.every((v) => v === null)) return undefined
  return { values, open, focus, caret }
}

/**
 * Returns the painted page to the state it was painted in (values, disclosures), so the app's
 * hydration finds its own first render there; `giveTo` then does it all again through the app, whose
 * components follow the events. The focus stays where it is.
 */
export function putBack(root: Element, taken: Taken): void {
  const { controls, details } = found(root)
  taken.values.forEach((value, i) => {
    const c = controls[i]
    if (value === null || !c) return
    if (c instanceof HTMLSelectElement) for (const o of c.options) o.selected = o.defaultSelected
    else c.value = c.defaultValue
  })
  taken.open.forEach((open, i) => {
    if (open && details[i]) details[i].open = false
  })
}

/**
 * Does it again on the app's page: values first (each control's own event), then the disclosures, then the focus
 * (an element inside a closed disclosure cannot take it). All found by their place on the page as it is when called,
 * before any of this adds controls (a disclosure's fields render after its toggle event).
 */
export function giveTo(root: Element, taken: Taken): void {
  const { controls, focusable, details } = found(root)
  taken.values.forEach((value, i) => {
    const c = controls[i]
    if (value === null || !c || c.value === value) return
    c.value = value
    c.dispatchEvent(new Event(c instanceof HTMLSelectElement ? 'change' : 'input'))
  })
  taken.open.forEach((open, i) => {
    if (open && details[i] && !details[i].open) details[i].open = true
  })
  const target = focusable[taken.focus]
  if (target) {
    target.focus()
    if (target instanceof HTMLInputElement && taken.caret[0] !== null) target.setSelectionRange(taken.caret[0], taken.caret[1])
  }
}
