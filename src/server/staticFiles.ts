/**
 * Serves the built PWA from `dir`: hashed assets cached for a year, the service worker and
 * index.html never cached, and every other navigation answered with index.html (the app's
 * router takes it from there). Files are read per request, so a rebuilt app is served at once.
 * Nothing under a dot-folder or named with a leading dot is served (the build's manifest, `.vite/`).
 */
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { Context } from 'hono'
import { problem } from './http/problem'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
}

async function fileAt(path: string): Promise<Buffer | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined
    return await readFile(path)
  } catch {
    return undefined
  }
}

export function staticFiles(dir: string) {
  const root = normalize(dir + sep)
  return async (c: Context) => {
    const url = new URL(c.req.url)
    let path: string
    try {
      path = decodeURIComponent(url.pathname)
    } catch {
      return problem(c, 400, 'bad-path', 'Bad path')
    }
    const full = normalize(join(root, path))
    if (!full.startsWith(root)) return problem(c, 404, 'not-found', 'Not found')
    // Dot-folders and dot-files hold the build's own files (.vite/manifest.json lists every source path and chunk), not the app's.
    if (full.slice(root.length).split(sep).some((part) => part.startsWith('.'))) return problem(c, 404, 'not-found', 'Not found')
    let body = path.endsWith('/') ? undefined : await fileAt(full)
    let type = TYPES[extname(full)] ?? 'application/octet-stream'
    let cache = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'
    if (!body) {
      // A path with an extension is a missing file; anything else is a route of the app.
      if (extname(path)) return problem(c, 404, 'not-found', 'Not found')
      body = await fileAt(join(root, 'index.html'))
      if (!body) return problem(c, 503, 'not-built', 'The app is not built yet: run "npm run build".')
      type = TYPES['.html']!
      cache = 'no-cache'
    }
    return c.body(new Uint8Array(body), 200, { 'Content-Type': type, 'Cache-Control': cache })
  }
}
