/**
 * Downloading the map: one request with the stored ETag, so an unchanged map costs one small
 * answer. The whole document is checked with Zod; one unreadable listing rejects the update and
 * the phone keeps the map it had.
 */
import { z } from 'zod'
import { serviceSchema, type Service } from '../../../../shared/socialMap/hsds'

const envelopeSchema = z.strictObject({
  version: z.number().int().min(0),
  publishedAt: z.string().max(40),
  services: z.array(z.unknown()).max(200_000),
})

export type Download =
  | { status: 'offline' | 'invalid'; reason: string }
  | { status: 'unchanged' }
  | { status: 'updated'; version: number; publishedAt: string; etag: string; services: Service[] }

export async function downloadMap(fetchFn: typeof fetch, apiBase: string, etag: string | undefined): Promise<Download> {
  let response: Response
  try {
    response = await fetchFn(`${apiBase}/api/social-map`, { headers: etag ? { 'If-None-Match': etag } : {}, cache: 'no-cache' })
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
  const envelope = envelopeSchema.safeParse(body)
  if (!envelope.success) return { status: 'invalid', reason: 'unexpected document' }
  const services: Service[] = []
  for (const raw of envelope.data.services) {
    const parsed = serviceSchema.safeParse(raw)
    if (!parsed.success) return { status: 'invalid', reason: 'a listing did not pass validation' }
    services.push(parsed.data)
  }
  const { version, publishedAt } = envelope.data
  return { status: 'updated', version, publishedAt, etag: response.headers.get('ETag') ?? '', services }
}
