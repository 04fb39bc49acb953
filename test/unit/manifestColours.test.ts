import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/**
 * The installed app's colours are the theme's (docs/theme.md): the manifest's theme_color (the
 * phone's status bar, the task switcher) is the header's primary teal, as index.html's
 * <meta name="theme-color">, and background_color (the splash screen) is the page colour, so
 * opening the app does not flash another blue or white. Read from the files themselves.
 */
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
const theme = read('src/app/styles/theme.css')
const token = (name: string) => new RegExp(`--sig-color-${name}:\\s*(#[0-9a-f]{6})\\s*;`, 'i').exec(theme)?.[1]?.toLowerCase() ?? expect.unreachable(`no --sig-color-${name}`)
const config = read('vite.config.ts')
const manifest = (key: string) => new RegExp(`${key}:\\s*'(#[0-9a-f]{6})'`, 'i').exec(config)?.[1]?.toLowerCase() ?? expect.unreachable(`no ${key} in vite.config.ts`)

describe("the web app manifest's colours", () => {
  it("theme_color is the theme's primary, as the page's theme-color meta", () => {
    expect(manifest('theme_color')).toBe(token('primary'))
    const meta = /<meta name="theme-color" content="(#[0-9a-f]{6})"/i.exec(read('index.html'))?.[1]?.toLowerCase()
    expect(meta).toBe(token('primary'))
  })

  it("background_color is the theme's page colour", () => {
    expect(manifest('background_color')).toBe(token('page'))
  })
})
