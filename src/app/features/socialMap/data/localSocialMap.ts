/**
 * The social map as the phone holds it, for the data worker: the stored map (repository.ts), kept
 * current with the server (mapSync.ts), searched (search.ts), with the resident's favourites
 * (favourites.ts) and what they send without an account: reports (reports.ts) and proposed
 * initiatives (initiatives.ts), two queues on one outbox table (residentQueue.ts).
 */
import type { LatLon } from '../../../../shared/socialMap/geo'
import type { InitiativeSubmission } from '../../../../shared/socialMap/initiative'
import type { Service } from '../../../../shared/socialMap/hsds'
import { publicFetch } from '../../../api/socialMap'
import { FavouriteStore } from './favourites'
import { downloadMap, type Download } from './mapSync'
import type { Filters, MapMeta, RefreshStatus, WorkerAnswers } from './protocol'
import { InitiativeQueue } from './initiatives'
import { ReportQueue } from './reports'
import { applyDelta, readStoredMap, replaceMap, type SocialMapDb, type StoredMeta } from './repository'
import { MapSearch, type SearchAnswer } from './search'
import type { OutboxProblem } from '../../../sync/outbox'

export class LocalSocialMap {
  private readonly map = new MapSearch()
  private meta: StoredMeta | undefined
  /** The listings the search index holds, kept to apply deltas to. */
  private services: Service[] = []
  /** Listings in the store that failed validation at start: the store is not whole. */
  private unreadable = 0
  private readonly favouriteStore: FavouriteStore
  /** The report queue (reports.ts): its refused items are listed, retried and discarded through it. */
  readonly reports: ReportQueue
  readonly initiatives: InitiativeQueue

  constructor(
    private readonly db: SocialMapDb,
    private readonly fetchFn: typeof fetch = publicFetch,
    private readonly apiBase = '',
  ) {
    this.favouriteStore = new FavouriteStore(db)
    this.reports = new ReportQueue(db, fetchFn, apiBase)
    this.initiatives = new InitiativeQueue(db, fetchFn, apiBase)
  }

  async init(): Promise<WorkerAnswers['init']> {
    const { services, unreadable, meta } = await readStoredMap(this.db)
    this.meta = meta
    this.unreadable = unreadable
    this.load(services)
    return { meta: this.metaOut(), unreadable }
  }

  async refresh(): Promise<WorkerAnswers['refresh']> {
    // A delta needs a map known to be whole: one the phone holds with every listing readable;
    // otherwise the whole map, without the ETag, so a damaged store is replaced (docs/social-map-sync.md).
    const whole = this.meta && this.map.count && !this.unreadable ? this.meta : undefined
    let answer = await downloadMap(this.fetchFn, this.apiBase, whole?.etag || undefined, whole && { version: whole.version, publishedAt: whole.publishedAt })
    if (answer.status === 'delta') {
      const applied = await this.applyDelta(answer)
      if (applied !== 'gap') return this.refreshResult(applied)
      // Made for another version than the one stored: the whole map instead.
      answer = await downloadMap(this.fetchFn, this.apiBase, undefined)
      if (answer.status === 'delta') return this.refreshResult('invalid', 'a delta where the whole map was asked for')
    }
    if (answer.status === 'unchanged') {
      await this.touch()
      return this.refreshResult('unchanged')
    }
    if (answer.status !== 'updated') return this.refreshResult(answer.status, answer.reason)
    const { version, publishedAt, etag, services } = answer
    const meta: StoredMeta = { key: 'map', version, publishedAt, updatedAt: new Date().toISOString(), etag }
    await replaceMap(this.db, services, meta)
    this.meta = meta
    this.unreadable = 0
    this.load(services)
    return this.refreshResult('updated')
  }

  /** Applies a checked delta to the store (one transaction) and to the search index; 'gap' when it does not fit the map held. */
  private async applyDelta(delta: Extract<Download, { status: 'delta' }>): Promise<'updated' | 'unchanged' | 'gap'> {
    if (!this.meta || delta.since !== this.meta.version || delta.version < delta.since) return 'gap'
    if (delta.version === delta.since && !delta.services.length && !delta.removed.length) {
      await this.touch()
      return 'unchanged'
    }
    // No full-map ETag after a delta: the next full download (a fallback) is a whole answer.
    const meta: StoredMeta = { key: 'map', version: delta.version, publishedAt: delta.publishedAt, updatedAt: new Date().toISOString(), etag: '' }
    if (!(await applyDelta(this.db, delta.since, delta.services, delta.removed, meta))) return 'gap'
    const byId = new Map(this.services.map((s) => [s.id, s]))
    for (const id of delta.removed) byId.delete(id)
    for (const s of delta.services) byId.set(s.id, s)
    this.meta = meta
    // In the store's order (by id), so the phone's map reads the same however it was assembled.
    this.load([...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    return 'updated'
  }

  private load(services: Service[]): void {
    this.services = services
    this.map.load(services)
  }

  search(query: string, filters: Filters, limit: number, lang: string, now: Date, near?: LatLon): SearchAnswer {
    return this.map.search(query, filters, limit, lang, now, near)
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

  /** Queues a proposed initiative and tries to send it (initiatives.ts). */
  propose(submission: InitiativeSubmission): Promise<WorkerAnswers['proposeInitiative']['status']> {
    return this.initiatives.propose(submission)
  }

  /** Queues a report and tries to send the queue (reports.ts). */
  report(serviceId: string, message: string, contact: string | undefined): Promise<WorkerAnswers['report']['status']> {
    return this.reports.report(serviceId, message, contact)
  }

  async flush(): Promise<WorkerAnswers['flush']> {
    const [a, b] = [await this.reports.flush(), await this.initiatives.flush()]
    return { sent: a.sent + b.sent, pending: a.pending + b.pending }
  }

  async pending(): Promise<number> {
    return (await this.reports.pending()) + (await this.initiatives.pending())
  }

  /** Refused items of both queues (each names its kind), for the resident. */
  async problems(): Promise<OutboxProblem[]> {
    return [...(await this.reports.problems()), ...(await this.initiatives.problems())]
  }

  /** The queue an item waits in, by its kind; a report when the row is gone or unreadable. */
  private async queueOf(id: string) {
    const row = await this.db.outbox.get(id)
    return row?.kind === this.initiatives.kind ? this.initiatives : this.reports
  }

  async retry(id: string): Promise<WorkerAnswers['flush']> {
    const { sent } = await (await this.queueOf(id)).retry(id)
    return { sent, pending: await this.pending() }
  }

  async discard(id: string): Promise<number> {
    await (await this.queueOf(id)).discard(id)
    return this.pending()
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
