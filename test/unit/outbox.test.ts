/**
 * The one outbox (src/app/sync/outbox.ts, docs/outbox.md) over a real Dexie database in
 * fake-indexeddb: durable, written with its data, backing off with jitter, keeping what the server
 * refuses until the person decides, one flush at a time, flushed on start, online and visible.
 */
import 'fake-indexeddb/auto'
import { Dexie, type EntityTable } from 'dexie'
import { z } from 'zod'
import { afterEach, describe, expect, it } from 'vitest'
import { backoffMs, FIRST_DELAY_MS, MAX_DELAY_MS, nextAttemptAt, retryAfterMs } from '../../src/app/sync/backoff'
import { flushOnTriggers } from '../../src/app/sync/flushTriggers'
import { classifyFailure, enqueue, Outbox, outboxItemSchema, type OutboxTable } from '../../src/app/sync/outbox'

const noteItemSchema = outboxItemSchema.extend({ kind: z.literal('note'), text: z.string() })
type NoteItem = z.output<typeof noteItemSchema>

class NotesDb extends Dexie {
  notes!: EntityTable<{ id: string; text: string }, 'id'>
  outbox!: OutboxTable<NoteItem>
  constructor(name: string) {
    super(name)
    this.version(1).stores({ notes: 'id', outbox: 'id, createdAt' })
  }
}

const opened: NotesDb[] = []
let n = 0
function notesDb(name = `outbox-test-${n++}`) {
  const db = new NotesDb(name)
  opened.push(db)
  return db
}
afterEach(() => {
  for (const db of opened.splice(0)) db.close()
})

const httpError = (status: number, code: string, retryAfter?: number) => Object.assign(new Error(code), { status, code, ...(retryAfter !== undefined ? { retryAfter } : {}) })

/** Writes a note and its outbox row in one transaction, as a feature does. */
async function write(db: NotesDb, id: string, text: string, fail = false) {
  await db.transaction('rw', db.notes, db.outbox, async () => {
    await enqueue(db.outbox, { id, kind: 'note', text })
    if (fail) throw new Error('disk full')
    await db.notes.put({ id, text })
  })
}

function outboxOf(db: NotesDb, send: (item: NoteItem) => Promise<'sent' | 'keep'>, now = () => 1_000_000) {
  return new Outbox({ table: db.outbox, schema: noteItemSchema, send, now, random: () => 0.5 })
}

describe('the back-off', () => {
  it('doubles per failure with jitter between half and all of the delay, and stops at the cap', () => {
    expect(backoffMs(1, () => 0)).toBe(FIRST_DELAY_MS / 2)
    expect(backoffMs(1, () => 0.999999)).toBe(FIRST_DELAY_MS)
    expect(backoffMs(3, () => 0.5)).toBe(Math.round(FIRST_DELAY_MS * 4 * 0.75))
    expect(backoffMs(40, () => 0.999999)).toBeLessThanOrEqual(MAX_DELAY_MS)
    expect(backoffMs(40, () => 0.999999)).toBeGreaterThan(MAX_DELAY_MS - 100)
    expect(backoffMs(40, () => 0)).toBe(MAX_DELAY_MS / 2)
  })

  it("waits at least the server's Retry-After, up to the cap, in seconds or as a date", () => {
    expect(nextAttemptAt(0, 1, 10 * 60_000, () => 0)).toBe(10 * 60_000)
    expect(nextAttemptAt(0, 1, 1_000, () => 0)).toBe(FIRST_DELAY_MS / 2)
    expect(nextAttemptAt(0, 1, 10 * MAX_DELAY_MS, () => 0)).toBe(MAX_DELAY_MS)
    expect(retryAfterMs('120', 0)).toBe(120_000)
    expect(retryAfterMs('Thu, 01 Jan 1970 00:02:00 GMT', 60_000)).toBe(60_000)
    expect(retryAfterMs('soon', 0)).toBeUndefined()
  })
})

