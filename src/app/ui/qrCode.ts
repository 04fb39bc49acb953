/** A QR code as one SVG path, drawn on the page: the otpauth:// key is never sent to a QR service. */
import { encode } from 'uqr'

export interface QrPath {
  /** Width and height in modules, quiet zone included. */
  size: number
  /** Dark modules as one path: one rectangle per horizontal run. */
  d: string
}

// Four modules of quiet zone, as the QR standard asks. Low error correction: a screen is clean, and
// fewer, larger modules scan better with a cheap camera.
const QUIET_ZONE = 4

export function qrPath(text: string): QrPath {
  const { data, size } = encode(text, { ecc: 'L', border: QUIET_ZONE })
  const runs: string[] = []
  data.forEach((row, y) => {
    let x = 0
    while (x < size) {
      if (!row[x]) {
        x++
        continue
      }
      const start = x
      while (x < size && row[x]) x++
      runs.push(`M${start} ${y}h${x - start}v1h${start - x}z`)
    }
  })
  return { size, d: runs.join('') }
}
