/**
 * The words for a listing's room (docs/hsds-extensions.md, "Room"): "Plek: 3 van 12 vrij ·
 * bijgewerkt 2 dagen geleden", "Plek: vol", and for a figure older than ROOM_STALE_DAYS
 * "Mogelijk verouderd" with the date it was true, never as today's fact.
 */
import { useI18n } from 'vue-i18n'
import { DEFAULT_ROOM_UNIT, roomState, type RoomState } from '../../../shared/socialMap/room'
import { useDates } from '../../ui/dates'

export interface RoomFigure {
  available: number
  maximum?: number
  updated: string
  /** HSDS unit name; the default "plek" reads as "Plek". */
  unit?: string
}

export function useRoomText() {
  const { t } = useI18n()
  const { date } = useDates()
  /** "Plek", or the unit the listing counts in ("Bedden"). */
  const label = (room: RoomFigure) => (!room.unit || room.unit === DEFAULT_ROOM_UNIT ? t('room.label') : room.unit.charAt(0).toUpperCase() + room.unit.slice(1))
  /** "3 van 12 vrij", "3 vrij" or "vol" (capitalise it alone: "Vol"). */
  const figure = (s: RoomState) => (s.full ? t('room.full') : s.maximum !== undefined ? t('room.free', { available: s.available, maximum: s.maximum }) : t('room.freeNoMax', { available: s.available }))
  const updated = (s: RoomState) => t('room.updated', s.daysAgo)
  const staleText = (s: RoomState) => t('room.staleText', { date: date(s.date, { year: false }), figure: figure(s) })
  return { state: (room: RoomFigure, now: Date) => roomState(room, now), label, figure, updated, staleText }
}
