import { describe, expect, it } from 'vitest'
import { safeHref } from '../../src/shared/links'

describe('safeHref: a link is only built from a value that is what it claims to be', () => {
  it('passes a web address through, normalised', () => {
    expect(safeHref('web', 'https://www.voorbeeld.example/aanbod')).toBe('https://www.voorbeeld.example/aanbod')
    expect(safeHref('web', 'HTTP://Example.com')).toBe('http://example.com/')
  })
  it('gives no link for script, data and other schemes, however they are written', () => {
    for (const bad of ['javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)', '\u0000javascript:alert(1)', 'data:text/html,x', 'vbscript:x', 'mailto:a@b.example', '//evil.example', '/relative', ''])
      expect(safeHref('web', bad), bad).toBeUndefined()
  })
  it('gives no link for nothing', () => {
    expect(safeHref('web', undefined)).toBeUndefined()
    expect(safeHref('email', null)).toBeUndefined()
  })
  it('builds mailto: only from an e-mail address', () => {
    expect(safeHref('email', 'info@voorbeeld.example')).toBe('mailto:info@voorbeeld.example')
    expect(safeHref('email', 'javascript:alert(1)//@x.example')).toBeUndefined()
    expect(safeHref('email', 'a@b.example?bcc=everyone@c.example')).toBeUndefined()
    expect(safeHref('email', 'not an address')).toBeUndefined()
  })
  it('builds tel: only from a phone number, keeping digits and a leading + (without the (0) that is not dialled from abroad)', () => {
    expect(safeHref('phone', '0412 - 123 456')).toBe('tel:0412123456')
    expect(safeHref('phone', '+31 (0)412 123456')).toBe('tel:+31412123456')
    expect(safeHref('phone', 'javascript:alert(1)')).toBeUndefined()
    expect(safeHref('phone', 'bel ons')).toBeUndefined()
    expect(safeHref('phone', '12')).toBeUndefined()
  })
})
