/**
 * Room and waiting times for a few kinds of example listing (docs/hsds-extensions.md, "Room"), so
 * the example map shows them. Derived from the listing's name and the reference date only — no
 * draw from the map's random stream, so every other value of the example map stays as it was.
 * One listing in seven carries a figure older than ROOM_STALE_DAYS, to show "Mogelijk verouderd".
 */
import type { Service } from '../../shared/socialMap/hsds'
import { DEFAULT_ROOM_UNIT, DEFAULT_ROOM_UNIT_ID, ROOM_STALE_DAYS } from '../../shared/socialMap/room'
import { toDayNumber } from '../../shared/core/dates'

interface RoomTemplate {
  maximum: number
  description?: string
}

/** By template name (with {plaats}): how many places there are in all. */
const ROOM: Record<string, RoomTemplate> = {
  'Dagbesteding De Werkplaats {plaats}': { maximum: 12, description: 'Plekken in de werkplaats, per dag' },
  'Samen eten {plaats}': { maximum: 20, description: 'Plekken aan tafel' },
  'Cursus Grip op je geld {plaats}': { maximum: 10, description: 'Plekken in de volgende cursus' },
  'Training omgaan met stress {plaats}': { maximum: 8, description: 'Plekken in de volgende training' },
  'Huiswerkbegeleiding {plaats}': { maximum: 15 },
}

/** By template name: the waiting time as HSDS `wait_time` (free text). */
const WAIT: Record<string, string> = {
  'Schuldhulpverlening gemeente {plaats}': 'Ongeveer 2 weken tot het eerste gesprek. Bij spoed (afsluiting, huisuitzetting) dezelfde week.',
  'Maatjesproject tegen eenzaamheid {plaats}': 'Je wacht nu ongeveer 6 weken op een maatje.',
  'Wooncoach {plaats}': 'Ongeveer 3 weken.',
  'Dagbesteding De Werkplaats {plaats}': 'Geen wachttijd als er plek is; anders ongeveer 4 weken.',
  'Schuldhulp Maatje {plaats}': 'Ongeveer 4 weken tot je een maatje hebt.',
}

/** The same waiting times in English (the listing's `x_translations.en.wait_time`, docs/hsds-extensions.md). */
const WAIT_EN: Record<string, string> = {
  'Schuldhulpverlening gemeente {plaats}': 'About 2 weeks until the first talk. If it is urgent (cut-off, eviction), the same week.',
  'Maatjesproject tegen eenzaamheid {plaats}': 'You now wait about 6 weeks for a buddy.',
  'Wooncoach {plaats}': 'About 3 weeks.',
  'Dagbesteding De Werkplaats {plaats}': 'No wait if there is room; otherwise about 4 weeks.',
  'Schuldhulp Maatje {plaats}': 'About 4 weeks until you have a buddy.',
}

/** The English waiting time of an example listing's template, when it has one. */
export const exampleWaitTimeEn = (template: string): { wait_time: string } | Record<string, never> => (WAIT_EN[template] ? { wait_time: WAIT_EN[template] } : {})

/** A small number from a text, the same every time (FNV-1a). */
function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return h
}

/**
 * The fields to add to one example listing: `wait_time` and `capacities` where its template has
 * them. `id` (the service's) seeds the capacity's and unit's ids; `referenceDate` dates `updated`.
 */
export function exampleRoom(template: string, serviceId: string, listingName: string, referenceDate: string): Pick<Service, 'wait_time' | 'capacities'> {
  const out: Pick<Service, 'wait_time' | 'capacities'> = {}
  const wait = WAIT[template]
  if (wait) out.wait_time = wait
  const room = ROOM[template]
  if (room) {
    const h = hash(listingName)
    const available = h % 7 === 0 ? 0 : h % (room.maximum + 1)
    // Never later than the reference day: from 1 day old; one in seven older than the staleness limit.
    const daysAgo = h % 7 === 3 ? ROOM_STALE_DAYS + 1 + (h % 20) : 1 + (h % 6)
    const day = toDayNumber(referenceDate) - daysAgo
    // 10:00 to 16:59 UTC on that day: a time in the region's working day.
    const updated = new Date(day * 86_400_000 + (10 + (h % 7)) * 3_600_000 + (h % 60) * 60_000).toISOString()
    out.capacities = [
      {
        id: derivedId(serviceId, 'c'),
        unit: { id: DEFAULT_ROOM_UNIT_ID, name: DEFAULT_ROOM_UNIT },
        available,
        maximum: room.maximum,
        ...(room.description ? { description: room.description } : {}),
        updated,
      },
    ]
  }
  return out
}

/** A uuid of its own for a part of a service, made from the service's id (the last digits changed). */
function derivedId(serviceId: string, part: string): string {
  return `${serviceId.slice(0, 24)}${(hash(serviceId + part) >>> 0).toString(16).padStart(8, '0')}${serviceId.slice(32, 36)}`.slice(0, 36)
}