describe('the one rule for failures', () => {
  it('waits offline and signed out, retries server faults and 429, and keeps every other 4xx as refused', () => {
    expect(classifyFailure(httpError(0, 'offline'))).toEqual({ kind: 'later' })
    expect(classifyFailure(httpError(401, 'not-signed-in'))).toEqual({ kind: 'later' })
    expect(classifyFailure(httpError(403, 'csrf'))).toEqual({ kind: 'later' })
    expect(classifyFailure(httpError(503, 'busy', 2))).toEqual({ kind: 'retry', retryAfterMs: 2_000 })
    expect(classifyFailure(httpError(429, 'rate-limited'))).toEqual({ kind: 'retry' })
    expect(classifyFailure(new TypeError('bug'))).toEqual({ kind: 'retry' })
    for (const [status, code] of [[400, 'bad-request'], [403, 'forbidden'], [404, 'not-found'], [409, 'recipients-changed'], [422, 'implausible-counts']] as const) {
      expect(classifyFailure(httpError(status, code))).toEqual({ kind: 'refused', problem: { status, code } })
    }
  })
})

describe('the outbox in IndexedDB', () => {
  it('keeps what waits across a closed and reopened database', async () => {
    const name = `outbox-durable-${n++}`
    const first = notesDb(name)
    await write(first, 'a', 'eerste')
    first.close()
    const again = notesDb(name)
    const sent: string[] = []
    expect(await outboxOf(again, async (item) => (sent.push(item.text), 'sent')).flush()).toEqual({ sent: 1 })
    expect(sent).toEqual(['eerste'])
    expect(await again.outbox.count()).toBe(0)
  })

  it('writes no row when the data write fails, and refuses to write one outside a transaction', async () => {
    const db = notesDb()
    await expect(write(db, 'a', 'x', true)).rejects.toThrow('disk full')
    expect(await db.outbox.count()).toBe(0)
    await expect(enqueue(db.outbox, { id: 'b', kind: 'note', text: 'y' })).rejects.toThrow(/transaction/)
    expect(await db.outbox.count()).toBe(0)
  })

  it('backs off after a server fault and sends when due', async () => {
    const db = notesDb()
    await write(db, 'a', 'x')
    let now = 1_000_000
    let fail = true
    const outbox = outboxOf(db, async () => {
      if (fail) throw httpError(500, 'server-error')
      return 'sent'
    }, () => now)
    expect(await outbox.flush()).toEqual({ sent: 0 })
    expect(await db.outbox.get('a')).toMatchObject({ attempts: 1, nextAttemptAt: 1_000_000 + FIRST_DELAY_MS * 0.75 })
    fail = false
    expect(await outbox.flush()).toEqual({ sent: 0 })
    now += FIRST_DELAY_MS
    expect(await outbox.flush()).toEqual({ sent: 1 })
  })

  it('keeps a refused item with its reason, shows it, sends it only when the person asks, and drops it only when they do', async () => {
    const db = notesDb()
    await write(db, 'a', 'x')
    await write(db, 'b', 'y')
    const tries: string[] = []
    let refuse = true
    const outbox = outboxOf(db, async (item) => {
      tries.push(item.id)
      if (refuse && item.id === 'a') throw httpError(404, 'not-found')
      return 'sent'
    })
    // The other item still goes.
    expect(await outbox.flush()).toEqual({ sent: 1 })
    expect(await outbox.problems()).toEqual([{ id: 'a', kind: 'note', createdAt: expect.any(String), problem: { status: 404, code: 'not-found' }, held: true }])
    await outbox.flush()
    expect(tries).toEqual(['a', 'b'])
    // Asked again by the person: sent, and gone.
    refuse = false
    expect(await outbox.retry('a')).toEqual({ sent: 1 })
    expect(await outbox.pending()).toBe(0)
    // A refused one the person throws away.
    refuse = true
    await write(db, 'a', 'x')
    await outbox.flush()
    expect(await outbox.pending()).toBe(1)
    await outbox.discard('a')
    expect(await outbox.pending()).toBe(0)
  })

  it('sends a refused item again by itself when its data changes', async () => {
    const db = notesDb()
    await write(db, 'a', 'x')
    const outbox = outboxOf(db, async (item) => {
      if (item.text === 'x') throw httpError(422, 'too-short')
      return 'sent'
    })
    await outbox.flush()
    await write(db, 'a', 'xyz')
    expect(await outbox.flush()).toEqual({ sent: 1 })
  })

  it('shows a row that no longer fits its schema, and never sends it', async () => {
    const db = notesDb()
    await db.outbox.put({ id: 'bad', kind: 'note', createdAt: '2026-11-30T10:00:00.000Z' } as NoteItem)
    const outbox = outboxOf(db, async () => {
      throw new Error('must not be sent')
    })
    expect(await outbox.flush()).toEqual({ sent: 0 })
    expect(await outbox.problems()).toEqual([{ id: 'bad', kind: 'note', createdAt: '2026-11-30T10:00:00.000Z', problem: { status: 0, code: 'unreadable' }, held: true }])
  })

  it('keeps an item that changed while it was on its way, and sends it again', async () => {
    const db = notesDb()
    await write(db, 'a', 'x')
    const seen: string[] = []
    const outbox = outboxOf(db, async (item) => {
      seen.push(item.text)
      if (seen.length === 1) await write(db, 'a', 'changed')
      return 'sent'
    })
    await outbox.flush()
    expect(await db.outbox.get('a')).toMatchObject({ text: 'changed', revision: 2 })
    await outbox.flush()
    expect(seen).toEqual(['x', 'changed'])
    expect(await db.outbox.count()).toBe(0)
  })

  it('does not hold or postpone data that changed while the refused or failed send was on its way', async () => {
    const db = notesDb()
    await write(db, 'a', 'x')
    await write(db, 'b', 'y')
    const seen: string[] = []
    const outbox = outboxOf(db, async (item) => {
      seen.push(item.text)
      if (item.text === 'x') {
        await write(db, 'a', 'fixed')
        throw httpError(400, 'bad-request')
      }
      if (item.text === 'y') {
        await write(db, 'b', 'newer')
        throw httpError(503, 'busy')
      }
      return 'sent'
    })
    await outbox.flush()
    expect(await db.outbox.get('a')).toMatchObject({ text: 'fixed', revision: 2, attempts: 0, nextAttemptAt: 0 })
    expect((await db.outbox.get('a'))?.held).toBeUndefined()
    expect(await outbox.problems()).toEqual([])
    expect(await db.outbox.get('b')).toMatchObject({ text: 'newer', attempts: 0, nextAttemptAt: 0 })
    expect(await outbox.flush()).toEqual({ sent: 2 })
    expect(seen).toEqual(['x', 'y', 'fixed', 'newer'])
  })

  it('runs one flush at a time: flushes asked for meanwhile share one more run, and nothing goes twice', async () => {
    const db = notesDb()
    await write(db, 'a', 'x')
    const sent: string[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const outbox = outboxOf(db, async (item) => {
      sent.push(item.id)
      if (item.id === 'a') await gate
      return 'sent'
    })
    const first = outbox.flush()
    await write(db, 'b', 'y')
    const [second, third] = [outbox.flush(), outboxOf(db, async () => 'sent').flush()]
    release()
    expect(await first).toEqual({ sent: 1 })
    expect(await second).toEqual({ sent: 1 })
    expect(await third).toEqual({ sent: 1 })
    expect(sent).toEqual(['a', 'b'])
  })
})

describe('when the outbox is flushed', () => {
  it('flushes at start, on online and when the page becomes visible, and no longer once stopped', async () => {
    const scope = new EventTarget()
    const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' })
    let flushes = 0
    const stop = flushOnTriggers(async () => flushes++, scope, doc)
    expect(flushes).toBe(1)
    scope.dispatchEvent(new Event('online'))
    expect(flushes).toBe(2)
    doc.dispatchEvent(new Event('visibilitychange'))
    expect(flushes).toBe(2)
    doc.visibilityState = 'visible'
    doc.dispatchEvent(new Event('visibilitychange'))
    expect(flushes).toBe(3)
    stop()
    scope.dispatchEvent(new Event('online'))
    expect(flushes).toBe(3)
  })

  it('reports a flush that fails instead of leaving it unhandled', async () => {
    const errors: unknown[] = []
    flushOnTriggers(() => Promise.reject(new Error('boom')), new EventTarget(), undefined, (e) => errors.push(e))
    await Promise.resolve()
    await Promise.resolve()
    expect(errors).toHaveLength(1)
  })
})
