/**
 * Every code the server answers an error with (issue 12) is listed in src/shared/api/errors.ts
 * and has words in Dutch and English (src/app/core/errorText.ts): found here by reading
 * src/server, so a new code without a text fails this test instead of showing "something went wrong".
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { errorKey } from '../../src/app/core/errorText'
import { ApiError } from '../../src/app/core/http'
import en from '../../src/app/i18n/pro.en.json'
import nl from '../../src/app/i18n/pro.nl.json'
import { SERVER_ERROR_CODES } from '../../src/shared/api/errors'

const lookup = (messages: unknown, key: string): unknown => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], messages)

const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : name.endsWith('.ts') ? [join(dir, name)] : []))

/** The codes written out in src/server: problem(c, status, 'code'), { code: 'x' }, new …Error('text', 'code'), a refusal's reason. */
function codesInServer(): Set<string> {
  const found = new Set<string>()
  const patterns = [/problem\(c, [^,]+, '([a-z0-9-]+)'/g, /Refusal\(\d+, '([a-z0-9-]+)'/g, /\bcode: '([a-z0-9-]+)'/g, /Error\((?:'[^']*'|`[^`]*`|"[^"]*"), '([a-z0-9-]+)'/g, /\breason: '([a-z0-9-]+)'/g]
  // The example map's languages have a `code` too: no error.
  for (const file of files('src/server').filter((f) => !f.includes('/seed/'))) {
    const text = readFileSync(file, 'utf8')
    for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.add(m[1]!)
  }
  return found
}

/** The password policy's problems, sent as `password-<problem>` (src/shared/accounts/passwordPolicy.ts). */
const PASSWORD_PROBLEMS = ['too-short', 'too-long', 'too-common', 'contains-name']

describe('the codes of the server’s error replies', () => {
  it('are all listed in src/shared/api/errors.ts, and none is listed that the server no longer sends', () => {
    const inServer = [...codesInServer()].filter((c) => c !== 'ok').sort()
    expect(inServer.length).toBeGreaterThan(40)
    expect(inServer.filter((c) => !(SERVER_ERROR_CODES as readonly string[]).includes(c))).toEqual([])
    expect(SERVER_ERROR_CODES.filter((c) => !inServer.includes(c))).toEqual([])
  })

  it('each have a text in Dutch and in English', () => {
    const codes = [...SERVER_ERROR_CODES, ...PASSWORD_PROBLEMS.map((p) => `password-${p}`), 'offline']
    for (const code of codes) {
      const { key } = errorKey(new ApiError(400, code, 'x', 5))
      expect(key, code).not.toBe('pro.error.unknown')
      expect(typeof lookup(nl, key), `nl ${key} (${code})`).toBe('string')
      expect(typeof lookup(en, key), `en ${key} (${code})`).toBe('string')
    }
  })

  it('a code the app does not know yet (a newer server) says something went wrong, in words', () => {
    expect(errorKey(new ApiError(400, 'from-the-future', 'x'))).toEqual({ key: 'pro.error.unknown' })
    expect(errorKey(new ApiError(400, 'toString', 'x'))).toEqual({ key: 'pro.error.unknown' })
  })
})
