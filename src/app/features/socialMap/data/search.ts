/**
 * The loaded map in memory, searched in the data worker: a search index over every listing, the
 * facts each filter asks about (computed once per map), and the short summaries the lists show.
 */
import { isInitiative } from '../../../../shared/socialMap/providerKind'
import { fitsAgeGroup, type AgeGroup } from '../../../../shared/socialMap/ageGroups'
import type { Service } from '../../../../shared/socialMap/hsds'
import { isOpenAt, isOpenOnDate, nextOccurrence } from '../../../../shared/socialMap/schedule'
import { REGION_PLACES, searchDocumentOf } from '../../../../shared/socialMap/search/searchDocument'
import { SearchIndex } from '../../../../shared/socialMap/search/searchIndex'
import { SYNONYMS } from '../../../../shared/socialMap/search/synonyms'
import { distanceKm, isLatLon, type LatLon } from '../../../../shared/socialMap/geo'
import { attendanceOf, isFree, lifeDomainsOf, placesOf, schedulesOf, translatedText } from '../../../../shared/socialMap/serviceFacts'
import { regionDate } from '../../../../shared/core/clock'
import { formatIn } from './dateLabels'
import type { Filters, ServiceSummary, WorkerAnswers } from './protocol'

interface Facts {
  municipalities: string[]
  villages: string[]
  domains: string[]
  isFree: boolean
  minAge?: number
  maxAge?: number
  inPerson: boolean
  online: boolean
  /** Physical locations with real coordinates, for the map and near me. */
  points: LatLon[]
}

export type SearchAnswer = Omit<WorkerAnswers['search'], 'filters' | 'dropped'>

export class MapSearch {
  private services: Service[] = []
  private facts: Facts[] = []
  private positionOf = new Map<string, number>()
  /** Positions in alphabetical order of name, for browsing without a query; sorted once per map. */
  private byName: number[] = []
  private index: SearchIndex = SearchIndex.build([])
  private today = { at: Number.NaN, date: '' }

  get count(): number {
    return this.services.length
  }

  load(services: Service[]): void {
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
        points: pointsOf(s),
      }
    })
    this.index = SearchIndex.build(services.map(searchDocumentOf), SYNONYMS, REGION_PLACES)
  }

  /** With `near`, every match is sorted by distance (ties keep relevance order) before the page is cut. */
  search(query: string, filters: Filters, limit: number, lang: string, now: Date, near?: LatLon): SearchAnswer {
    const allow = this.filterFor(filters, now)
    if (near) return this.searchNear(query, allow, limit, lang, now, near)
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

  private searchNear(query: string, allow: ((p: number) => boolean) | undefined, limit: number, lang: string, now: Date, near: LatLon): SearchAnswer {
    const found = query.trim()
      ? this.index.search(query, { limit: Math.max(1, this.services.length), ...(allow ? { allow } : {}) })
      : { positions: allow ? this.byName.filter(allow) : this.byName, places: [], placeIgnored: false }
    const distance = new Map(found.positions.map((p) => [p, this.distanceOf(p, near)]))
    // Array.prototype.sort is stable: equal distances (and online-only listings, at Infinity) keep their order.
    const sorted = [...found.positions].sort((a, b) => distance.get(a)! - distance.get(b)!)
    return {
      total: sorted.length,
      items: sorted.slice(0, limit).map((p) => this.summary(p, lang, now, distance.get(p))),
      places: found.places,
      placeIgnored: found.placeIgnored,
    }
  }

  private distanceOf(p: number, near: LatLon): number {
    let best = Number.POSITIVE_INFINITY
    for (const point of this.facts[p]!.points) best = Math.min(best, distanceKm(near, point))
    return best
  }

  get(id: string): Service | null {
    const p = this.positionOf.get(id)
    return p === undefined ? null : this.services[p]!
  }

  /** Summaries of the listings with these ids that the map still has, in the order given. */
  summaries(ids: readonly string[], lang: string, now: Date): ServiceSummary[] {
    return ids
      .map((id) => this.positionOf.get(id))
      .filter((p): p is number => p !== undefined)
      .map((p) => this.summary(p, lang, now))
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

  /** A day as the list writes it: today, or "maandag 7 december" in the asked language (i18n/dateFormats.ts). */
  private dayOf(date: string, lang: string, now: Date): NonNullable<ServiceSummary['nextDay']> {
    // The region's date of `now`, once per search rather than once per result.
    if (this.today.at !== now.getTime()) this.today = { at: now.getTime(), date: regionDate(now) }
    return date === this.today.date ? { today: true } : { label: formatIn(lang, 'day', new Date(`${date}T12:00:00Z`)) }
  }

  private summary(p: number, lang: string, now: Date, distance?: number): ServiceSummary {
    const s = this.services[p]!
    const f = this.facts[p]!
    const schedules = schedulesOf(s)
    const next = schedules.length ? nextOccurrence(schedules, now, 120) : undefined
    const name = translatedText(s, 'name', lang) ?? { text: s.name, lang: 'nl' }
    return {
      id: s.id,
      name: name.text,
      nameLang: name.lang,
      ...(s.organization?.name ? { organization: s.organization.name } : {}),
      villages: f.villages,
      domains: f.domains as ServiceSummary['domains'],
      isFree: f.isFree,
      isOpenNow: s.status === 'active' && isOpenAt(schedules, now),
      online: f.online,
      ...(isInitiative(s) ? { initiative: true as const } : {}),
      ...(s.status !== 'active' ? { status: s.status } : {}),
      ...(next && s.status === 'active' ? { next, nextDay: this.dayOf(next.date, lang, now) } : {}),
      ...roomSummary(s),
      ...(f.points[0] ? { position: f.points[0] } : {}),
      ...(distance !== undefined && Number.isFinite(distance) ? { distanceKm: Math.round(distance * 10) / 10 } : {}),
    }
  }
}

function pointsOf(s: Service): LatLon[] {
  return (s.service_at_locations ?? []).flatMap(({ location: l }) => (l?.location_type === 'physical' && isLatLon(l.latitude, l.longitude) ? [{ lat: l.latitude!, lon: l.longitude! }] : []))
}

/** The room a result shows (only for an active listing): the first capacity, in a few fields. */
function roomSummary(s: Service): Pick<ServiceSummary, 'room'> {
  const c = s.status === 'active' ? s.capacities?.[0] : undefined
  return c ? { room: { available: c.available, ...(c.maximum !== undefined ? { maximum: c.maximum } : {}), updated: c.updated, unit: c.unit.name } } : {}
}
