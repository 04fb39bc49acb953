/**
 * An element with the `hidden` attribute stays hidden whatever a stylesheet does with it
 * (src/app/styles/main.css). The cause found in issue 14: Utrecht's html textbox variant
 * (@utrecht/textbox-css/dist/html, loaded by styles/nlds.css) gives every text-like <input>
 * `display: block`, which beats the browser's own `[hidden] { display: none }`; a password
 * manager's hidden username field then showed, unlabelled (axe on /beheer/link).
 *
 * happy-dom has no user-agent `[hidden]` rule and does not parse the `i` flag in Utrecht's
 * `input[type=email i]`, so the flag is dropped here; the cascade is otherwise the real one.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const read = (path: string) => readFileSync(resolve(__dirname, '../..', path), 'utf8')
const utrechtTextbox = read('node_modules/@utrecht/textbox-css/dist/html/index.css').replace(/ i\]/g, ']')
const main = read('src/app/styles/main.css')

afterEach(() => {
  document.head.innerHTML = ''
  document.body.innerHTML = ''
})

describe('the hidden attribute under the theme', () => {
  it("keeps a hidden email input hidden though Utrecht's textbox shows inputs as blocks", () => {
    const style = document.createElement('style')
    style.textContent = `${utrechtTextbox}\n${main}`
    document.head.append(style)
    document.body.innerHTML = '<input type="email" autocomplete="username" hidden readonly><input type="email">'
    const [hidden, shown] = [...document.querySelectorAll('input')]
    expect(getComputedStyle(shown!).display, 'the theme does show inputs as blocks').toBe('block')
    expect(getComputedStyle(hidden!).display).toBe('none')
  })
})
