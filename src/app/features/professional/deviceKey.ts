/**
 * This phone's device key: a P-256 key pair made here with WebCrypto. The private key is
 * non-extractable and never leaves the device; only the public key (JWK) is sent. Kept in
 * its own IndexedDB database, so a wipe removes it whole.
 */
import { Dexie, type EntityTable } from 'dexie'

interface DeviceRecord {
  key: 'device'
  id?: string
  organisationId?: string
  keyPair: CryptoKeyPair
}

class DeviceDb extends Dexie {
  device!: EntityTable<DeviceRecord, 'key'>
  constructor() {
    super('samenwerkwijze-apparaat')
    this.version(1).stores({ device: 'key' })
  }
}

const db = () => new DeviceDb()

export async function deviceRecord(): Promise<DeviceRecord | undefined> {
  const d = db()
  try {
    return await d.device.get('device')
  } finally {
    d.close()
  }
}

/** The public key to register, making the key pair on first use. */
export async function publicKeyJwk(): Promise<JsonWebKey> {
  const d = db()
  try {
    let record = await d.device.get('device')
    if (!record) {
      const keyPair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveKey', 'deriveBits'])
      record = { key: 'device', keyPair }
      await d.device.put(record)
    }
    const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', record.keyPair.publicKey)
    return { kty, crv, x, y }
  } finally {
    d.close()
  }
}

export async function rememberRegistration(id: string, organisationId: string): Promise<void> {
  const d = db()
  try {
    await d.device.update('device', { id, organisationId })
  } finally {
    d.close()
  }
}

/** A revoked device forgets everything: its keys and its case data. */
export async function wipeDevice(): Promise<void> {
  await Dexie.delete('samenwerkwijze-apparaat')
  // The case database's name, written out: this module must not pull the case code in.
  await Dexie.delete('samenwerkwijze-casussen')
  await Dexie.delete('samenwerkwijze-verwijzingen')
}
