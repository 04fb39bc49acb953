/**
 * Keys between colleagues on the phone (docs/case-sync.md "The team"; src/shared/caseSync/exchange.ts):
 *
 * - the worker's **exchange key**: made once by a device that holds the user key, its private half
 *   under that key on the server; opened here with the user key (kept in memory until the lock);
 * - **colleagues' devices**: resolved to their certified signing keys only through their
 *   certificate and the chain up to an organisation key this phone pinned, and only for a
 *   sociaal-werker — so an update, a key box or an exchange key the server made up is refused;
 * - **key boxes** of a case, both kinds: under one of the worker's user keys, or sealed to the
 *   worker's exchange key by a colleague's certified device.
 */
import type { Colleagues } from '../../../shared/api/caseTeam'
import { exchangeKeySchema, isExchangeBox, makeExchangeKey, openExchangeBox, openExchangeKey, verifiedExchangeKey, type AnyKeyBox, type ExchangeKey } from '../../../shared/caseSync/exchange'
import { openDocumentKey, type Signer, type SignerKey } from '../../../shared/caseSync/messages'
import { certificateSchema, fingerprint, organisationChainSchema } from '../../../shared/devices/certificates'
import { checkPinned } from '../../core/pinnedKeys'
import { ApiError } from '../../api/errors'
import { useCaseVault } from '../cases/useCaseVault'
import { senderResolver, type NewKey } from '../referrals/trust'
import { getOwnExchangeKey, putExchangeKey } from '../../api/caseTeam'
import { userKeys } from './userKey'

let own: { record: ExchangeKey; privateKey: CryptoKey } | undefined
let hooked = false
/** Drops the opened exchange key (on lock). */
export function forgetExchangeKey(): void {
  own = undefined
}

/**
 * The worker's exchange key, opened: the one on the server, or — when there is none — a new one
 * made here under `uk` and stored (a device that raced and lost takes the stored one). Null when
 * this device holds no user key it is under.
 */
export async function ensureExchangeKey(userId: string, signer: Signer, uk: { keyId: string; key: CryptoKey }): Promise<{ record: ExchangeKey; privateKey: CryptoKey } | null> {
  if (!hooked) {
    hooked = true
    useCaseVault().onLock(forgetExchangeKey)
  }
  if (own && own.record.userId === userId) return own
  let record = await getOwnExchangeKey()
  if (!record) {
    const made = await makeExchangeKey(userId, uk, signer)
    try {
      await putExchangeKey(made.record)
      own = made
      return own
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409)) throw e
      record = await getOwnExchangeKey()
    }
  }
  if (!record || record.userId !== userId) return null
  const key = (await userKeys()).get(record.userKeyId)
  if (!key) return null
  own = { record, privateKey: await openExchangeKey(record, key) }
  return own
}

/**
 * Colleagues' devices as signers: a device listed for a colleague, whose certificate names that
 * colleague and the sociaal-werker role, verified up to an organisation key this phone pinned.
 */
export function colleagueSigners(list: Colleagues | null): SignerKey {
  const cache = new Map<string, Promise<unknown>>()
  return (deviceId) => {
    let p = cache.get(deviceId)
    if (!p) {
      const found = list?.colleagues.flatMap((c) => c.devices.map((d) => ({ userId: c.userId, cert: certificateSchema.safeParse(d).data }))).find((d) => d.cert?.deviceId === deviceId)
      const cert = found?.cert
      p = !cert || cert.userId !== found.userId ? Promise.resolve(null) : senderResolver(cert, list!.chains, [{ organisationId: cert.organisationId, role: 'receivers' }])(deviceId)
      cache.set(deviceId, p)
    }
    return p
  }
}

/** The worker's own devices first, then colleagues'. */
export function withColleagues(ownSigners: SignerKey, colleagues: SignerKey): SignerKey {
  return async (deviceId) => (await ownSigners(deviceId)) ?? (await colleagues(deviceId))
}

/** A colleague's exchange key as a recipient, after its signature is checked against one of the colleague's own certified devices. Throws. */
export async function colleagueRecipient(list: Colleagues, userId: string): Promise<{ deviceId: string; publicKey: JsonWebKey }> {
  const colleague = list.colleagues.find((c) => c.userId === userId)
  const record = exchangeKeySchema.safeParse(colleague?.exchangeKey).data
  if (!colleague || !record || record.userId !== userId) throw new TeamKeyError('no-exchange-key')
  const signers = colleagueSigners({ ...list, colleagues: [colleague] })
  return verifiedExchangeKey(record, signers)
}

/**
 * The organisations of the colleagues' listing whose key this phone has not pinned yet: nothing
 * from their devices opens, and nothing is sealed to them, until the person accepts the number
 * (UnknownOrganisationNotice, docs/device-trust.md "Certificates").
 */
export async function unpinnedOrganisations(list: Colleagues): Promise<NewKey[]> {
  const out: NewKey[] = []
  for (const [organisationId, raw] of Object.entries(list.chains)) {
    const chain = organisationChainSchema.safeParse(raw).data
    if (!chain || chain.organisationId !== organisationId) continue
    const pin = await checkPinned(organisationId, await fingerprint(chain.organisationKey))
    if (!pin.ok && pin.reason === 'organisation-unknown') out.push({ organisationId, fingerprint: pin.fingerprint })
  }
  return out
}

export class TeamKeyError extends Error {
  constructor(readonly code: 'no-exchange-key' | 'no-document-key') {
    super(code)
  }
}

/**
 * Opens the case's new key boxes of this worker: boxes under one of the worker's user keys, and
 * boxes sealed to the worker's exchange key (their sender resolved by `signerKey`). A box that
 * does not open is skipped (the engine then lacks that generation and waits).
 */
export async function openKeyBoxes(
  boxes: readonly AnyKeyBox[],
  o: { userId: string; signerKey: SignerKey; exchange: { record: ExchangeKey; privateKey: CryptoKey } | null; has(gen: number): boolean; addKey(gen: number, key: CryptoKey): void },
): Promise<void> {
  const mine = boxes.filter((b) => b.userId === o.userId && !o.has(b.keyGen))
  if (!mine.length) return
  let uks: Map<string, CryptoKey> | undefined
  for (const box of mine) {
    if (o.has(box.keyGen)) continue
    try {
      if (isExchangeBox(box)) {
        if (!o.exchange || box.exchangeKeyId !== o.exchange.record.keyId) continue
        o.addKey(box.keyGen, await openExchangeBox(box, o.exchange.privateKey, o.signerKey))
      } else {
        uks ??= await userKeys()
        const uk = uks.get(box.userKeyId)
        if (uk) o.addKey(box.keyGen, await openDocumentKey(box, uk, o.signerKey))
      }
    } catch {
      // Not signed by a device this phone trusts, or changed: not used.
    }
  }
}
