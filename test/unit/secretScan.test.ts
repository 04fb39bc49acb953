import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findSecrets, scanDirectory } from '../support/secretScan'

const NAME = 'Mevrouw Jansen'
const forms = (haystack: string | Uint8Array) => findSecrets(haystack, [NAME]).map((f) => f.form)

describe('the plaintext scanner the privacy tests rely on', () => {
  it('finds a secret written plainly, in another case, as UTF-16, JSON-escaped and URL-encoded', () => {
    expect(forms(`{"note":"${NAME}"}`)).toContain('text')
    expect(forms('mevrouw jansen')).toContain('text')
    expect(forms(Buffer.from(`x${NAME}x`, 'utf16le'))).toContain('utf-16le')
    expect(forms(Buffer.from(`x${NAME}x`, 'utf16le').swap16())).toContain('utf-16be')
    expect(findSecrets('{"n":"Ren\\u00e9e"}', ['Renée']).map((f) => f.form)).toContain('json-ascii')
    expect(forms('q=Mevrouw%20Jansen&x=1')).toContain('url')
    expect(forms('q=Mevrouw+Jansen&x=1')).toContain('form-url')
    expect(forms('a=%4D%65%76%72%6F%75%77%20%4A%61%6E%73%65%6E')).toContain('percent › text')
  })

  it('finds a secret with accented letters as UTF-8 text, in any case and inside base64', () => {
    const zoe = 'Zoë Élodie van Dijk'
    const found = (haystack: string | Uint8Array) => findSecrets(haystack, [zoe]).map((f) => f.form)
    expect(found(`{"note":"${zoe}"}`)).toContain('text')
    expect(found(`{"note":"${zoe.toUpperCase()}"}`)).toContain('text')
    expect(found(Buffer.from(zoe, 'utf8'))).toContain('text')
    expect(found(Buffer.from(`{"n":"${zoe}"}`).toString('base64'))).toContain('base64 › text')
    expect(found('Zoe Elodie van Dijk')).toEqual([])
  })

  it('finds a secret inside base64, base64url and hex runs wherever they start, two levels deep', () => {
    const json = JSON.stringify({ person: NAME, at: 1 })
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      expect(forms(`"blob":"${Buffer.from(prefix + json).toString('base64')}"`)).toContain('base64 › text')
      expect(forms(`${Buffer.from(prefix + json).toString('base64url')}`)).toContain('base64 › text')
    }
    expect(forms(`\\x${Buffer.from(json).toString('hex')}`)).toContain('hex › text')
    const twice = Buffer.from(JSON.stringify({ inner: Buffer.from(json).toString('base64') })).toString('base64')
    expect(forms(twice)).toContain('base64 › base64 › text')
  })

  it('finds base64 sent URL-encoded, hex after a stray hex digit, and an accented capital as a JSON escape', () => {
    // Bytes whose base64 holds + and /, sent as %2B and %2F (the reviewer's example: 'Zoë Tulpenbol' as 'Wm/Dqy…').
    const zoe = 'Zoë Tulpenbol'
    const encoded = Buffer.from(JSON.stringify({ n: zoe }), 'utf8').toString('base64')
    expect(encoded).toContain('Wm/D')
    expect(findSecrets(`q=${encodeURIComponent(encoded)}`, [zoe]).map((f) => f.form)).toContain('percent › base64 › text')
    // A length byte that happens to be a hex digit ('a') before a hex value.
    expect(forms(`a${Buffer.from(NAME).toString('hex')}`)).toContain('hex › text')
    expect(findSecrets('{"n":"ZO\\u00CB TULPENBOL"}', [zoe]).map((f) => f.form)).toContain('json-unescaped › text')
  })

  it('finds nothing in text and bytes that do not hold the secret', () => {
    expect(forms('Mevrouw Janssen-de Vries, jansen is een achternaam')).toEqual([])
    const noise = Buffer.alloc(50_000)
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2_654_435_761) >>> 24
    expect(forms(noise)).toEqual([])
    expect(forms(Buffer.from('Mevrouw Jansen', 'utf8').toString('base64').slice(0, 8))).toEqual([])
  })

  it('scans every file under a directory and names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'))
    try {
      writeFileSync(join(dir, 'clean.bin'), 'nothing here')
      writeFileSync(join(dir, 'leak.bin'), Buffer.from(`--${NAME}--`, 'utf16le'))
      const found = scanDirectory(dir, [NAME])
      expect(found).toContainEqual({ secret: NAME, form: 'utf-16le', where: join(dir, 'leak.bin') })
      expect(found.filter((f) => f.where.endsWith('clean.bin'))).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
