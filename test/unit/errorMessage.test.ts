import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/app/core/http'
import { errorKey, waitIn } from '../../src/app/core/errorText'
import en from '../../src/app/i18n/pro.en.json'
import nl from '../../src/app/i18n/pro.nl.json'

const lookup = (messages: unknown, key: string): unknown => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], messages)

describe('what each sign-in step says when it is refused', () => {
  it('the password step names both e-mail address and password, and not a code', () => {
    expect(errorKey(new ApiError(401, 'wrong', 'x'))).toEqual({ key: 'pro.error.wrong' })
    expect(lookup(nl, 'pro.error.wrong')).toMatch(/e-mailadres.*wachtwoord/i)
    expect(lookup(nl, 'pro.error.wrong')).not.toMatch(/code/)
  })
  it('the code step says the code is wrong, not the e-mail address or password', () => {
    expect(errorKey(new ApiError(401, 'wrong-code', 'x'))).toEqual({ key: 'pro.error.wrong-code' })
    expect(lookup(nl, 'pro.error.wrong-code')).toMatch(/code/)
    expect(lookup(nl, 'pro.error.wrong-code')).not.toMatch(/wachtwoord|e-mailadres/)
  })
  it('a wait, a rate limit and a busy server say how long to wait', () => {
    expect(errorKey(new ApiError(429, 'wait', 'x', 30))).toEqual({ key: 'pro.error.wait', wait: { unit: 'seconds', count: 30 } })
    expect(errorKey(new ApiError(429, 'rate-limited', 'x', 600))).toEqual({ key: 'pro.error.rate-limited', wait: { unit: 'minutes', count: 10 } })
    expect(errorKey(new ApiError(503, 'busy', 'x', 2))).toEqual({ key: 'pro.error.busy', wait: { unit: 'seconds', count: 2 } })
  })
  it('a locked account says to ask the beheerder', () => {
    expect(errorKey(new ApiError(423, 'locked', 'x'))).toEqual({ key: 'pro.error.locked' })
    expect(lookup(nl, 'pro.error.locked')).toMatch(/beheerder/)
  })
  it('has a Dutch and an English text for every code the sign-in steps answer', () => {
    for (const code of ['wrong', 'wrong-code', 'wait', 'rate-limited', 'locked', 'busy', 'already-set-up', 'totp-setup-required']) {
      const { key } = errorKey(new ApiError(400, code, 'x', 5))
      expect(key, code).toBe(`pro.error.${code}`)
      expect(typeof lookup(nl, key), `nl ${key}`).toBe('string')
      expect(typeof lookup(en, key), `en ${key}`).toBe('string')
    }
  })
})

describe('a wait in words', () => {
  it('counts seconds under a minute and whole minutes (rounded up) from a minute on', () => {
    expect(waitIn(1)).toEqual({ unit: 'seconds', count: 1 })
    expect(waitIn(59)).toEqual({ unit: 'seconds', count: 59 })
    expect(waitIn(60)).toEqual({ unit: 'minutes', count: 1 })
    expect(waitIn(61)).toEqual({ unit: 'minutes', count: 2 })
    expect(waitIn(900)).toEqual({ unit: 'minutes', count: 15 })
  })
  it('never says to wait zero or a negative time', () => {
    expect(waitIn(0)).toEqual({ unit: 'seconds', count: 1 })
    expect(waitIn(-5)).toEqual({ unit: 'seconds', count: 1 })
    expect(waitIn(Number.NaN)).toEqual({ unit: 'minutes', count: 1 })
  })
})
