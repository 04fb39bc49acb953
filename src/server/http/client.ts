import { createHmac } from 'node:crypto'
/**
 * Who is on the other end. X-Forwarded-For and -Proto are believed only from the reverse
 * proxies the operator declared (TRUST_PROXY = how many sit in front, docs/operations.md): each
 * proxy appends the address it received the request from, so the client is the entry that many
 * places from the right. Anything further left was written by the client and proves nothing.
 */
import type { Context } from 'hono'

export interface ProxySettings {
  /** Reverse proxies in front of this server (0: none, believe no forwarded header). */
  trustedProxies: number
}

function socketAddress(c: Context): string {
  return (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown'
}

/** The right-most address no trusted proxy vouches for; the socket's peer without proxies. */
export function clientAddress(c: Context, proxy: ProxySettings): string {
  if (proxy.trustedProxies < 1) return socketAddress(c)
  const hops = (c.req.header('X-Forwarded-For') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
  // Fewer entries than proxies: the request did not come through all of them.
  return hops.length >= proxy.trustedProxies ? hops[hops.length - proxy.trustedProxies]!.slice(0, 64) : socketAddress(c)
}

/**
 * The bucket a per-address limit counts under: an IPv4 address, or an IPv6 address's /64 (one
 * subscriber's network: anyone holding one has 2^64 addresses to rotate through).
 */
export function addressBucket(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')
  if (!plain.includes(':')) return plain
  const [head = '', tail = ''] = plain.toLowerCase().split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = plain.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`
}

export function isHttps(c: Context, proxy: ProxySettings): boolean {
  if (c.req.url.startsWith('https:')) return true
  if (proxy.trustedProxies < 1) return false
  // The proxy nearest to us speaks last.
  const proto = (c.req.header('X-Forwarded-Proto') ?? '').split(',').map((p) => p.trim())
  return proto.at(-1) === 'https'
}

/**
 * What a per-address limit stores: an HMAC of the address's bucket under the account key, so the
 * rate-limit table holds no address (sign-in, devices, reports, initiatives, help requests).
 */
export function hashedAddress(accountKey: Buffer | Uint8Array | string, address: string): string {
  return createHmac('sha256', accountKey).update(`address:${addressBucket(address)}`).digest('base64url')
}
