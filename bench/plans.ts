/**
 * Plan figures (issue 17; docs/resident-plan.md, docs/shared-plan.md), WebCrypto in this process
 * as on a phone:
 * - the resident's plan: making it from a case, sealing it under the link's key and opening it
 *   again, against the peer `JSON.stringify` + `JSON.parse` of the same plan (what showing it in
 *   the clear would cost), and its sealed size against its JSON;
 * - one version of the shared samenwerkplan for 1, 5 and 20 participants with two devices each
 *   (each participant's copy made and sealed with `sealSigned`), against the peer: sealing the
 *   whole case once to one device (what sending the case instead of the plan would cost).
 */
import { residentPlanOf, sealResidentPlan, openResidentPlan, randomSecret } from '../src/shared/cases/residentPlan'
import { newResponseKey, participantPlanOf, planBoxContext } from '../src/shared/cases/sharedPlan'
import { sealSigned } from '../src/shared/crypto/sealed'
import { ECDSA_P256 } from '../src/shared/crypto/signatures'
import { fullCase } from '../test/unit/recordDocFixtures'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const round = (n: number) => Math.round(n * 100) / 100
async function timed(runs: number, f: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await f()
    times.push(performance.now() - t0)
  }
  return median(times)
}
const ecdh = async () => {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair
  return { deviceId: crypto.randomUUID(), publicKey: await crypto.subtle.exportKey('jwk', pair.publicKey) }
}

export async function planBench(runs = 21) {
  const c = fullCase()
  const linkId = crypto.randomUUID()
  const ctx = { linkId, organisation: 'Welzijn Bench', today: '2026-12-01', expiresOn: '2027-03-01', sentAt: new Date().toISOString() }
  const key = randomSecret()
  const plan = residentPlanOf(c, ctx)
  const sealed = await sealResidentPlan(key, plan)
  const resident = {
    seal_and_open_ms: round(await timed(runs, async () => openResidentPlan(key, linkId, await sealResidentPlan(key, residentPlanOf(c, ctx))))),
    peer_json_ms: round(await timed(runs, () => JSON.parse(JSON.stringify(residentPlanOf(c, ctx))))),
    sealed_kb: round(sealed.length / 1024),
    json_kb: round(JSON.stringify(plan).length / 1024),
  }

  const signer = { deviceId: crypto.randomUUID(), signingKey: ((await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair).privateKey }
  const peerDevice = [await ecdh()]
  const peer = await timed(runs, () => sealSigned(c, peerDevice, 'case|bench', signer, new Date().toISOString()))
  const shared: Record<string, { version_ms: number; ratio_to_sealing_the_case: number }> = {}
  for (const n of [1, 5, 20]) {
    const co = c.consultation!
    co.participants = await Promise.all(
      Array.from({ length: n }, async (_, i) => ({ id: crypto.randomUUID(), name: `Deelnemer ${i}`, role: 'huisarts', organisation: 'Praktijk', discipline: 'huisarts', userId: crypto.randomUUID() })),
    )
    const devices = new Map(await Promise.all(co.participants.map(async (p) => [p.id, [await ecdh(), await ecdh()]] as const)))
    const context = { planId: crypto.randomUUID(), version: 2, sentAt: new Date().toISOString(), leadUserId: crypto.randomUUID(), organisation: 'Welzijn Bench', responseKey: newResponseKey() }
    const ms = await timed(runs, () =>
      Promise.all(co.participants.map((p) => sealSigned(participantPlanOf(c, p.id, context), devices.get(p.id)!, planBoxContext(context.planId, 2, p.userId!), signer, context.sentAt))),
    )
    shared[`participants_${n}`] = { version_ms: round(ms), ratio_to_sealing_the_case: round(ms / peer) }
  }
  return { resident: { ...resident, ratio_to_json: round(resident.seal_and_open_ms / resident.peer_json_ms) }, shared_plan: { peer_seal_case_ms: round(peer), ...shared } }
}
