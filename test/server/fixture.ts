/**
 * The one set-up of a server test: a database in its just-migrated state (helpers.ts,
 * testDatabase: reused and emptied between tests), the app on it with a quiet logger, and a
 * sign-in clock the test advances instead of sleeping.
 *
 *   let t: ServerTest
 *   beforeEach(async () => (t = await setupServerTest()))
 *   afterEach(() => t.close())
 *   …  const gp = await t.signedIn('huisarts'); await gp.agent.call('GET', '/api/referrals/sent')
 */
import { createApp, type AppOptions } from '../../src/server/app'
import { SignInGuard } from '../../src/server/auth/signIn'
import type { Database } from '../../src/server/db/types'
import type { Role } from '../../src/shared/accounts/roles'
import { silentLogger } from '../../src/server/log'
import { Agent } from '../support/agent'
import { Clock, signedIn } from './agent'
import { testDatabase, TEST_SERVER_KEY } from './helpers'

export type TestApp = ReturnType<typeof createApp>

export interface ServerTest {
  db: Database
  app: TestApp
  clock: Clock
  /** A client of the app that is not signed in (with extra headers on every request). */
  agent(headers?: Record<string, string>): Agent
  /** A new person with this role, signed in fully (test/server/agent.ts). */
  signedIn(role: Role, opts?: { organisationId?: string; email?: string }): ReturnType<typeof signedIn>
  /** Another app on the same database and clock with other options (a proxy in front, other offline days). */
  appWith(options: Partial<AppOptions>): TestApp
  /** Hands the database back (emptied for the next test). */
  close(): Promise<void>
}

/** The app as the server tests build it: the test server key, no log lines, the sign-in guard on `clock`. */
export function testApp(db: Database, clock: Clock, options: Partial<AppOptions> = {}): TestApp {
  return createApp(db, { serverKey: TEST_SERVER_KEY, logger: silentLogger(), guard: new SignInGuard(clock.now), ...options })
}

/** A fresh set-up; `clock` keeps a file's own clock running across its tests, else each gets a new one. */
export async function setupServerTest({ clock = new Clock(), ...options }: Partial<AppOptions> & { clock?: Clock } = {}): Promise<ServerTest> {
  const { db, close } = await testDatabase()
  const app = testApp(db, clock, options)
  return {
    db,
    app,
    clock,
    agent: (headers) => new Agent(app, headers),
    signedIn: (role, opts) => signedIn(app, db, clock, role, opts),
    appWith: (other) => testApp(db, clock, { ...options, ...other }),
    close,
  }
}
