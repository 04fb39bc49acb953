/**
 * The server of the fault test, restarted while requests are under way: `restart()` closes the
 * database and opens it again on the same data (a PGlite data directory, or a PostgreSQL schema)
 * without waiting for the requests in flight (only the first of them finishes before the close).
 * While it is down a gateway answers 502 in its place. A request that was under way when the
 * restart began brings back what the old process answered (it finished before the close, or failed
 * on the closed database with a 500), or loses its connection like a process that dies under an
 * open socket (the client cannot tell whether it was stored); one the old process has not answered
 * when the new one is up never gets an answer.
 */
import { createApp } from '../../../src/server/app'
import { SignInGuard } from '../../../src/server/auth/signIn'
import { openDatabase, type Database, type DatabaseTarget } from '../../../src/server/db/database'
import { silentLogger } from '../../../src/server/log'
import { TEST_SERVER_KEY } from '../helpers'
import type { Clock } from '../agent'

type App = ReturnType<typeof createApp>

/** A gateway's answer in the server's error shape (src/server/http/problem.ts). */
export function gatewayAnswer(status: 502 | 503 | 504, retryAfter?: number): Response {
  const body = { error: 'The server did not answer.', code: status === 503 ? 'busy' : 'server-error', ...(retryAfter !== undefined ? { retryAfter } : {}) }
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...(retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {}) } })
}

export class RestartingServer {
  db!: Database
  private app!: App
  private down: Promise<void> | null = null
  private generation = 0
  private readonly inFlight = new Set<Promise<Response>>()
  /** The generations (processes) whose database has begun to close. */
  private readonly closing = new Set<number>()
  /** Settles when the running process is gone for good (its successor is up). */
  private death: Promise<void> = new Promise(() => {})
  private died = () => {}
  /** Per restart: how many requests were under way when it began. */
  readonly inFlightAtRestart: number[] = []
  /** Requests under way at a restart whose answer came back, and those whose connection was lost. */
  readonly overRestart = { answered: 0, cut: 0, failedOnClosed: 0 }

  constructor(
    private readonly target: () => DatabaseTarget,
    private readonly clock: Clock,
    private readonly random: () => number,
  ) {}

  async start(): Promise<void> {
    this.death = new Promise((resolve) => (this.died = resolve))
    this.db = await openDatabase(this.target())
    this.app = createApp(this.db, { serverKey: TEST_SERVER_KEY, logger: silentLogger(), guard: new SignInGuard(this.clock.now) })
  }

  /** The transport the agents use (test/support/agent.ts). */
  readonly request = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (this.down) return gatewayAnswer(502)
    const started = this.generation
    const answer = Promise.resolve(this.app.request(input, init))
    // A process that has shut down answers nothing more: what it had not answered by then is a lost connection.
    const gone = this.death.then(() => null)
    this.inFlight.add(answer)
    let res: Response | null
    try {
      res = await Promise.race([answer, gone])
    } finally {
      this.inFlight.delete(answer)
    }
    if (started !== this.generation) {
      // It was under way when the restart began: answered before the close, or the process died under the open connection.
      if (res !== null && !this.closing.has(started)) this.overRestart.answered++
      else if (res === null || this.random() < 0.5) {
        this.overRestart.cut++
        throw new TypeError('fetch failed: connection reset by the restart')
      } else {
        this.overRestart.answered++
        if (res.status >= 500) this.overRestart.failedOnClosed++
      }
    }
    return res!
  }

  /** Closes the database and opens it again on the same data, while whatever is in flight goes on. */
  restart(): Promise<void> {
    this.down ??= (async () => {
      const generation = this.generation++
      this.inFlightAtRestart.push(this.inFlight.size)
      // The first request under way finishes before the close; the others meet it.
      if (this.inFlight.size > 0) await Promise.race([...this.inFlight].map((p) => p.catch(() => undefined)))
      this.closing.add(generation)
      const died = this.died
      await this.db.close()
      await this.start()
      // Whatever the old process had not answered by the time the new one is up, it never will.
      died()
    })().finally(() => {
      this.down = null
    })
    return this.down
  }

  /** Waits until a restart under way is over. */
  async settled(): Promise<void> {
    await this.down
  }

  /** Requests under way now. */
  get underWay(): number {
    return this.inFlight.size
  }

  get restarts(): number {
    return this.inFlightAtRestart.length
  }
}
