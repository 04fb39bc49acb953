/**
 * Downloading the map: one request with the stored ETag, so an unchanged map costs one small
 * answer. A phone that holds a map names its version and gets only what changed since
 * (docs/social-map-sync.md); the server may answer with the whole map instead. Everything is
 * checked with Zod; one unreadable listing rejects the update and the phone keeps the map it had.
 */
import { z } from 'zod'
import { serviceSchema, type Service } from '../../../../shared/socialMap/hsds'

const envelopeSchema = z.strictObject({
  version: z.number().int().min(0),
  publishedAt: z.string().max(40),
  services: z.array(z.unknown()).max(200_000),
})
const deltaEnvelopeSchema = envelopeSchema.extend({
  since: z.number().int().min(0),
  removed: z.array(z.guid()).max(200_000),
})

/** The version the phone holds, as the server named it. */
export interface HeldVersion {
  version: number
  publishedAt: string
}

export type Download =
  | { status: 'offline' | 'invalid'; reason: string }
  | { status: 'unchanged' }
  | { status: 'updated'; version: number; publishedAt: string; etag: string; services: Service[] }
  | { status: 'delta'; since: number; version: number; publishedAt: string; services: Service[]; removed: string[] }

export async function downloadMap(fetchFn: typeof fetch, apiBase: string, etag: string | undefined, held?: HeldVersion): Promise<Download> {
  const query = held ? `?since=${held.version}&at=${encodeURIComponent(held.publishedAt)}` : ''
  let response: Response
  try {
    response = await fetchFn(`${apiBase}/api/social-map${query}`, { headers: etag ? { 'If-None-Match': etag } : {}, cache: 'no-cache' })
  } catch (e) {
    return { status: 'offline', reason: e instanceof Error ? e.message : String(e) }
  }
  if (response.status === 304) return { status: 'unchanged' }
  if (!response.ok) return { status: 'offline', reason: `server answered ${response.status}` }
  let body: unknown
  try {
    body = await response.json()
  } catch {
    return { status: 'invalid', reason: 'not JSON' }
  }
  const isDelta = typeof body === 'object' && body !== null && 'since' in body
  if (isDelta) {
    const delta = deltaEnvelopeSchema.safeParse(body)
    if (!delta.success) return { status: 'invalid', reason: 'unexpected delta' }
    const services = validListings(delta.data.services)
    if (!services) return { status: 'invalid', reason: 'a listing did not pass validation' }
    const { since, version, publishedAt, removed } = delta.data
    return { status: 'delta', since, version, publishedAt, services, removed }
  }
  const envelope = envelopeSchema.safeParse(body)
  if (!envelope.success) return { status: 'invalid', reason: 'unexpected document' }
  const services = validListings(envelope.data.services)
  if (!services) return { status: 'invalid', reason: 'a listing did not pass validation' }
  const { version, publishedAt } = envelope.data
  return { status: 'updated', version, publishedAt, etag: response.headers.get('ETag') ?? '', services }
}

/** Every listing checked with Zod; null when one fails, so the whole answer is refused. */
function validListings(raw: unknown[]): Service[] | null {
  const services: Service[] = []
  for (const item of raw) {
    const parsed = serviceSchema.safeParse(item)
    if (!parsed.success) return null
    services.push(parsed.data)
  }
  return services
}
