/**
 * A GP's phone for the server's plaintext check (referrals.test.ts, "keeps nothing of the
 * patient"): it runs the app's own code against the real server — its device keys under its vault,
 * registration and binding, the trust check, sealing, the outbox and the HTTP client — with
 * IndexedDB in fake-indexeddb (the test file imports 'fake-indexeddb/auto'). Its `fetch` reaches
 * the app through the GP's agent, which keeps the session cookie as a browser does; every request
 * is recorded as it left the phone. Also: the ways a careless client could carry the patient.
 */
import { expect, vi } from 'vitest'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { Vault } from '../../src/app/features/cases/vault'
import { prepareRegistration, proveDevice, rememberRegistration, useDeviceVault } from '../../src/app/core/deviceIdentity'
import { setCsrfToken } from '../../src/app/core/http'
import { acceptNewKey } from '../../src/app/core/pinnedKeys'
import { askChallenge, bindDevice, registerDevice } from '../../src/app/api/devices'
import { loadDirectory, referralGroups, sealForTrusted } from '../../src/app/features/referrals/referralOutbox'
import { checkDevices, type TrustResult } from '../../src/app/features/referrals/trust'
import { referralContentSchema, referralContext, type NewReferral } from '../../src/shared/referrals/referral'
import { describeFindings, type Finding } from '../support/secretScan'
import type { Agent } from './agent'
import { approveDevice } from './devices'

export const NAME = 'Geertruida Zonneveld'
export const PHONE = '06 3141 5926'
export const EMAIL = 'g.zonneveld@voorbeeld.nl'
/** Over 2 KB: PostgreSQL would compress it in a row, so only a read through SQL sees it whole. The form takes its first 1,000 characters. */
export const LONG_NOTE = Array.from({ length: 24 }, (_, i) => `Week ${i + 1}: mevrouw Zonneveld komt sinds het overlijden van haar man de deur niet uit; de buren doen boodschappen.`).join(' ')
/** A value the scan of the phone's requests must find: sent on purpose in a header and in a body (AppPhone.sendPlant). */
export const REQUEST_PLANT = 'Hendrika Plantinga 4471'
export const SECRETS = [NAME, 'Geertruida', 'Zonneveld', PHONE, '31415926', EMAIL, 'overlijden van haar man', LONG_NOTE]

/** The findings as lines, the long note shortened (its whole text in every line would bury the message). */
export const findings = (found: Finding[]): string[] => describeFindings(found).map((line) => line.replace(LONG_NOTE, `${LONG_NOTE.slice(0, 40)}… (the long note)`))

/** One request of the app as it left the phone. */
export interface Sent {
  url: string
  headers: Record<string, string>
  body: string
}

export interface AppPhone {
  deviceId: string
  sent: Sent[]
  /** Who the phone seals a referral to `receiver` for, as ReferPage checks it (the GP's own organisation accepted, as on UnknownOrganisationNotice). */
  trustFor(receiver: string): Promise<TrustResult>
  /** What ReferPage does on "Verwijzing versturen": the content checked by the shared schema, sealed to the devices this phone trusts. */
  referral(trust: TrustResult, receiver: string): Promise<NewReferral>
  /** One request through the same `fetch` and capture as the app's, `text` in a header and in the body (to a path no route takes). */
  sendPlant(text: string): Promise<void>
  close(): void
}

