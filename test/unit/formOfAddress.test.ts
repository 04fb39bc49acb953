/**
 * One form of address (issue 14, docs/glossary.md "Aanspreekvorm"): the app says "je"/"jouw" to
 * professionals and residents alike; no text says "u" or "uw". Placeholders ({u}) are not words.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BUNDLED_METHOD } from '../../src/shared/method/sigMethod'

const FILES = ['nl.json', 'explainer.nl.json', 'pro.nl.json']
const FORMAL = /\b(u|uw|uzelf)\b/i

function texts(value: unknown, path: string, out: [string, string][]): [string, string][] {
  if (typeof value === 'string') out.push([path, value])
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) texts(v, path ? `${path}.${k}` : k, out)
  return out
}

describe('the form of address', () => {
  for (const file of FILES) {
    it(`${file} addresses people as "je", never "u"`, () => {
      const messages: unknown = JSON.parse(readFileSync(new URL(`../../src/app/i18n/${file}`, import.meta.url), 'utf8'))
      const formal = texts(messages, '', []).filter(([, text]) => FORMAL.test(text.replace(/\{[^}]*\}/g, '')))
      expect(formal.map(([path, text]) => `${path}: ${text}`)).toEqual([])
    })
  }
  it('the bundled method (prompts read aloud to residents, essentials) says "je" too', () => {
    const dutch = texts(BUNDLED_METHOD, '', []).filter(([path]) => path.endsWith('.nl'))
    expect(dutch.length).toBeGreaterThan(100)
    expect(dutch.filter(([, text]) => FORMAL.test(text)).map(([path, text]) => `${path}: ${text}`)).toEqual([])
  })
})
