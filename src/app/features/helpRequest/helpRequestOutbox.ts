/**
 * "Ik wil hulp" on the one outbox (issue 20, docs/help-request.md, docs/outbox.md). Submitting
 * queues the request in IndexedDB first (nothing is lost offline), with an id made on the phone.
 * Sending seals it there and then (v3, unauthenticated sender) to the certified receiving devices
 * of the organisation the public directory names for the municipality, each certificate checked
 * on the phone against the organisation's chain: so a re-key between queueing and sending needs
 * nothing from the resident. If the devices change between the directory and the post (409
 * `recipients-changed`), it seals once more at once. A resend after a lost answer is harmless: the
 * server knows the id (`exists`).
 */
import { sealUnauthenticated, type Recipient } from '../../../shared/crypto/sealed'
import { certificateSchema, receivesReferrals, recipientOf, verifyDeviceCertificate } from '../../../shared/devices/certificates'
import { helpRequestContentSchema, helpRequestContext, type HelpDirectory, type HelpRequestContent } from '../../../shared/helpRequests/helpRequest'
import { ApiError } from '../../api/errors'
import { getHelpDirectory, sendHelpRequest } from '../../api/helpRequests'
import { LOCAL_KEYS } from '../../core/storageNames'
import { flushOnTriggers } from '../../sync/flushTriggers'
import { enqueue, Outbox, type OutboxProblem } from '../../sync/outbox'
import { helpOutboxItemSchema, helpRequestDb, helpRequestRecordSchema, type HelpOutboxItem, type HelpRequestRecord } from './helpRequestDb'

type Entry = HelpDirectory['municipalities'][number]

/** The devices of `entry` whose certificate verifies in the organisation's chain and that receive requests; the rest are left out. */
export async function trustedRecipients(entry: Entry): Promise<Recipient[]> {
  const out: Recipient[] = []
  for (const raw of entry.keys) {
    const cert = certificateSchema.safeParse(raw)
    if (!cert.success || cert.data.organisationId !== entry.organisation.id || !receivesReferrals(cert.data)) continue
    if ((await verifyDeviceCertificate(cert.data, entry.chain, null)).ok) out.push(recipientOf(cert.data))
  }
  return out
}

const listeners = new Set<() => void>()
/** Called after every round of sending (a page shows the new state). Returns the unsubscribe. */
export function onHelpRequestsChanged(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

async function send(item: HelpOutboxItem): Promise<'sent'> {
  for (let attempt = 1; ; attempt++) {
    const directory = await getHelpDirectory()
    const entry = directory.municipalities.find((m) => m.municipality === item.content.municipality)
    if (!entry) throw new ApiError(404, 'no-route', 'No organisation receives help requests for this municipality.')
    const recipients = await trustedRecipients(entry)
    if (!recipients.length) throw new ApiError(409, 'no-receivers', 'The organisation has no device that can read the request.')
    const sealed = await sealUnauthenticated(item.content, recipients, helpRequestContext(item.id, entry.organisation.id))
    try {
      await sendHelpRequest({ id: item.id, municipality: item.content.municipality, organisationId: entry.organisation.id, sealed, ...(item.website ? { website: item.website } : {}) })
    } catch (e) {
      // The devices changed between the directory and the post: seal once more to the new list.
      if (attempt === 1 && e instanceof ApiError && e.code === 'recipients-changed') continue
      throw e
    }
    await helpRequestDb.requests.update(item.id, { sentAt: new Date().toISOString(), organisationName: entry.organisation.name })
    return 'sent'
  }
}

const outbox = new Outbox<HelpOutboxItem>({ table: helpRequestDb.outbox, schema: helpOutboxItemSchema, send })

/** Sends what is due; clears the start-up flag once nothing waits. */
export async function flushHelpRequests(): Promise<number> {
  try {
    await outbox.flush()
  } finally {
    const pending = await outbox.pending()
    const problems = await outbox.problems()
    if (pending === 0 && problems.length === 0) localStorage.removeItem(LOCAL_KEYS.helpRequestWaiting)
    for (const l of listeners) l()
  }
  return outbox.pending()
}

let stop: (() => void) | undefined
/** Flushes now, on coming online and when the page becomes visible; once per page load. */
export function startSendingHelpRequests(): void {
  stop ??= flushOnTriggers(flushHelpRequests, undefined, undefined, () => undefined)
}

/** Queues the request (and the record the confirmation reads) in one transaction, then tries to send. Returns its id. */
export async function queueHelpRequest(content: HelpRequestContent, website: string, organisationName?: string): Promise<string> {
  const id = crypto.randomUUID()
  const parsed = helpRequestContentSchema.parse(content)
  const record: HelpRequestRecord = { id, municipality: parsed.municipality, queuedAt: new Date().toISOString(), ...(organisationName ? { organisationName } : {}) }
  await helpRequestDb.transaction('rw', helpRequestDb.outbox, helpRequestDb.requests, async () => {
    await helpRequestDb.requests.put(record)
    await enqueue(helpRequestDb.outbox, { id, kind: 'help-request', content: parsed, ...(website ? { website } : {}) })
  })
  localStorage.setItem(LOCAL_KEYS.helpRequestWaiting, '1')
  startSendingHelpRequests()
  await flushHelpRequests().catch(() => undefined)
  return id
}

export interface HelpRequestState {
  record: HelpRequestRecord
  /** Still on this phone, waiting for a connection (or a retry). */
  waiting: boolean
  /** Refused by the server, held for the resident. */
  problem?: OutboxProblem
}

/** What the confirmation shows for one request; undefined when this phone has no such request. */
export async function helpRequestState(id: string): Promise<HelpRequestState | undefined> {
  const record = helpRequestRecordSchema.safeParse(await helpRequestDb.requests.get(id))
  if (!record.success) return undefined
  const waiting = !!(await helpRequestDb.outbox.get(id))
  const problem = (await outbox.problems()).find((p) => p.id === id && p.held)
  return { record: record.data, waiting, ...(problem ? { problem } : {}) }
}

export const retryHelpRequest = (id: string) => outbox.retry(id).finally(() => listeners.forEach((l) => l()))
export async function discardHelpRequest(id: string): Promise<void> {
  await outbox.discard(id)
  await helpRequestDb.requests.delete(id)
  await flushHelpRequests()
}

/** The organisation per municipality, for naming it on the form and the confirmation; empty offline. */
export async function receivingOrganisations(): Promise<Partial<Record<string, string>>> {
  const directory = await getHelpDirectory().catch(() => undefined)
  return Object.fromEntries((directory?.municipalities ?? []).map((m) => [m.municipality, m.organisation.name]))
}
