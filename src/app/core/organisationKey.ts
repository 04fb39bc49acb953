/**
 * An organisation key made on this phone (docs/device-trust.md, "Certificates"): kept in the device
 * database beside the device keys, its private part sealed under the vault.
 */
import { Dexie } from 'dexie'
import { z } from 'zod'
import { publicJwkSchema } from '../../shared/accounts/schemas'
import { ECDSA_P256 } from '../../shared/crypto/signatures'
import { DEVICE_DB_NAME, DeviceLockedError, openVault, publicJwk, sealedSchema, sealPrivate, withDb, type PublicJwk } from './deviceIdentity'

const orgKeyContext = (organisationId: string) => `org-key|${organisationId}`
const orgKeyRecordSchema = z.object({ key: z.string(), organisationId: z.guid(), publicKey: publicJwkSchema, sealed: sealedSchema, createdAt: z.number() })

/**
 * Makes an organisation key (ECDSA P-256) on this phone: its private part is kept only sealed in
 * the vault (`encryptBytes(…, 'org-key|<organisationId>')`), beside the device keys, and never
 * leaves the phone. Returns the public key to send and the private key (not extractable) to sign
 * the first certificate with.
 */
export async function makeOrganisationKey(organisationId: string, now = Date.now()): Promise<{ publicKey: PublicJwk; privateKey: CryptoKey }> {
  const vault = openVault()
  const pair = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
  const publicKey = await publicJwk(pair.publicKey)
  const record = { key: orgKeyContext(organisationId), organisationId, publicKey, sealed: await sealPrivate(vault, pair.privateKey, orgKeyContext(organisationId)), createdAt: now }
  await withDb((db) => db.table('device').put(record))
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey))
  try {
    return { publicKey, privateKey: await crypto.subtle.importKey('pkcs8', pkcs8, ECDSA_P256, false, ['sign']) }
  } finally {
    pkcs8.fill(0)
  }
}

/** The organisation key this phone holds for the organisation (vault open), or undefined when it holds none. */
export async function organisationKey(organisationId: string): Promise<{ publicKey: PublicJwk; privateKey: CryptoKey } | undefined> {
  const vault = openVault()
  if (!(await Dexie.exists(DEVICE_DB_NAME))) return undefined
  const row = orgKeyRecordSchema.safeParse(await withDb((db) => db.table('device').get(orgKeyContext(organisationId)))).data
  if (!row) return undefined
  let pkcs8: Uint8Array<ArrayBuffer>
  try {
    pkcs8 = await vault.decryptBytes(row.sealed, orgKeyContext(organisationId))
  } catch {
    throw new DeviceLockedError(vault.isUnlocked ? 'unreadable' : 'locked')
  }
  try {
    return { publicKey: row.publicKey, privateKey: await crypto.subtle.importKey('pkcs8', pkcs8, ECDSA_P256, false, ['sign']) }
  } finally {
    pkcs8.fill(0)
  }
}
