import { describe, expect, it } from 'vitest'
import { openSealed, openVerified, seal, sealedV2Schema, sealSigned, SealError, verifySealedSender, type SealedV2 } from '../../src/shared/crypto/sealed'
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const
const AT = '2026-03-01T10:00:00.000Z'

async function pub(key: CryptoKey) {
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', key)
  return { kty, crv, x, y }
}
async function device() {
  const enc = (await crypto.subtle.generateKey(ECDH, true, ['deriveBits'])) as CryptoKeyPair
  const sig = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
  return { id: crypto.randomUUID(), enc, sig, publicKey: await pub(enc.publicKey), signingKey: await pub(sig.publicKey) }
}
type Dev = Awaited<ReturnType<typeof device>>

/** A resolver that knows the certified signing keys of these devices only. */
const resolver = (...certified: Dev[]) => async (id: string) => certified.find((d) => d.id === id)?.signingKey ?? null
const expectSealError = async (p: Promise<unknown>, code: SealError['code']) => {
  const e = await p.then(() => null, (err: unknown) => err)
  expect(e).toBeInstanceOf(SealError)
  expect((e as SealError).code).toBe(code)
}

describe('signed sealed boxes (v2, docs/device-trust.md)', () => {
  it('seals, signs and opens for each recipient once the sender verifies', async () => {
    const [gp, worker] = [await device(), await device()]
    const box = await sealSigned({ hello: 'wereld' }, [gp, worker].map((d) => ({ deviceId: d.id, publicKey: d.publicKey })), 'referral|r1', { deviceId: gp.id, signingKey: gp.sig.privateKey }, AT)
    expect(sealedV2Schema.parse(box)).toEqual(box)
    expect(box.sender).toMatchObject({ deviceId: gp.id, at: AT })
    expect(await openVerified(box, worker.id, worker.enc.privateKey, 'referral|r1', resolver(gp))).toEqual({ hello: 'wereld' })
    expect(await openVerified(box, gp.id, gp.enc.privateKey, 'referral|r1', resolver(gp))).toEqual({ hello: 'wereld' })
    expect(await verifySealedSender(box, 'referral|r1', gp.signingKey)).toBe(true)
  })

  it('refuses a forged box: signed by a key that is not certified, or by a certified device under another name', async () => {
    const [gp, worker, intruder] = [await device(), await device(), await device()]
    const to = [{ deviceId: worker.id, publicKey: worker.publicKey }]
    // The intruder signs as itself: its key is not certified.
    const own = await sealSigned({ forged: true }, to, 'referral|r1', { deviceId: intruder.id, signingKey: intruder.sig.privateKey }, AT)
    await expectSealError(openVerified(own, worker.id, worker.enc.privateKey, 'referral|r1', resolver(gp)), 'unverified-sender')
    // The intruder names the GP's device as sender but signs with its own key.
    const posing = await sealSigned({ forged: true }, to, 'referral|r1', { deviceId: gp.id, signingKey: intruder.sig.privateKey }, AT)
    await expectSealError(openVerified(posing, worker.id, worker.enc.privateKey, 'referral|r1', resolver(gp)), 'unverified-sender')
    // An anonymous (v1) box, as anyone holding the public keys can make.
    const anonymous = await seal({ forged: true }, to, 'referral|r1')
    await expectSealError(openVerified(anonymous, worker.id, worker.enc.privateKey, 'referral|r1', resolver(gp)), 'unsigned')
    // ... which the old, unchecked opener would have read.
    expect(await openSealed(anonymous, worker.id, worker.enc.privateKey, 'referral|r1')).toEqual({ forged: true })
  })

  it('verifies the signature before decrypting: a box re-targeted to another context is refused as unverified', async () => {
    const [gp, worker] = [await device(), await device()]
    const box = await sealSigned({ n: 1 }, [{ deviceId: worker.id, publicKey: worker.publicKey }], 'referral|r1|event|e1|geaccepteerd', { deviceId: gp.id, signingKey: gp.sig.privateKey }, AT)
    await expectSealError(openVerified(box, worker.id, worker.enc.privateKey, 'referral|r1|event|e1|afgewezen', resolver(gp)), 'unverified-sender')
    await expectSealError(openVerified(box, worker.id, worker.enc.privateKey, 'referral|r2|event|e1|geaccepteerd', resolver(gp)), 'unverified-sender')
  })

  it('refuses a tampered recipient list, time, ciphertext or header', async () => {
    const [gp, worker, other] = [await device(), await device(), await device()]
    const box = await sealSigned({ n: 1 }, [gp, worker].map((d) => ({ deviceId: d.id, publicKey: d.publicKey })), 'referral|r1', { deviceId: gp.id, signingKey: gp.sig.privateKey }, AT)
    // The server adds a key of its own: a wrapped key for another device (copied from a box it sealed itself).
    const extra = await sealSigned({ n: 1 }, [{ deviceId: other.id, publicKey: other.publicKey }], 'referral|r1', { deviceId: other.id, signingKey: other.sig.privateKey }, AT)
    const tampered: SealedV2[] = [
      { ...box, recipients: [...box.recipients, extra.recipients[0]!] },
      { ...box, recipients: box.recipients.slice(1) },
      { ...box, sender: { ...box.sender, at: '2020-01-01T00:00:00.000Z' } },
      { ...box, ciphertext: extra.ciphertext },
      { ...box, iv: extra.iv },
      { ...box, epk: extra.epk },
    ]
    for (const t of tampered) await expectSealError(openVerified(t, worker.id, worker.enc.privateKey, 'referral|r1', resolver(gp)), 'unverified-sender')
    await expectSealError(openVerified(box, worker.id, worker.enc.privateKey, 'referral|r1', async () => null), 'unverified-sender')
    await expectSealError(openVerified(box, other.id, other.enc.privateKey, 'referral|r1', resolver(gp)), 'not-for-this-device')
  })
})
