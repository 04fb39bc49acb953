/** PUT /api/map/services/:id/room (src/server/routes/mapRoom.ts): the quick room update from a phone. */
import { z } from 'zod'
import { MAX_CAPACITY, MAX_SHORT, serviceCapacitySchema } from '../socialMap/hsds'

const count = z
  .number()
  .int('must be a whole number')
  .min(0, 'must be 0 or more')
  .max(MAX_CAPACITY, `must be at most ${MAX_CAPACITY}`)

/**
 * The request: how many places are free and (optionally) how many there are in all. `maximum`
 * left out keeps the one stored; null clears it. `unit` names what is counted (default "plek"),
 * `description` says which room it is ("" clears it). The server sets `updated` itself, so a
 * body that brings its own (or any other field) is refused.
 */
export const roomUpdateSchema = z
  .strictObject({
    available: count,
    maximum: count.nullable().optional(),
    unit: z.string().trim().min(1, 'must not be empty').max(60, 'must be at most 60 characters').optional(),
    description: z.string().trim().max(MAX_SHORT, `must be at most ${MAX_SHORT} characters`).optional(),
  })
  .refine((b) => b.maximum === undefined || b.maximum === null || b.available <= b.maximum, {
    message: 'available is more than maximum',
    path: ['available'],
  })
export type RoomUpdate = z.infer<typeof roomUpdateSchema>

/** The answer: the map's new version and the figure as stored, with the server's `updated`. */
export const roomSavedSchema = z.object({ id: z.string(), mapVersion: z.number().int(), capacity: serviceCapacitySchema })
