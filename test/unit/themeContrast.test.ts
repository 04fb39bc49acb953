import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/**
 * The theme's colour pairs meet WCAG 2.1 AA (docs/theme.md): text 4.5:1, borders, focus rings and
 * other UI parts 3:1. Read from src/app/styles/theme.css itself, so a changed colour is checked.
 */
const css = readFileSync(new URL('../../src/app/styles/theme.css', import.meta.url), 'utf8')
const palette = Object.fromEntries([...css.matchAll(/--sig-color-([a-z-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]))
const color = (name: string) => (name.startsWith('#') ? name : palette[name]) ?? expect.unreachable(`no --sig-color-${name} in theme.css`)

const channel = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
function luminance(hex: string) {
  const n = Number.parseInt(hex.slice(1), 16)
  return 0.2126 * channel((n >> 16) / 255) + 0.7152 * channel(((n >> 8) & 255) / 255) + 0.0722 * channel((n & 255) / 255)
}
function contrast(a: string, b: string) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

// [foreground, background, where it is used]
const TEXT: [string, string, string][] = [
  ['text', 'page', 'body text'],
  ['text', 'surface', 'text in inputs, cards'],
  ['text', 'primary-soft', 'text in an info alert'],
  ['muted', 'page', 'hints, meta lines'],
  ['muted', 'surface', 'hints on white'],
  ['muted', 'primary-soft', 'a hint inside an info alert'],
  ['primary', 'page', 'links'],
  ['primary', 'surface', 'links and secondary buttons on white'],
  ['primary', 'primary-soft', 'tags, hovered secondary button'],
  ['primary-dark', 'primary-soft', 'hovered secondary button'],
  ['#ffffff', 'primary', 'primary button, header'],
  ['#ffffff', 'primary-dark', 'hovered primary button'],
  ['#ffffff', 'muted', 'disabled primary button'],
  ['#ffffff', 'error', 'badge counter'],
  ['warning', 'warning-soft', 'warning alert'],
  ['warning', 'page', 'warning text'],
  ['ok', 'ok-soft', 'ok alert'],
  ['error', 'surface', 'error message'],
  ['error', 'page', 'error message'],
  ['error', 'error-soft', 'error alert'],
]
const UI: [string, string, string][] = [
  ['border', 'surface', 'form control border'],
  ['border', 'page', 'form control border'],
  ['focus', 'page', 'focus ring'],
  ['focus', 'surface', 'focus ring'],
  ['#ffffff', 'primary', 'inner focus ring on the teal header'],
  ['primary', 'surface', 'checked radio button'],
  ['warning-border', 'warning-soft', 'warning alert bar'],
  ['ok-border', 'ok-soft', 'ok alert bar'],
  ['error', 'surface', 'invalid control border'],
]

describe('the theme', () => {
  it('finds its palette in theme.css', () => {
    expect(Object.keys(palette).length).toBeGreaterThanOrEqual(15)
  })
  it.each(TEXT)('text %s on %s (%s) reaches 4.5:1', (fg, bg) => {
    expect(contrast(color(fg), color(bg))).toBeGreaterThanOrEqual(4.5)
  })
  it.each(UI)('UI part %s on %s (%s) reaches 3:1', (fg, bg) => {
    expect(contrast(color(fg), color(bg))).toBeGreaterThanOrEqual(3)
  })
  it('computes contrast as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5)
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2)
  })
})
