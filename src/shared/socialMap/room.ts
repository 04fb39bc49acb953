/**
 * Room and its age (docs/hsds-extensions.md, "Room"): what the app says about a service's first
 * `capacities` entry, and who may update it. Pure and free of Zod, so the start page's result
 * list can use it; the instant "now" is always passed in.
 */
import type { Role } from '../accounts/roles'
import { regionDate } from '../core/clock'
import { daysBetween } from '../core/days'
import type { Service, ServiceCapacity } from './hsds'

/** A figure older than this many days (by the region's calendar) is shown as possibly out of date. */
export const ROOM_STALE_DAYS = 14
/** A figure dated further ahead than this is not believed either (a wrong clock somewhere). */
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000

/** The unit our quick update uses unless another is named ("plek": one person's place). */
export const DEFAULT_ROOM_UNIT = 'plek'
/** Its HSDS unit id, the same on every listing (a unit is a shared entity in HSDS 3.1). */
export const DEFAULT_ROOM_UNIT_ID = '5a1d0001-0000-4000-8000-000000000001'

/** The room the app shows: the service's first capacities entry. */
export function roomOf(service: Pick<Service, 'capacities'>): ServiceCapacity | undefined {
  return service.capacities?.[0]
}

export interface RoomState {
  available: number
  maximum?: number
  /** Nothing free. */
  full: boolean
  /** Older than ROOM_STALE_DAYS, or dated in the future: not to be shown as fact. */
  stale: boolean
  /** Whole days since the update, by the region's calendar (0: today). */
  daysAgo: number
  /** The region's date of the update (YYYY-MM-DD). */
  date: string
}

/** How a figure reads at `now`: full or not, how old, and whether it is still to be believed. */
export function roomState(capacity: Pick<ServiceCapacity, 'available' | 'maximum' | 'updated'>, now: Date | number): RoomState {
  const at = Date.parse(capacity.updated)
  const nowMs = typeof now === 'number' ? now : now.getTime()
  const date = regionDate(at)
  const daysAgo = daysBetween(date, regionDate(nowMs))
  const stale = Number.isNaN(at) || daysAgo > ROOM_STALE_DAYS || at - nowMs > FUTURE_SLACK_MS
  return {
    available: capacity.available,
    ...(capacity.maximum !== undefined ? { maximum: capacity.maximum } : {}),
    full: capacity.available === 0,
    stale,
    daysAgo: Math.max(0, daysAgo),
    date,
  }
}

/**
 * The roles of the organisation that owns a listing that may update its room: the people who run
 * the activity (sociaal-werker) and their team leader (beheerder). Not the GP (huisarts): a GP
 * refers to activities, and room is not theirs to report. The region's kaartbeheerder may for
 * every listing.
 */
export const ROOM_OWNER_ROLES = ['sociaal-werker', 'beheerder'] as const satisfies readonly Role[]

export interface RoomMembership {
  organisationId: string
  role: Role
  isRegion: boolean
}

/** May this person update the room of a listing owned by `owner` (null: no owner)? */
export function mayUpdateRoom(memberships: readonly RoomMembership[], owner: string | null): boolean {
  return memberships.some(
    (m) => (m.role === 'kaartbeheerder' && m.isRegion) || (owner !== null && m.organisationId === owner && (ROOM_OWNER_ROLES as readonly Role[]).includes(m.role)),
  )
}
