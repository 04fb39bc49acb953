/**
 * The social map as the phone holds it: loads and validates the stored map, keeps it
 * current with the server (ETag, so an unchanged map costs one small request), searches
 * it, and keeps favourites and an outbox of residents' reports. Runs in the data worker.
 */
import { z } from 'zod'
import { fitsAgeGroup, type AgeGroup } from '../../../../shared/socialMap/ageGroups'
import { serviceSchema, type Service } from '../../../../shared/socialMap/hsds'
import { isOpenAt, isOpenOnDate, nextOccurrence } from '../../../../shared/socialMap/schedule'
import { REGION_PLACES, searchDocumentOf } from '../../../../shared/socialMap/search/searchDocument'
import { SearchIndex } from '../../../../shared/socialMap/search/searchIndex'
import { SYNONYMS } from '../../../../shared/socialMap/search/synonyms'
import { attendanceOf, isFree, lifeDomainsOf, placesOf, schedulesOf, translated } from '../../../../shared/socialMap/serviceFacts'
import { ReportQueue } from './reports'
import type { SocialMapDb, StoredMeta } from './repository'
import type { Filters, MapMeta, RefreshStatus, ServiceSummary, WorkerAnswers } from './protocol'

const envelopeSchema = z.strictObject({
  version: z.number().int().min(0),
  publishedAt: z.string().max(40),
  services: z.array(z.unknown()).max(200_000),
})

interface Facts {
  municipalities: string[]
  villages: string[]
  domains: string[]
  isFree: boolean
  minAge?: number
  maxAge?: number
  inPerson: boolean
  online: boolean
}

export class LocalSocialMap {
  private services: Service[] = []
  private facts: Facts[] = []
  private positionOf = new Map<string, number>()
  /** Positions in alphabetical order of name, for browsing without a query; sorted once per map. */
  private byName: number[] = []
  private index: SearchIndex = SearchIndex.build([])
  private meta: StoredMeta | undefined
  private readonly reports: ReportQueue

  constructor(
    private readonly db: SocialMapDb,
    // Wrapped: a bare `fetch` called as a method throws "Illegal invocation".
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
    private readonly apiBase = '',
  ) {
    this.reports = new ReportQueue(db, fetchFn, apiBase)
  }

  async init(): Promise<WorkerAnswers['init']> {
    const [stored, meta] = await Promise.all([this.db.services.toArray(), this.db.meta.get('map')])
    const valid: Service[] = []
    let unreadable = 0
    for (const record of stored) {
      const parsed = record.schemaVersion === 1 ? serviceSchema.safeParse(record.doc) : undefined
      if (parsed?.success) valid.push(parsed.data)
      else unreadable++
    }
    this.meta = meta
    this.load(valid)
    return { meta: this.metaOut(), unreadable }
  }

  async refresh(): Promise<WorkerAnswers['refresh']> {
    let response: Response
    try {
      response = await this.fetchFn(`${this.apiBase}/api/social-map`, {
        headers: this.meta?.etag && this.services.length ? { 'If-None-Match': this.meta.etag } : {},
        cache: 'no-cache',
      })
    } catch (e) {
      return this.refreshResult('offline', e instanceof Error ? e.message : String(e))
    }
    if (response.status === 304) {
      await this.touch()
      return this.refreshResult('unchanged')
    }
    if (!response.ok) return this.refreshResult('offline', `server answered ${response.status}`)
    let body: unknown
    try {
      body = await response.json()
    } catch {
      return this.refreshResult('invalid', 'not JSON')
    }
    const envelope = envelopeSchema.safeParse(body)
    if (!envelope.success) return this.refreshResult('invalid', 'unexpected document')
    const services: Service[] = []
    for (const raw of envelope.data.services) {
      const parsed = serviceSchema.safeParse(raw)
      // One unreadable listing rejects the whole update: the phone keeps the map it had.
      if (!parsed.success) return this.refreshResult('invalid', 'a listing did not pass validation')
      services.push(parsed.data)
    }
    const meta: StoredMeta = {
      key: 'map',
      version: envelope.data.version,
      publishedAt: envelope.data.publishedAt,
      updatedAt: new Date().toISOString(),
      etag: response.headers.get('ETag') ?? '',
    }
    // Replace the map in one transaction: a crash halfway leaves the old map whole.
    await this.db.transaction('rw', this.db.services, this.db.meta, async () => {
      await this.db.services.clear()
      await this.db.services.bulkPut(services.map((doc) => ({ id: doc.id, schemaVersion: 1 as const, doc })))
      await this.db.meta.put(meta)
    })
    this.meta = meta
    this.load(services)
    return this.refreshResult('updated')
  }