/** The GP's phone: a vault set up, registered with the app's code, approved by the practice's beheerder, the session bound to it. */
export async function appPhone(gp: { agent: Agent; userId: string }, practice: { agent: Agent; organisationId: string }): Promise<AppPhone> {
  const caseDb = new CaseDb(`referral-plaintext-${crypto.randomUUID()}`)
  const vault = new Vault(caseDb)
  useDeviceVault(() => vault)
  await vault.setUp('kraanvogel boven de heide bij Uden')
  const sent: Sent[] = []
  setCsrfToken(gp.agent.csrf)
  vi.stubGlobal('fetch', async (path: string, init: RequestInit = {}) => {
    const headers = Object.fromEntries(new Headers(init.headers).entries())
    const body = init.body === undefined ? undefined : String(init.body)
    sent.push({ url: path, headers, body: body ?? '' })
    // The agent adds the content type and the CSRF token itself: the app must have sent the same.
    const { 'content-type': type, 'x-csrf-token': csrf, ...rest } = headers
    expect(type).toBe(body === undefined ? undefined : 'application/json')
    expect(csrf).toBe(init.method === 'GET' ? undefined : gp.agent.csrf)
    return gp.agent.call(init.method ?? 'GET', path, body, rest)
  })
  const organisationId = practice.organisationId
  const keys = await prepareRegistration()
  const { id } = await registerDevice({ organisationId, name: 'Telefoon dokter', ...keys })
  await rememberRegistration(id, organisationId)
  await approveDevice(practice.agent, organisationId, id)
  await bindDevice(id, await proveDevice('bind', (await askChallenge(id, 'bind')).challenge))

  const person = { userId: gp.userId, organisations: [organisationId] }
  return {
    deviceId: id,
    sent,
    async trustFor(receiver) {
      const { directory } = (await loadDirectory())!
      const first = await checkDevices(referralGroups(directory, receiver, person))
      for (const u of first.unknown) expect(await acceptNewKey(u.organisationId, u.fingerprint)).toBe(true)
      return checkDevices(referralGroups(directory, receiver, person))
    },
    async referral(trust, receiver) {
      const content = referralContentSchema.parse({
        intervention: 'wor',
        patient: { name: NAME, phone: PHONE, email: EMAIL, birthYear: 1948, municipality: 'Oss' },
        reasons: ['eenzaamheid', 'somberheid'],
        note: LONG_NOTE.slice(0, 1_000),
        domains: ['sociaal'],
        urgency: 'gewoon',
        consent: { given: true, date: '2026-11-20' },
        referrer: { name: 'Test huisarts', organisation: 'Huisartsenpraktijk De Linde' },
      })
      const id = crypto.randomUUID()
      const sentAt = new Date().toISOString()
      const sealed = await sealForTrusted(content, trust.trusted.map((x) => x.recipient), referralContext(id), sentAt)
      return { id, intervention: 'wor', senderOrganisationId: organisationId, receivingOrganisationId: receiver, sentAt, sealed }
    },
    async sendPlant(text) {
      const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': gp.agent.csrf, 'X-Plant': text }
      await fetch('/api/plaintext-plant', { method: 'POST', headers, body: JSON.stringify({ note: text }) })
    },
    close() {
      vi.unstubAllGlobals()
      useDeviceVault(undefined)
      caseDb.close()
    },
  }
}

/** Every way a careless client could carry the patient in a body like `template`: each value replaced in turn, and an extra field in each object. */
export function carelessChanges(template: unknown): { where: string; apply: (body: unknown) => unknown }[] {
  const personal = { name: NAME, phone: PHONE, email: EMAIL, note: LONG_NOTE }
  const out: { where: string; apply: (body: unknown) => unknown }[] = []
  const walk = (node: unknown, path: (string | number)[]) => {
    const where = path.join('.') || 'body'
    if (node && typeof node === 'object') {
      if (!Array.isArray(node)) out.push({ where: `${where} + patient`, apply: (body) => setAt(body, path, (old) => ({ ...(old as object), patient: personal })) })
      for (const [k, v] of Object.entries(node)) walk(v, [...path, Array.isArray(node) ? Number(k) : k])
    } else {
      out.push({ where, apply: (body) => setAt(body, path, () => (typeof node === 'number' ? 1948 : LONG_NOTE)) })
    }
  }
  walk(template, [])
  return out
}

function setAt(root: unknown, path: (string | number)[], change: (old: unknown) => unknown): unknown {
  if (path.length === 0) return change(root)
  const [head, ...rest] = path
  const copy = (Array.isArray(root) ? [...(root as unknown[])] : { ...(root as object) }) as Record<string | number, unknown>
  copy[head!] = setAt(copy[head!], rest, change)
  return copy
}
