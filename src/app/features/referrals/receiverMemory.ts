/**
 * The GP's device remembers where it last sent each intervention in each municipality. When the
 * routing table now names another organisation, the form says so ("Eerder: X → nu: Y") and sends
 * only after the GP confirms: a changed table must never quietly redirect patients. Only
 * organisation ids and names are kept, nothing about patients.
 */
import { z } from 'zod'
import { LOCAL_KEYS } from '../../core/storageNames'

export const RECEIVER_MEMORY_KEY = LOCAL_KEYS.receiverMemory

const receiverSchema = z.object({ organisationId: z.string().min(1).max(100), organisationName: z.string().max(200) })
export type Receiver = z.infer<typeof receiverSchema>
const memorySchema = z.object({ schemaVersion: z.literal(1), receivers: z.record(z.string(), receiverSchema) })
export type ReceiverMemory = z.infer<typeof memorySchema>

export const receiverKey = (intervention: string, municipality: string) => `${intervention}|${municipality}`

/** What the device holds, checked as it comes out of storage; anything else counts as nothing remembered. */
export function readReceiverMemory(raw: string | null): ReceiverMemory {
  let data: unknown
  try {
    data = raw ? JSON.parse(raw) : undefined
  } catch {
    data = undefined
  }
  return memorySchema.safeParse(data).data ?? { schemaVersion: 1, receivers: {} }
}

export function rememberReceiver(memory: ReceiverMemory, key: string, receiver: Receiver): ReceiverMemory {
  return { schemaVersion: 1, receivers: { ...memory.receivers, [key]: { organisationId: receiver.organisationId, organisationName: receiver.organisationName } } }
}

export interface ReceiverChange {
  before: Receiver
  now: Receiver
}

/**
 * A change to confirm: the routing table names another organisation than the one this device
 * sent to last time, and the form still holds the table's choice (a receiver the GP picked by hand
 * is a choice already made). Nothing remembered yet: nothing to compare, no question.
 */
export function receiverChange(remembered: Receiver | undefined, routed: Receiver | undefined, chosenId: string): ReceiverChange | null {
  if (!remembered || !routed) return null
  if (routed.organisationId === remembered.organisationId) return null
  if (chosenId !== routed.organisationId) return null
  return { before: remembered, now: routed }
}
