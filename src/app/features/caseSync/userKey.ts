/**
 * The worker's user key (UK) on this device (issue 16, docs/case-sync.md "Keys and linking a
 * device"). Every case's document key is wrapped under it (src/shared/caseSync/messages.ts
 * wrapDocumentKey), so a device that holds the UK reads every case of the worker at once.
 *
 * - At rest: the raw key sealed with the vault (`encryptBytes(raw, user-key|<userId>|<keyId>)`,
 *   CaseDb table `userKeys`); in memory a non-extractable AES-GCM CryptoKey, dropped on lock.
 * - Made ONLY when the worker has no other approved device: otherwise this device waits to be
 *   linked (link.ts), or two devices of one worker would hold different keys. If a race still
 *   makes two, every device keeps every UK it receives (by key id) and linking sends all of them.
 * - Received as sealed v2 boxes (src/shared/crypto/sealed.ts) that open only when the sender is a
 *   device certified to the same person under an organisation key this phone pinned, and the
 *   content names the same person and key as the box's context.
 */
import { z } from 'zod'
import { userKeyBoxSchema, userKeyContentSchema, userKeyContext } from '../../../shared/api/caseSync'
import { fromBase64 } from '../../../shared/crypto/backup'
import { openVerified } from '../../../shared/crypto/sealed'
import { certificateSchema } from '../../../shared/devices/certificates'
import { getUserKeyBoxes, listOwnDevices, type OwnDevices } from '../../api/userKeys'
import { deviceRecord, encryptionKey, openVault } from '../../core/deviceIdentity'
import { useSessionStore } from '../../core/useSessionStore'
import { CaseDb } from '../cases/caseDb'
import { useCaseVault } from '../cases/useCaseVault'
import { senderResolver, type KeyChange, type NewKey } from '../referrals/trust'
import type { MyRecoveries } from '../../../shared/api/caseRecovery'
import { getMyRecoveries } from '../../api/caseRecovery'
import { pinOwnOrganisation } from './recoveryPin'
import { startVerifies } from './recoveryStart'

/** Where the keys live and whose they are (the app: the case database and the signed-in person; a test: its own). */
export interface UserKeyEnv {
  db: CaseDb
  userId: () => Promise<string | null>
}

let override: UserKeyEnv | undefined
let appEnv: UserKeyEnv | undefined
/** For tests: the database and person to use (the vault is core/deviceIdentity's, see useDeviceVault). */
export function useUserKeyEnv(env: UserKeyEnv | undefined): void {
  override = env
  forgetUserKeys()
}

function env(): UserKeyEnv {
  if (override) return override
  if (!appEnv) {
    useCaseVault().onLock(forgetUserKeys)
    appEnv = {
      db: new CaseDb(),
      userId: async () => {
        const session = useSessionStore()
        if (!session.loaded) await session.load()
        return session.me?.id ?? null
      },
    }
  }
  return appEnv
}

/** Keys unwrapped while the vault is open, by key id; only for `cachedFor`. */
let cache = new Map<string, CryptoKey>()
let cachedFor = ''
/** Drops every unwrapped user key: on lock and wipe. */
export function forgetUserKeys(): void {
  cache = new Map()
  cachedFor = ''
}

export class UserKeyError extends Error {
  constructor(readonly code: 'signed-out' | 'unregistered') {
    super(code === 'signed-out' ? 'No signed-in person' : 'This device has no id yet')
  }
}

const storedSchema = z.object({
  keyId: z.guid(),
  userId: z.guid(),
  createdAt: z.iso.datetime(),
  sealed: z.object({ iv: z.instanceof(Uint8Array), ciphertext: z.instanceof(Uint8Array) }),
})
type Stored = z.infer<typeof storedSchema>

async function person(e: UserKeyEnv): Promise<string> {
  const userId = await e.userId()
  if (!userId) throw new UserKeyError('signed-out')
  if (cachedFor !== userId) forgetUserKeys()
  cachedFor = userId
  return userId
}

/** The signed-in person whose keys these are; throws UserKeyError('signed-out') without one. */
export const userKeyOwner = (): Promise<string> => person(env())

/** The person's stored keys that fit the schema, oldest first (ties by key id). */
async function storedKeys(e: UserKeyEnv, userId: string): Promise<Stored[]> {
  const rows = await e.db.userKeys.where('userId').equals(userId).toArray()
  return rows
    .flatMap((r) => {
      const p = storedSchema.safeParse(r)
      return p.success && p.data.userId === userId ? [p.data] : []
    })
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.keyId.localeCompare(b.keyId))
}

const importKey = (raw: Uint8Array<ArrayBuffer>) => crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt'])

