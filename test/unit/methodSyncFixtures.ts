/**
 * For the method sync tests: later method versions made from the bundled one, and a small HTTP
 * server that answers /api/method and /api/method/versions/:v the way src/server/routes/method.ts
 * does (ETag = the version, 304 on a match), reached with the real fetch.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MethodDefinition } from '../../src/shared/method/definition'
import { BUNDLED_METHOD } from '../../src/shared/method/sigMethod'

/**
 * Version 2: the broader check's answer moves to a new field `wor-route-first` (its essential reads
 * the new field), and the "offered to come along" essential is retired.
 */
export function version2(): MethodDefinition {
  const d = structuredClone(BUNDLED_METHOD) as MethodDefinition
  const check = d.pathways.wor.steps.find((s) => s.id === 'wor-bredere-check')!
  for (const b of check.blocks) if ('field' in b && b.field.id === 'wor-other-route') b.field = { ...b.field, id: 'wor-route-first', label: { nl: 'Moet eerst iets anders?', en: 'Must something else come first?' } }
  check.essentials = check.essentials.map((e) => (e.id === 'wor-other-route-checked' ? { ...e, metWhen: { filled: 'answers.wor-route-first' } } : e))
  const match = d.pathways.wor.steps.find((s) => s.id === 'wor-activiteit')!
  match.essentials = match.essentials.filter((e) => e.id !== 'wor-join-offered')
  return {
    ...d,
    version: 2,
    publishedAt: '2026-12-01T09:00:00.000Z',
    note: { nl: 'De bredere check vraagt nu: moet eerst iets anders?', en: 'The broader check now asks: must something else come first?' },
    migrations: [
      { op: 'moveAnswer', from: 'wor-other-route', to: 'wor-route-first' },
      { op: 'retireEssential', essential: 'wor-join-offered' },
    ],
  }
}

/** Version 3: only new wording. */
export function version3(): MethodDefinition {
  const d = version2()
  d.pathways.wor.summary = { nl: 'Voor wie de huisarts naar een welzijnscoach stuurt.', en: 'For whom the GP sends to a wellbeing coach.' }
  return { ...d, version: 3, publishedAt: '2026-12-08T09:00:00.000Z', note: { nl: 'Nieuwe uitleg bij Welzijn op Recept.', en: 'New summary for Welzijn op Recept.' }, migrations: [] }
}

export interface FakeMethodServer {
  base: string
  /** Version → what the server answers for it (anything, to test refusals). */
  versions: Map<number, unknown>
  latest: number
  /** Versions answered with a 500. */
  failing: Set<number>
  /** Every request: path and If-None-Match. */
  requests: { path: string; ifNoneMatch: string | undefined }[]
  close(): Promise<void>
}

export async function methodServer(): Promise<FakeMethodServer> {
  const state = { versions: new Map<number, unknown>([[1, BUNDLED_METHOD]]), latest: 1, failing: new Set<number>(), requests: [] as FakeMethodServer['requests'] }
  const server: Server = createServer((req, res) => {
    const path = req.url ?? ''
    const inm = req.headers['if-none-match']
    state.requests.push({ path, ifNoneMatch: typeof inm === 'string' ? inm : undefined })
    const m = /^\/api\/method(?:\/versions\/(\d+))?$/.exec(path)
    const version = m ? (m[1] ? Number(m[1]) : state.latest) : 0
    const etag = `"method-${version}"`
    if (!m || !state.versions.has(version)) return res.writeHead(404).end('{}')
    if (state.failing.has(version)) return res.writeHead(500).end('{}')
    if (!m[1] && inm === etag) return res.writeHead(304, { ETag: etag }).end()
    res.writeHead(200, { 'Content-Type': 'application/json', ETag: etag }).end(JSON.stringify(state.versions.get(version)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return Object.assign(state, {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  })
}
