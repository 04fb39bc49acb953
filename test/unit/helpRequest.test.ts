/**
 * The pure rules of "Ik wil hulp" (issue 20, docs/help-request.md): the box without a sender key
 * (v3) is its own kind, never taken for a signed box; the day a worker answers by; the content a
 * resident must give.
 */
import { describe, expect, it } from 'vitest'
import { MAX_UNAUTHENTICATED_CIPHERTEXT, openUnauthenticated, openVerified, sealedSchema, sealedUnauthenticatedSchema, sealUnauthenticated, SealError } from '../../src/shared/crypto/sealed'
import { addWorkingDays, helpRequestContentSchema, helpRequestContext, type HelpRequestContent } from '../../src/shared/helpRequests/helpRequest'

const CONTENT: HelpRequestContent = {
  question: 'Ik kom de deur niet meer uit sinds de verhuizing.',
  domains: ['sociaal-netwerk'],
  contact: { name: 'Anna de Boer', phone: '06 12345678', preferredTime: 'middag' },
  municipality: 'Bernheze',
  consent: { given: true, date: '2026-11-23' },
}

async function worker() {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
  return { deviceId: crypto.randomUUID(), publicKey: { kty, crv, x, y }, privateKey: pair.privateKey }
}

describe('a box from an unauthenticated sender (v3)', () => {
  it('opens for its recipient in its own context, and says it has no sender', async () => {
    const w = await worker()
    const id = crypto.randomUUID()
    const org = crypto.randomUUID()
    const box = await sealUnauthenticated(CONTENT, [w], helpRequestContext(id, org))
    expect(sealedUnauthenticatedSchema.parse(box).sender).toEqual({ kind: 'unauthenticated' })
    expect(await openUnauthenticated(box, w.deviceId, w.privateKey, helpRequestContext(id, org))).toEqual(CONTENT)
    await expect(openUnauthenticated(box, w.deviceId, w.privateKey, helpRequestContext(id, crypto.randomUUID()))).rejects.toThrow(SealError)
    // Neither a stored referral box nor anything the signed path reads.
    expect(sealedSchema.safeParse(box).success).toBe(false)
    await expect(openVerified(box as never, w.deviceId, w.privateKey, helpRequestContext(id, org), async () => null)).rejects.toThrow('unsigned')
  })
})

describe('the size of a v3 box', () => {
  it('holds the largest request a resident can write, and refuses a box far larger (an inbox flood)', async () => {
    const w = await worker()
    // The worst case for the JSON inside: every character escaped as \u00XX (six bytes each).
    const largest: HelpRequestContent = { ...CONTENT, question: '\u0001'.repeat(2_000), contact: { ...CONTENT.contact, name: '\u0002'.repeat(200) } }
    expect(helpRequestContentSchema.safeParse(largest).success).toBe(true)
    const box = await sealUnauthenticated(largest, [w], helpRequestContext(crypto.randomUUID(), crypto.randomUUID()))
    expect(box.ciphertext.length).toBeLessThanOrEqual(MAX_UNAUTHENTICATED_CIPHERTEXT)
    expect(sealedUnauthenticatedSchema.safeParse(box).success).toBe(true)
    const junk = await sealUnauthenticated({ padding: 'x'.repeat(40_000) }, [w], 'help-request|x|y')
    expect(sealedUnauthenticatedSchema.safeParse(junk).success).toBe(false)
  })
})

describe('the day a worker answers by', () => {
  it('counts three working days, skipping the weekend', () => {
    expect(addWorkingDays('2026-11-23', 3)).toBe('2026-11-26') // Monday → Thursday
    expect(addWorkingDays('2026-11-26', 3)).toBe('2026-12-01') // Thursday → Tuesday
    expect(addWorkingDays('2026-11-28', 3)).toBe('2026-12-02') // Saturday → Wednesday
    expect(addWorkingDays('2026-12-31', 1)).toBe('2027-01-01')
  })
})

describe('what a resident must give', () => {
  it('takes a phone number or an e-mail address, and consent', () => {
    expect(helpRequestContentSchema.safeParse(CONTENT).success).toBe(true)
    const noPhone = { name: CONTENT.contact.name, preferredTime: CONTENT.contact.preferredTime }
    const missing = helpRequestContentSchema.safeParse({ ...CONTENT, contact: noPhone })
    expect(missing.error?.issues.map((i) => i.path.join('.'))).toEqual(['contact.phone'])
    expect(helpRequestContentSchema.safeParse({ ...CONTENT, contact: { ...noPhone, email: 'anna@voorbeeld.nl' } }).success).toBe(true)
    expect(helpRequestContentSchema.safeParse({ ...CONTENT, consent: { given: false, date: '2026-11-23' } }).success).toBe(false)
    expect(helpRequestContentSchema.safeParse({ ...CONTENT, municipality: 'Nijmegen' }).success).toBe(false)
  })
})
