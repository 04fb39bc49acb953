/**
 * The social map as the phone holds it, for the data worker: the stored map (repository.ts), kept
 * current with the server (mapSync.ts), searched (search.ts), with the resident's favourites
 * (favourites.ts) and the queue of their reports (reports.ts).
 */
import type { Service } from '../../../../shared/socialMap/hsds'
import { publicFetch } from '../../../api/socialMap'
import { FavouriteStore } from './favourites'
import { downloadMap } from './mapSync'
import type { Filters, MapMeta, RefreshStatus, WorkerAnswers } from './protocol'
import { ReportQueue } from './reports'
import { readStoredMap, replaceMap, type SocialMapDb, type StoredMeta } from './repository'
import { MapSearch, type SearchAnswer } from './search'

export class LocalSocialMap {
  private readonly map = new MapSearch()
  private meta: StoredMeta | undefined
  private readonly favouriteStore: FavouriteStore
  /** The report queue (reports.ts): its refused items are listed, retried and discarded through it. */
  readonly reports: ReportQueue

  constructor(
    private readonly db: SocialMapDb,
    private readonly fetchFn: typeof fetch = publicFetch,
    private readonly apiBase = '',
  ) {
    this.favouriteStore = new FavouriteStore(db)
    this.reports = new ReportQueue(db, fetchFn, apiBase)
  }

  async init(): Promise<WorkerAnswers['init']> {
    const { services, unreadable, meta } = await readStoredMap(this.db)
    this.meta = meta
    this.map.load(services)
    return { meta: this.metaOut(), unreadable }
  }

  async refresh(): Promise<WorkerAnswers['refresh']> {
    const answer = await downloadMap(this.fetchFn, this.apiBase, this.meta?.etag && this.map.count ? this.meta.etag : undefined)
    if (answer.status === 'unchanged') {
      await this.touch()
      return this.refreshResult('unchanged')
    }
    if (answer.status !== 'updated') return this.refreshResult(answer.status, answer.reason)
    const { version, publishedAt, etag, services } = answer
    const meta: StoredMeta = { key: 'map', version, publishedAt, updatedAt: new Date().toISOString(), etag }
    await replaceMap(this.db, services, meta)
    this.meta = meta
    this.map.load(services)
    return this.refreshResult('updated')
  }

  search(query: string, filters: Filters, limit: number, lang: string, now: Date): SearchAnswer {
    return this.map.search(query, filters, limit, lang, now)
  }

  get(id: string): Service | null {
    return this.map.get(id)
  }

  favouriteIds(): Promise<string[]> {
    return this.favouriteStore.ids()
  }

  async favourites(lang: string, now: Date): Promise<WorkerAnswers['favourites']> {
    const ids = await this.favouriteStore.ids()
    const items = this.map.summaries(ids, lang, now)
    return { items, missing: ids.length - items.length }
  }

  toggleFavourite(id: string): Promise<boolean> {
    return this.favouriteStore.toggle(id)
  }

  /** Queues a report and tries to send the queue (reports.ts). */
  report(serviceId: string, message: string, contact: string | undefined): Promise<WorkerAnswers['report']['status']> {
    return this.reports.report(serviceId, message, contact)
  }

  flush(): Promise<WorkerAnswers['flush']> {
    return this.reports.flush()
  }

  pending(): Promise<number> {
    return this.reports.pending()
  }

  private async touch() {
    if (!this.meta) return
    this.meta = { ...this.meta, updatedAt: new Date().toISOString() }
    await this.db.meta.put(this.meta)
  }

  private refreshResult(status: RefreshStatus, reason?: string): WorkerAnswers['refresh'] {
    return { status, meta: this.metaOut(), ...(reason ? { reason } : {}) }
  }

  private metaOut(): MapMeta | null {
    if (!this.meta) return null
    return { version: this.meta.version, publishedAt: this.meta.publishedAt, updatedAt: this.meta.updatedAt, count: this.map.count }
  }
}