/** Keeps a key sealed with the vault; a key id already held is kept as it was (the first one wins). */
async function storeKey(e: UserKeyEnv, userId: string, keyId: string, raw: Uint8Array<ArrayBuffer>, createdAt: string): Promise<boolean> {
  const vault = openVault()
  if (await e.db.userKeys.get(keyId)) return false
  const sealed = await vault.encryptBytes(raw, userKeyContext(userId, keyId))
  await e.db.userKeys.put({ keyId, userId, createdAt, sealed })
  return true
}

/** Every user key of the person on this device (key id → key), oldest first. Throws DeviceLockedError while the vault is shut. */
export async function userKeys(): Promise<Map<string, CryptoKey>> {
  const e = env()
  const vault = openVault()
  const userId = await person(e)
  const out = new Map<string, CryptoKey>()
  for (const row of await storedKeys(e, userId)) {
    let key = cache.get(row.keyId)
    if (!key) {
      let raw: Uint8Array<ArrayBuffer>
      try {
        raw = await vault.decryptBytes(row.sealed, userKeyContext(userId, row.keyId))
      } catch {
        // Sealed under another vault, or moved from another person's row: of no use here.
        continue
      }
      try {
        key = await importKey(raw)
      } finally {
        raw.fill(0)
      }
      if (vault.isUnlocked) cache.set(row.keyId, key)
    }
    out.set(row.keyId, key)
  }
  return out
}

/** The newest user key on this device, to wrap new document keys under; null when it has none. */
export async function currentUserKey(): Promise<{ keyId: string; key: CryptoKey } | null> {
  const last = [...(await userKeys()).entries()].at(-1)
  return last ? { keyId: last[0], key: last[1] } : null
}

/** The raw bytes of every user key, to seal them to another device (link.ts); the caller zeroes them. */
export async function rawUserKeys(): Promise<{ userId: string; keys: { keyId: string; raw: Uint8Array<ArrayBuffer> }[] }> {
  const e = env()
  const vault = openVault()
  const userId = await person(e)
  const keys: { keyId: string; raw: Uint8Array<ArrayBuffer> }[] = []
  for (const row of await storedKeys(e, userId)) {
    try {
      keys.push({ keyId: row.keyId, raw: await vault.decryptBytes(row.sealed, userKeyContext(userId, row.keyId)) })
    } catch {
      // Not readable with this vault: not sent either.
    }
  }
  return { userId, keys }
}

/** Makes a new user key on this device. Only ensureUserKey and a device that links another one call it. */
export async function createUserKey(now = new Date()): Promise<{ keyId: string; key: CryptoKey }> {
  const e = env()
  const userId = await person(e)
  const keyId = crypto.randomUUID()
  const raw = crypto.getRandomValues(new Uint8Array(32))
  try {
    await storeKey(e, userId, keyId, raw, now.toISOString())
  } finally {
    raw.fill(0)
  }
  const key = (await userKeys()).get(keyId)
  if (!key) throw new Error('the new user key could not be read back')
  return { keyId, key }
}

export type EnsuredUserKey = { keyId: string; key: CryptoKey } | { waiting: 'link' }

/**
 * The user key to use: the newest on this device; else the ones sealed to it; else — only when the
 * worker has no other approved device — a new one. With another approved device this one waits to
 * be linked from it. Throws ApiError when the server cannot be asked (offline: try again later).
 */
export async function ensureUserKey(): Promise<EnsuredUserKey> {
  const have = await currentUserKey()
  if (have) return have
  const me = (await deviceRecord())?.id
  if (!me) throw new UserKeyError('unregistered')
  const devices = await listOwnDevices()
  // A worker whose keys were sealed to the organisation's recovery key waits for a recovery (or a
  // link) instead of making a new key (docs/case-sync.md "Recovery"): that one would shut the recovery out.
  const recovery = await getMyRecoveries()
  if (recovery.recoveries.some((r) => r.deviceId === me)) await pinOwnOrganisation({ id: me, organisationId: devices.devices.find((d) => d.id === me)?.organisationId ?? '' })
  if (!devices.devices.some((d) => d.id !== me && d.status === 'approved') && !recovery.hadKeys) return createUserKey()
  await acceptUserKeyBoxes(await getUserKeyBoxes(), devices, recovery)
  return (await currentUserKey()) ?? { waiting: 'link' }
}

export interface ReceivedKeys {
  /** New keys stored now. */
  added: number
  /** Boxes that did not open or did not fit: from another person, an uncertified device, another key's context. */
  refused: number
  /** The sender's organisation is not pinned on this phone: shown with its number for the person to accept. */
  unknown: NewKey[]
  /** The sender's organisation key changed since it was pinned. */
  changes: KeyChange[]
}

