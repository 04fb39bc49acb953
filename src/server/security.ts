/** Security headers on every response: a strict CSP without inline scripts, no framing, no sniffing. */
import type { MiddlewareHandler } from 'hono'

/** The policy; `tileOrigin` (the map's tile server, GET /api/config) may serve images besides this origin. */
export const contentSecurityPolicy = (tileOrigin?: string) => [
  "default-src 'self'",
  // 'wasm-unsafe-eval' lets the vault's Argon2id (hash-wasm) compile its WebAssembly; it allows no
  // eval() of JavaScript and no inline scripts (docs/device-trust.md, "The vault").
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  `img-src 'self' data:${tileOrigin ? ` ${tileOrigin}` : ''}`,
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

export const securityHeaders = (tileOrigin?: string): MiddlewareHandler => {
  const policy = contentSecurityPolicy(tileOrigin)
  return async (c, next) => {
    await next()
    const h = c.res.headers
    h.set('Content-Security-Policy', policy)
    h.set('X-Content-Type-Options', 'nosniff')
    h.set('X-Frame-Options', 'DENY')
    h.set('Referrer-Policy', 'no-referrer')
    h.set('Cross-Origin-Opener-Policy', 'same-origin')
    // geolocation for this origin only: "near me" asks for it when the resident presses the button (docs/social-map-location.md).
    h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(self)')
  }
}
