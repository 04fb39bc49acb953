/**
 * Organisation keys pinned on first use (issue 11 finding 4, docs/device-trust.md "Certificates:
 * who vouches for a device"). The server hands out every public key, so the phone remembers, per
 * organisation, the fingerprint of the organisation key it met first. A later, different key is
 * refused — nothing is sealed to that organisation's devices and nothing from it is opened — until
 * a person has seen the old and the new number side by side and accepts the new one.
 *
 * Kept in an IndexedDB of its own; a wipe of the device (deviceIdentity.wipeDevice, core/storageNames.ts) deletes it.
 * Only fingerprints are stored: they are public, and nothing here opens anything.
 */
import { Dexie, type EntityTable } from 'dexie'
import { z } from 'zod'
import { DATABASES } from './storageNames'

export const PINNED_DB_NAME = DATABASES.pinnedKeys

/** Six groups of five digits (fingerprint() in src/shared/devices/certificates.ts). */
export const fingerprintSchema = z.string().regex(/^\d{5}( \d{5}){5}$/, 'must be six groups of five digits')

const pinSchema = z.object({
  organisationId: z.guid(),
  fingerprint: fingerprintSchema,
  pinnedAt: z.number(),
  /** Set when a person accepted this key in place of an earlier one. */
  replaced: fingerprintSchema.optional(),
})
type Pin = z.infer<typeof pinSchema>

class PinnedDb extends Dexie {
  pins!: EntityTable<Pin, 'organisationId'>
  constructor() {
    super(PINNED_DB_NAME)
    this.version(1).stores({ pins: 'organisationId' })
  }
}

async function withDb<T>(fn: (db: PinnedDb) => Promise<T>): Promise<T> {
  const db = new PinnedDb()
  try {
    return await fn(db)
  } finally {
    db.close()
  }
}

/** The pinned fingerprint of the organisation's key, or null when this phone has not met it yet. */
export async function pinnedFingerprint(organisationId: string): Promise<string | null> {
  const row = await withDb((db) => db.pins.get(organisationId))
  // A record that no longer fits counts as a changed key, never as none: it is not silently re-pinned.
  if (row === undefined) return null
  const parsed = pinSchema.safeParse(row)
  return parsed.success ? parsed.data.fingerprint : 'invalid'
}

export type PinResult =
  | { ok: true; fingerprint: string; firstUse: boolean }
  | { ok: false; reason: 'organisation-key-changed'; pinned: string; fingerprint: string }

/**
 * Trust on first use: the first key met for an organisation is pinned; the same key again is fine;
 * another key is refused (pinned and new fingerprint returned, so both can be shown).
 */
export async function pinOnFirstUse(organisationId: string, fingerprint: string, now = Date.now()): Promise<PinResult> {
  const fp = fingerprintSchema.parse(fingerprint)
  return withDb((db) =>
    db.transaction('rw', db.pins, async () => {
      const row = await db.pins.get(organisationId)
      if (row === undefined) {
        await db.pins.put({ organisationId: z.guid().parse(organisationId), fingerprint: fp, pinnedAt: now })
        return { ok: true as const, fingerprint: fp, firstUse: true }
      }
      const pinned = pinSchema.safeParse(row).data?.fingerprint ?? 'invalid'
      if (pinned === fp) return { ok: true as const, fingerprint: fp, firstUse: false }
      return { ok: false as const, reason: 'organisation-key-changed' as const, pinned, fingerprint: fp }
    }),
  )
}

export type PinCheck =
  | { ok: true; fingerprint: string }
  | { ok: false; reason: 'organisation-unknown'; fingerprint: string }
  | { ok: false; reason: 'organisation-key-changed'; pinned: string; fingerprint: string }

/**
 * The key as this phone knows it, pinning nothing (issue 11 review findings 1 and 2): what a
 * listing or the GP's own-devices list names is never pinned on first use. An organisation not
 * met yet is `organisation-unknown`: shown with its name and number until a person accepts it
 * (acceptNewKey), as Signal's message requests.
 */
export async function checkPinned(organisationId: string, fingerprint: string): Promise<PinCheck> {
  const fp = fingerprintSchema.parse(fingerprint)
  const pinned = await pinnedFingerprint(organisationId)
  if (pinned === null) return { ok: false, reason: 'organisation-unknown', fingerprint: fp }
  if (pinned !== fp) return { ok: false, reason: 'organisation-key-changed', pinned, fingerprint: fp }
  return { ok: true, fingerprint: fp }
}

/**
 * A person compared the number of an organisation this phone did not know yet with that
 * organisation (or their own beheerder) and accepts it. Pins only when nothing is pinned: a key
 * that is pinned already is never replaced here (that is acceptChangedKey, with both numbers shown).
 */
export async function acceptNewKey(organisationId: string, fingerprint: string, now = Date.now()): Promise<boolean> {
  const fp = fingerprintSchema.parse(fingerprint)
  return withDb((db) =>
    db.transaction('rw', db.pins, async () => {
      const row = await db.pins.get(organisationId)
      if (row !== undefined) return pinSchema.safeParse(row).data?.fingerprint === fp
      await db.pins.put({ organisationId: z.guid().parse(organisationId), fingerprint: fp, pinnedAt: now })
      return true
    }),
  )
}

/**
 * A person compared the new number with the organisation's beheerder and accepts it. Only the
 * change that was shown is accepted: when the pinned key moved again meanwhile, nothing changes
 * and false is returned.
 */
export async function acceptChangedKey(organisationId: string, shown: { pinned: string; fingerprint: string }, now = Date.now()): Promise<boolean> {
  const fp = fingerprintSchema.parse(shown.fingerprint)
  return withDb((db) =>
    db.transaction('rw', db.pins, async () => {
      const row = await db.pins.get(organisationId)
      const pinned = row === undefined ? null : (pinSchema.safeParse(row).data?.fingerprint ?? 'invalid')
      if (pinned !== shown.pinned) return false
      await db.pins.put({ organisationId, fingerprint: fp, pinnedAt: now, ...(pinned !== 'invalid' ? { replaced: pinned } : {}) })
      return true
    }),
  )
}

/** Forgets every pin: part of wiping the device. */
export async function forgetPinnedKeys(): Promise<void> {
  await Dexie.delete(PINNED_DB_NAME)
}
