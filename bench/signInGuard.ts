/**
 * What the database-kept sign-in guard costs (issue 10): a full password step through the app
 * (limits, the attempt counted before the check, scrypt, audit) against scrypt alone, on the same
 * in-memory PGlite in this process, one request at a time. The ratio is the guard's overhead.
 */
import { createApp } from '../src/server/app'
import { addMember, createOrganisation } from '../src/server/auth/accounts'
import { hashPassword, verifyPassword } from '../src/server/auth/passwords'
import { SignInGuard } from '../src/server/auth/signIn'
import { openDatabase } from '../src/server/db/database'
import { silentLogger } from '../src/server/log'
import { TEST_SERVER_KEY } from '../test/server/helpers'

const PASSWORD = 'Zilver-Reiger-Over-Maas-7'
const ROUNDS = 40

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d

export async function signInGuardBench() {
  const db = await openDatabase(undefined)
  try {
    const app = createApp(db, { serverKey: TEST_SERVER_KEY, logger: silentLogger(), guard: new SignInGuard(Date.now, [1e9, 1e9]) })
    const org = await createOrganisation(db, 'Bench', null)
    await addMember(db, { email: 'bench@example.org', name: 'Bench', password: PASSWORD }, org, 'huisarts', null)
    const hash = await hashPassword(PASSWORD)
    const step: number[] = []
    const wrongStep: number[] = []
    const scrypt: number[] = []
    for (let i = 0; i < ROUNDS; i++) {
      let t = performance.now()
      await verifyPassword(PASSWORD, hash)
      scrypt.push(performance.now() - t)
      t = performance.now()
      const ok = await app.request('/api/auth/sign-in', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'bench@example.org', password: PASSWORD }) })
      step.push(performance.now() - t)
      if (ok.status !== 200) throw new Error(`sign-in answered ${ok.status}`)
      t = performance.now()
      // An unknown address: the same work, the failure counted on its own key.
      await app.request('/api/auth/sign-in', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: `nobody${i}@example.org`, password: PASSWORD }) })
      wrongStep.push(performance.now() - t)
    }
    return {
      rounds: ROUNDS,
      scrypt_median_ms: round(median(scrypt)),
      password_step_median_ms: round(median(step)),
      unknown_address_median_ms: round(median(wrongStep)),
      password_step_vs_scrypt: round(median(step) / median(scrypt)),
      unknown_vs_known: round(median(wrongStep) / median(step)),
    }
  } finally {
    await db.close()
  }
}
