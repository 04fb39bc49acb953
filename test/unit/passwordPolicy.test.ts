import { describe, expect, it } from 'vitest'
import { passwordProblem } from '../../src/shared/accounts/passwordPolicy'

describe('the password rule', () => {
  it('wants at least twelve characters', () => {
    expect(passwordProblem('Kort-1')).toBe('too-short')
  })
  it('refuses common passwords and common words padded with digits', () => {
    expect(passwordProblem('123456789012')).toBe('too-common')
    expect(passwordProblem('Wachtwoord2024!')).toBe('too-common')
    expect(passwordProblem('aaaaaaaaaaaaaa')).toBe('too-common')
  })
  it('refuses a password made of the person’s own name', () => {
    expect(passwordProblem('JanssenJanssen99', ['p.janssen@example.org', 'Piet Janssen'])).toBe('contains-name')
  })
  it('accepts a long, personal passphrase', () => {
    expect(passwordProblem('Zonnebloem-Veld-42-Oss', ['anna@example.org', 'Anna de Vries'])).toBeNull()
  })
})
