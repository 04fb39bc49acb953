/**
 * Messages between the page and the data worker. Requests are validated with Zod in the
 * worker (an edge like any other); answers are typed. zod/mini keeps the page's start-up
 * bundle small: the page itself only needs the filter schema, for reading URLs.
 */
import * as z from 'zod/mini'
import { AGE_GROUP_KEYS } from '../../../../shared/socialMap/ageGroups'
import { LIFE_DOMAINS } from '../../../../shared/socialMap/lifeDomains'
import { MUNICIPALITIES } from '../../../../shared/socialMap/places'
import type { Service } from '../../../../shared/socialMap/hsds'
import type { Occurrence } from '../../../../shared/socialMap/schedule'
import type { OutboxProblem } from '../../../sync/outbox'
import type { LifeDomain } from '../../../../shared/socialMap/lifeDomains'

const text = (max: number) => z.string().check(z.maxLength(max))

export const filtersSchema = z.object({
  gemeente: z.optional(z.enum(MUNICIPALITIES)),
  kern: z.optional(text(60)),
  domein: z.optional(z.enum(LIFE_DOMAINS)),
  leeftijd: z.optional(z.enum(AGE_GROUP_KEYS as [string, ...string[]])),
  gratis: z.optional(z.boolean()),
  /** 'nu' = open at this moment, or a date YYYY-MM-DD = open on that day. */
  open: z.optional(z.union([z.literal('nu'), z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/))])),
  vorm: z.optional(z.enum(['fysiek', 'online'])),
})
export type Filters = z.infer<typeof filtersSchema>

export const requestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init') }),
  z.object({ type: z.literal('refresh') }),
  z.object({
    type: z.literal('search'),
    query: text(200),
    /** Filter values straight from the URL; the worker checks them with filtersSchema. */
    rawFilters: z.record(z.string().check(z.maxLength(20)), text(200)),
    limit: z.number().check(z.int(), z.minimum(1), z.maximum(500)),
    lang: text(5),
    now: z.number(),
    /** Near me: sort by distance from this point. Stays on the phone (docs/social-map-location.md). */
    near: z.optional(z.object({ lat: z.number().check(z.gte(-90), z.lte(90)), lon: z.number().check(z.gte(-180), z.lte(180)) })),
  }),
  z.object({ type: z.literal('get'), id: text(100) }),
  // The map's "bijgewerkt op" in the shown language, written in the worker (data/dateLabels.ts).
  z.object({ type: z.literal('stamp'), at: z.number(), lang: text(5) }),
  z.object({ type: z.literal('favourites'), lang: text(5), now: z.number() }),
  z.object({ type: z.literal('favouriteIds') }),
  z.object({ type: z.literal('toggleFavourite'), id: text(100) }),
  z.object({ type: z.literal('report'), serviceId: text(100), message: text(2_000), contact: z.optional(text(200)) }),
  // A proposed initiative: checked in the worker with the full schema (src/shared/socialMap/initiative.ts), which the start page need not load.
  z.object({ type: z.literal('proposeInitiative'), submission: z.unknown() }),
  z.object({ type: z.literal('flush') }),
  // Refused reports and proposals (src/app/sync/outbox.ts): listed for the resident, sent again or thrown away by them.
  z.object({ type: z.literal('reportProblems') }),
  z.object({ type: z.literal('retryReport'), id: text(100) }),
  z.object({ type: z.literal('discardReport'), id: text(100) }),
])
export type WorkerRequest = z.infer<typeof requestSchema>

export interface MapMeta {
  version: number
  publishedAt: string
  updatedAt: string
  count: number
}

export interface ServiceSummary {
  id: string
  /** In the asked language where the listing has a translation, else Dutch. */
  name: string
  /** The language `name` is written in (for its `lang` attribute). */
  nameLang: string
  organization?: string
  villages: string[]
  domains: LifeDomain[]
  isFree: boolean
  isOpenNow: boolean
  online: boolean
  /** A burgerinitiatief: residents organise it themselves (docs/initiatives.md). */
  initiative?: true
  /** Only set when the listing is not active: 'inactive' or 'temporarily closed'. */
  status?: 'inactive' | 'temporarily closed' | 'defunct'
  next?: Occurrence
  /**
   * The day of `next` as the list writes it, made in the worker so the page's thread needs no date formatter
   * to show the first results (docs/performance.md): today, or the day in the asked language.
   */
  nextDay?: { today: true } | { label: string }
  /** The listing's room (its first HSDS capacity), when it has one: docs/hsds-extensions.md, "Room". */
  room?: { available: number; maximum?: number; updated: string; unit: string }
  /** The first physical location's coordinates, for the map view. */
  position?: { lat: number; lon: number }
  /** Near me: kilometres from the chosen point to the nearest location (absent without one). */
  distanceKm?: number
}

export type RefreshStatus = 'updated' | 'unchanged' | 'offline' | 'invalid'

export interface WorkerAnswers {
  init: { meta: MapMeta | null; unreadable: number }
  refresh: { status: RefreshStatus; meta: MapMeta | null; reason?: string }
  search: { total: number; items: ServiceSummary[]; places: string[]; placeIgnored: boolean; filters: Filters; dropped: string[] }
  get: { service: Service | null }
  stamp: { text: string }
  favourites: { items: ServiceSummary[]; missing: number }
  favouriteIds: { ids: string[] }
  toggleFavourite: { isFavourite: boolean }
  /** refused: kept with the server's reason, listed by reportProblems. */
  report: { status: 'sent' | 'queued' | 'refused' }
  /** invalid: the worker's check refused it (the page checks first, so only a bug or a tampered message gets here). */
  proposeInitiative: { status: 'sent' | 'queued' | 'refused' | 'invalid' }
  flush: { sent: number; pending: number }
  reportProblems: { items: OutboxProblem[] }
  retryReport: { sent: number; pending: number }
  discardReport: { pending: number }
}

export type WorkerResponse =
  | { requestId: number; ok: true; result: unknown }
  | { requestId: number; ok: false; error: string; code?: 'invalid-request' | 'storage-full' | 'failed' }
  | { event: 'outbox'; pending: number }
