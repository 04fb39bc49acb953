/**
 * The published social map as one gzip-compressed JSON document with a strong ETag.
 * Built once per map version and kept in memory: phones download it once and afterwards
 * get 304 until the version changes.
 */
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type { Database } from '../db/types'
import type { SocialMapDocument } from '../../shared/socialMap/hsds'
import { buildDelta, type DeltaResult, type HeldVersion } from './mapDelta'
import { listServices, mapVersion } from './repository'

export interface PublishedMap {
  version: number
  etag: string
  json: Buffer
  gzip: Buffer
}

export class PublishedMapCache {
  private current: PublishedMap | undefined
  private building: Promise<PublishedMap> | undefined

  constructor(private readonly db: Database) {}

  async get(): Promise<PublishedMap> {
    const { version } = await mapVersion(this.db)
    if (this.current?.version === version) return this.current
    // One build at a time; concurrent requests share it.
    this.building ??= this.build().finally(() => (this.building = undefined))
    const built = await this.building
    return built.version === version ? built : this.get()
  }

  /** What changed since the version a phone holds, read from the database on each call (mapDelta.ts). */
  delta(held: HeldVersion): Promise<DeltaResult> {
    return buildDelta(this.db, held)
  }

  private async build(): Promise<PublishedMap> {
    const { version, publishedAt } = await mapVersion(this.db)
    const services = (await listServices(this.db)).filter((s) => s.status !== 'defunct')
    const doc: SocialMapDocument = { version, publishedAt, services }
    const json = Buffer.from(JSON.stringify(doc))
    const etag = `"m${version}-${createHash('sha256').update(json).digest('base64url').slice(0, 16)}"`
    this.current = { version, etag, json, gzip: gzipSync(json, { level: 9 }) }
    return this.current
  }
}
