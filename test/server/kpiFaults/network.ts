/**
 * The bad network between the phones and the server of the fault test. Every snapshot the app's
 * outbox sends goes through `send`: dropped, held back (and delivered late, out of order), turned
 * away by a gateway (503 with Retry-After, 502), delivered with the answer lost or replaced by a
 * gateway timeout (504), or delivered twice. Failures reach the app's code as the app's own API
 * client throws them (ApiError, see device.ts `apiCall`), so the app's classifier decides what
 * waits, what retries with back-off and what is refused. Every `restartEvery` attempts the server
 * restarts while that request and others are under way.
 */
import { expect } from 'vitest'
import { ApiError } from '../../../src/app/core/http'
import { counterSchema, snapshotAnswerSchema, type CountSnapshot, type SnapshotAnswer } from '../../../src/shared/kpi/snapshot'
import type { CounterServer } from '../../../src/app/features/cases/kpiSyncCore'
import { apiCall, type Device } from './device'
import { gatewayAnswer, type RestartingServer } from './server'

const offline = () => new ApiError(0, 'offline', 'No connection')

/** An ApiError as the app's client makes it from a gateway's answer. */
async function gatewayError(status: 502 | 503 | 504, retryAfter?: number): Promise<ApiError> {
  const body = (await gatewayAnswer(status, retryAfter).json()) as { code: string; error: string; retryAfter?: number }
  return new ApiError(status, body.code, body.error, body.retryAfter)
}

export class FlakyNetwork {
  attempts = 0
  readonly tally = { dropped: 0, heldBack: 0, late: 0, gateway: 0, lostAnswer: 0, gatewayTimeout: 0, duplicated: 0, counterLost: 0, changedInFlight: 0 }
  /** Every snapshot that went to the server, by counting id, period and version: what the server may hold. */
  readonly sent = new Map<string, Pick<CountSnapshot, 'rows' | 'measures'>>()
  /** Refusals by the server itself (not the gateway): none are expected. */
  readonly refusals: string[] = []
  private readonly limbo: { device: Device; snapshot: CountSnapshot }[] = []
  private nextRestart: number

  constructor(
    private readonly server: RestartingServer,
    private readonly random: () => number,
    private readonly restartEvery: number,
  ) {
    this.nextRestart = restartEvery
  }

  /** Straight to the server, as the app's client sends it. */
  async deliver(device: Device, snapshot: CountSnapshot): Promise<SnapshotAnswer> {
    this.sent.set(`${snapshot.counterId}|${snapshot.period}|${snapshot.snapshotVersion}`, { rows: snapshot.rows, measures: snapshot.measures })
    try {
      return await apiCall(device.agent, 'POST', '/api/kpi/snapshots', snapshotAnswerSchema, snapshot)
    } catch (e) {
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) this.refusals.push(`${e.status} ${e.code}: ${e.message}`)
      throw e
    }
  }

  /** The send function a device's outbox gets: one attempt through the bad network. */
  send(device: Device): (snapshot: CountSnapshot) => Promise<SnapshotAnswer> {
    return async (snapshot) => {
      this.attempts++
      // Sometimes the case changes while the snapshot is on its way.
      if (this.random() < 0.05) {
        this.tally.changedInFlight++
        await device.change()
      }
      const r = this.random()
      if (r < 0.08) {
        this.tally.dropped++
        throw offline()
      }
      if (r < 0.16) {
        this.tally.heldBack++
        this.limbo.push({ device, snapshot })
        throw offline()
      }
      if (r < 0.21) {
        this.tally.gateway++
        throw await (this.random() < 0.5 ? gatewayError(503, Math.floor(this.random() * 180)) : gatewayError(502))
      }
      const answer = this.deliver(device, snapshot)
      // The server restarts while this request and at least two other phones' requests are under way.
      if (this.attempts >= this.nextRestart && this.server.underWay >= 3) {
        this.nextRestart += this.restartEvery
        void this.server.restart()
      }
      const result = await answer
      if (r < 0.29) {
        this.tally.lostAnswer++
        throw offline()
      }
      if (r < 0.33) {
        this.tally.gatewayTimeout++
        throw await gatewayError(504)
      }
      if (r < 0.38) {
        this.tally.duplicated++
        await this.deliver(device, snapshot).catch((e: unknown) => {
          // The copy may meet a restart as well; a refusal is a failure.
          if (!(e instanceof ApiError) || (e.status > 0 && e.status < 500)) throw e
        })
      }
      return result
    }
  }

  /** Held-back snapshots arrive late, in shuffled order: some of them, or all. */
  async releaseSome(all: boolean): Promise<void> {
    this.limbo.sort(() => this.random() - 0.5)
    const n = all ? this.limbo.length : Math.floor(this.random() * this.limbo.length)
    for (const m of this.limbo.splice(0, n)) {
      this.tally.late++
      expect(['stored', 'unchanged', 'outdated']).toContain((await this.deliver(m.device, m.snapshot)).status)
    }
  }

  /** Asking for the counting id goes through the same network: dropped, or the answer lost (asked again, the same id comes back). */
  counters(device: Device, flaky: boolean): CounterServer {
    return {
      issue: async (organisationId) => {
        if (flaky && this.random() < 0.1) throw offline()
        const issued = await apiCall(device.agent, 'POST', '/api/kpi/counters', counterSchema, { organisationId })
        if (flaky && this.random() < 0.3) {
          this.tally.counterLost++
          throw offline()
        }
        return issued
      },
      move: () => Promise.reject(new Error('no phone here restores a backup')),
    }
  }
}
