// Writes the app icons (plain PNGs drawn here, no image tools needed): a white map pin on blue.
import { mkdirSync, writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

function crc32(buf) {
  let c
  const table = []
  for (let n = 0; n < 256; n++) {
    c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  let crc = 0xffffffff
  for (const b of buf) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}
function png(size, safeZone) {
  const raw = Buffer.alloc((size * 3 + 1) * size)
  const cx = size / 2
  const scale = safeZone ? 0.6 : 0.8
  const r = (size * scale) / 4
  const cy = size / 2 - r * 0.4
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0
    for (let x = 0; x < size; x++) {
      const dx = x - cx
      const dy = y - cy
      const inCircle = dx * dx + dy * dy <= r * r
      const tipY = cy + r * 2
      const inTip = y > cy && y < tipY && Math.abs(dx) <= r * (1 - (y - cy) / (tipY - cy))
      const inHole = dx * dx + dy * dy <= (r * 0.4) ** 2
      const white = (inCircle || inTip) && !inHole
      const o = y * (size * 3 + 1) + 1 + x * 3
      const [R, G, B] = white ? [255, 255, 255] : [0x1d, 0x5b, 0x79]
      raw[o] = R
      raw[o + 1] = G
      raw[o + 2] = B
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8
  ihdr[9] = 2
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))])
}
mkdirSync('public/icons', { recursive: true })
writeFileSync('public/icons/icon-192.png', png(192, false))
writeFileSync('public/icons/icon-512.png', png(512, false))
writeFileSync('public/icons/icon-maskable-512.png', png(512, true))
console.log('icons written to public/icons')