  search(query: string, filters: Filters, limit: number, lang: string, now: Date): Omit<WorkerAnswers['search'], 'filters' | 'dropped'> {
    const allow = this.filterFor(filters, now)
    if (!query.trim()) {
      const positions = allow ? this.byName.filter(allow) : this.byName
      return { total: positions.length, items: positions.slice(0, limit).map((p) => this.summary(p, lang, now)), places: [], placeIgnored: false }
    }
    const result = this.index.search(query, { limit, ...(allow ? { allow } : {}) })
    return {
      total: result.total,
      items: result.positions.map((p) => this.summary(p, lang, now)),
      places: result.places,
      placeIgnored: result.placeIgnored,
    }
  }

  get(id: string): Service | null {
    const p = this.positionOf.get(id)
    return p === undefined ? null : this.services[p]!
  }

  async favouriteIds(): Promise<string[]> {
    return (await this.db.favourites.orderBy('addedAt').toArray()).map((f) => f.id)
  }

  async favourites(lang: string, now: Date): Promise<WorkerAnswers['favourites']> {
    const ids = await this.favouriteIds()
    const positions = ids.map((id) => this.positionOf.get(id)).filter((p): p is number => p !== undefined)
    return { items: positions.map((p) => this.summary(p, lang, now)), missing: ids.length - positions.length }
  }

  async toggleFavourite(id: string): Promise<boolean> {
    return this.db.transaction('rw', this.db.favourites, async () => {
      if (await this.db.favourites.get(id)) {
        await this.db.favourites.delete(id)
        return false
      }
      await this.db.favourites.put({ id, addedAt: new Date().toISOString() })
      return true
    })
  }

  /** Queues a report and tries to send the queue (reports.ts). */
  report(serviceId: string, message: string, contact: string | undefined): Promise<'sent' | 'queued'> {
    return this.reports.report(serviceId, message, contact)
  }

  flush(): Promise<WorkerAnswers['flush']> {
    return this.reports.flush()
  }

  pending(): Promise<number> {
    return this.reports.pending()
  }

  private load(services: Service[]) {
    this.services = services
    this.positionOf = new Map(services.map((s, i) => [s.id, i]))
    const collator = new Intl.Collator('nl')
    this.byName = services.map((_, i) => i).sort((a, b) => collator.compare(services[a]!.name, services[b]!.name))
    this.facts = services.map((s) => {
      const places = placesOf(s)
      const attendance = attendanceOf(s)
      return {
        municipalities: places.municipalities,
        villages: places.villages,
        domains: lifeDomainsOf(s),
        isFree: isFree(s),
        ...(s.minimum_age !== undefined ? { minAge: s.minimum_age } : {}),
        ...(s.maximum_age !== undefined ? { maxAge: s.maximum_age } : {}),
        inPerson: attendance.inPerson,
        online: attendance.online,
      }
    })
    this.index = SearchIndex.build(services.map(searchDocumentOf), SYNONYMS, REGION_PLACES)
  }

  private filterFor(f: Filters, now: Date): ((p: number) => boolean) | undefined {
    const tests: ((p: number) => boolean)[] = []
    const { gemeente, kern, domein, leeftijd, gratis, open, vorm } = f
    if (gemeente) tests.push((p) => this.facts[p]!.municipalities.includes(gemeente))
    if (kern) tests.push((p) => this.facts[p]!.villages.includes(kern))
    if (domein) tests.push((p) => this.facts[p]!.domains.includes(domein))
    if (leeftijd) tests.push((p) => fitsAgeGroup(this.facts[p]!.minAge, this.facts[p]!.maxAge, leeftijd as AgeGroup))
    if (gratis) tests.push((p) => this.facts[p]!.isFree)
    if (vorm === 'online') tests.push((p) => this.facts[p]!.online)
    if (vorm === 'fysiek') tests.push((p) => this.facts[p]!.inPerson)
    // A closed or inactive listing is never "open", whatever its schedule says.
    if (open) tests.push((p) => this.services[p]!.status === 'active')
    if (open === 'nu') tests.push((p) => isOpenAt(schedulesOf(this.services[p]!), now))
    else if (open) tests.push((p) => isOpenOnDate(schedulesOf(this.services[p]!), open))
    if (!tests.length) return undefined
    return (p) => tests.every((t) => t(p))
  }

  private summary(p: number, lang: string, now: Date): ServiceSummary {
    const s = this.services[p]!
    const f = this.facts[p]!
    const schedules = schedulesOf(s)
    const next = schedules.length ? nextOccurrence(schedules, now, 120) : undefined
    return {
      id: s.id,
      name: translated(s, 'name', lang) ?? s.name,
      ...(s.organization?.name ? { organization: s.organization.name } : {}),
      villages: f.villages,
      domains: f.domains as ServiceSummary['domains'],
      isFree: f.isFree,
      isOpenNow: s.status === 'active' && isOpenAt(schedules, now),
      online: f.online,
      ...(s.status !== 'active' ? { status: s.status } : {}),
      ...(next && s.status === 'active' ? { next } : {}),
    }
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
    return { version: this.meta.version, publishedAt: this.meta.publishedAt, updatedAt: this.meta.updatedAt, count: this.services.length }
  }
}
