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
  it('accepts a long, personal passphrase', () => {
    expect(passwordProblem('Zonnebloem-Veld-42-Oss', ['anna@example.org', 'Anna de Vries'])).toBeNull()
  })
})

describe('the name rule: whole words of the password against whole parts of the name', () => {
  const piet = ['p.janssen@example.org', 'Piet Janssen']
  const vanDijk = ['k.vandijk@example.org', 'Kees van Dijk']

  it('refuses "Piet-Janssen-2026!" for Piet Janssen: a word of the password is a name part', () => {
    expect(passwordProblem('Piet-Janssen-2026!', piet)).toBe('contains-name')
  })
  it('refuses "JanssenJanssen99": words are also split where a capital starts one', () => {
    expect(passwordProblem('JanssenJanssen99', piet)).toBe('contains-name')
  })
  it('refuses "pietjanssen2026x": a word made only of name parts run together is the name too', () => {
    expect(passwordProblem('pietjanssen2026x', piet)).toBe('contains-name')
  })
  it('refuses "Zomerveld-P-Janssen-7": one name word among other words is enough', () => {
    expect(passwordProblem('Zomerveld-P-Janssen-7', piet)).toBe('contains-name')
  })
  it('refuses a password whose letters together spell the name ("Piet2026Janssen!!")', () => {
    expect(passwordProblem('piet2026janssen!!', piet)).toBe('contains-name')
  })
  it('refuses "vandijk-zonnebloem-7" for Kees van Dijk: a short part ("van") joined to a 4+ letter part still spells the name', () => {
    expect(passwordProblem('vandijk-zonnebloem-7', vanDijk)).toBe('contains-name')
  })
  it('refuses the e-mail address’s own part ("kvandijk") too', () => {
    expect(passwordProblem('Kvandijk-Zonnebloem-7', vanDijk)).toBe('contains-name')
  })
  it('accepts "Zonnebloem-Maasdijk-2026" for Kees van Dijk: "dijk" inside the word "maasdijk" is another word', () => {
    expect(passwordProblem('Zonnebloem-Maasdijk-2026', vanDijk)).toBeNull()
  })
  it('accepts "Pieterselie-Tuin-2026" for Piet Janssen: "piet" inside a longer word is not the name', () => {
    expect(passwordProblem('Pieterselie-Tuin-2026', piet)).toBeNull()
  })
  it('does not refuse a word for a name part shorter than four letters on its own ("Bos-Zonnebloem-2026" for Jan Bos)', () => {
    expect(passwordProblem('Bos-Zonnebloem-2026', ['jan@example.org', 'Jan Bos'])).toBeNull()
  })
  it('reads accented names without accents: "Muller-Zonnebloem-7" is refused for Zoë Müller', () => {
    expect(passwordProblem('Muller-Zonnebloem-7', ['zoe@example.org', 'Zoë Müller'])).toBe('contains-name')
  })
})
