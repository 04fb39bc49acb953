import { encode } from 'uqr'
import { describe, expect, it } from 'vitest'
import { qrPath } from '../../src/app/ui/qrCode'

const uri = 'otpauth://totp/Samenwerkwijze%3Abeheer%40gemeente-oss.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Samenwerkwijze&algorithm=SHA1&digits=6&period=30'

/** Paints the path's rectangles back onto a grid. */
function paint(d: string, size: number): boolean[][] {
  const grid = Array.from({ length: size }, () => Array<boolean>(size).fill(false))
  for (const m of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])]
    for (let i = x; i < x + w; i++) grid[y]![i] = true
  }
  return grid
}

describe('the QR code path', () => {
  it('draws exactly the dark modules of the QR code, with a four-module quiet zone', () => {
    const { size, d } = qrPath(uri)
    const expected = encode(uri, { ecc: 'L', border: 4 })
    expect(size).toBe(expected.size)
    expect(paint(d, size)).toEqual(expected.data)
    expect(paint(d, size)[3]!.every((dark) => !dark)).toBe(true)
  })
  it('keeps modules of at least 4 px when a TOTP address is drawn 240 px wide (at most 60 modules)', () => {
    expect(qrPath(uri).size).toBeLessThanOrEqual(60)
  })
})