/** Fetches the user-key boxes sealed to this device and keeps what opens (acceptUserKeyBoxes). */
export async function receiveUserKeys(): Promise<ReceivedKeys> {
  const [boxes, devices] = await Promise.all([getUserKeyBoxes(), listOwnDevices()])
  return acceptUserKeyBoxes(boxes, devices)
}

/**
 * The recoveries to this device that two beheerders vouch for on this phone: the start signed by a
 * beheerder's certified device of another person than the confirming one (recoveryStart.ts), not
 * the server's word alone (docs/case-sync.md "Recovery").
 */
async function signedRecoveries(recovery: Pick<MyRecoveries, 'recoveries' | 'chains'> | undefined, me: { userId: string; deviceId: string; organisationId: string }, devices: OwnDevices) {
  const out: MyRecoveries['recoveries'] = []
  for (const r of recovery?.recoveries ?? []) {
    if (r.deviceId !== me.deviceId) continue
    const confirmer = certificateSchema.safeParse(r.confirmerCertificate).data
    if (!confirmer) continue
    const expected = { id: r.id, userId: me.userId, deviceId: me.deviceId, organisationId: me.organisationId, notByUserId: confirmer.userId, confirmer }
    if (await startVerifies(r.start, r.starterCertificate, { ...recovery?.chains, ...devices.chains }, expected)) out.push(r)
  }
  return out
}

/**
 * Opens each box sealed to this device whose sender is an approved device certified to the SAME
 * person under a pinned organisation key (its certificate and chain from `devices`, checked here),
 * and whose content names the person and key of the box's context; stores the key sealed.
 */
export async function acceptUserKeyBoxes(boxes: readonly unknown[], devices: OwnDevices, recovery?: Pick<MyRecoveries, 'recoveries' | 'chains'>): Promise<ReceivedKeys> {
  const e = env()
  const userId = await person(e)
  const record = await deviceRecord()
  const me = record?.id
  if (!me) throw new UserKeyError('unregistered')
  // Recovery (docs/case-sync.md "Recovery"): while this device holds no user key, a box from the
  // beheerder's device that confirmed a recovery to THIS device (as the server lists it) counts too,
  // if that device is certified as beheerder of this device's organisation under a pinned key.
  const recoveredBy = (await storedKeys(e, userId)).length ? [] : await signedRecoveries(recovery, { userId, deviceId: me, organisationId: record.organisationId ?? '' }, devices)
  const privateKey = await encryptionKey()
  const result: ReceivedKeys = { added: 0, refused: 0, unknown: [], changes: [] }
  const report = {
    onUnknown: (k: NewKey) => void (result.unknown.some((u) => u.organisationId === k.organisationId) || result.unknown.push(k)),
    onChange: (c: KeyChange) => void (result.changes.some((u) => u.organisationId === c.organisationId) || result.changes.push(c)),
  }
  const sender = async (senderId: string): Promise<unknown> => {
    const listed = devices.devices.find((d) => d.id === senderId && d.status === 'approved')
    const cert = certificateSchema.safeParse(listed?.certificate).data
    if (cert && cert.userId === userId && cert.deviceId === senderId) return senderResolver(cert, devices.chains ?? {}, [{ organisationId: cert.organisationId }], report)(senderId)
    const by = recoveredBy.find((r) => r.confirmerDeviceId === senderId)
    const beheerder = certificateSchema.safeParse(by?.confirmerCertificate).data
    if (!beheerder || beheerder.deviceId !== senderId || beheerder.organisationId !== record?.organisationId || !beheerder.roles.includes('beheerder')) return null
    return senderResolver(beheerder, { ...recovery?.chains, ...devices.chains }, [{ organisationId: beheerder.organisationId }], report)(senderId)
  }
  for (const raw of boxes) {
    const box = userKeyBoxSchema.safeParse(raw).data
    if (!box || box.deviceId !== me) {
      result.refused++
      continue
    }
    if (await e.db.userKeys.get(box.keyId)) continue
    try {
      const content = userKeyContentSchema.parse(await openVerified(box.box, me, privateKey, userKeyContext(userId, box.keyId), sender))
      if (content.userId !== userId || content.keyId !== box.keyId) throw new Error('the key names another person or key')
      const bytes = fromBase64(content.key)
      try {
        if (await storeKey(e, userId, box.keyId, bytes, box.box.sender.at)) result.added++
      } finally {
        bytes.fill(0)
      }
    } catch {
      result.refused++
    }
  }
  return result
}
