import { describe, expect, it } from 'vitest'
import { addressBucket } from '../../src/server/http/client'

describe('the per-address limit', () => {
  it('counts an IPv4 address as itself, also when written as IPv6', () => {
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7')
    expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7')
  })

  it("counts IPv6 addresses by their /64: rotating through one subscriber's network gains nothing", () => {
    const bucket = addressBucket('2001:db8:1:2:aaaa:bbbb:cccc:dddd')
    expect(addressBucket('2001:0db8:0001:0002::1')).toBe(bucket)
    expect(addressBucket('2001:db8:1:2::ffff')).toBe(bucket)
    expect(addressBucket('2001:db8:1:3::1')).not.toBe(bucket)
    expect(addressBucket('::1')).toBe('0:0:0:0::/64')
  })
})
