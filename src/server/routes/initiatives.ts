import { Hono } from 'hono'
import { describeIssues } from '../../shared/core/zodIssues'
import { initiativeSubmissionSchema } from '../../shared/socialMap/initiative'
import { countHit } from '../auth/rateLimit'
import { clientAddress, hashedAddress } from '../http/client'
import type { AuthDeps } from './auth'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { readJson } from '../http/request'

/** Proposals per address per hour: a resident proposes one or two, a flood gets nowhere. */
export const INITIATIVES_PER_HOUR = 5
/**
 * Proposals waiting for the editors, region-wide, before new ones are turned away (429): many
 * addresses together cannot bury the queue or fill the disk; the editors' work frees room.
 */
export const MAX_WAITING_INITIATIVES = 500

/**
 * POST /api/initiatives: a resident proposes their own activity (docs/initiatives.md). No account:
 * limited per address (an HMAC of it, as reports are) and by the size of the waiting queue;
 * idempotent on the proposal's own id. The honeypot field `website` is hidden from people: a
 * filled one is answered as received and nothing is stored, so a bot learns nothing.
 */
export function initiativeRoutes({ db, guard, keys, proxy }: AuthDeps) {
  return new Hono().post('/', async (c) => {
    const addressKey = hashedAddress(keys.accountKey, clientAddress(c, proxy))
    const wait = await countHit(db, `initiative:address:${addressKey}`, INITIATIVES_PER_HOUR, 3600, guard.now())
    if (wait) {
      c.header('Retry-After', String(wait))
      return problem(c, 429, 'rate-limited', 'Too many proposals from here. Try again later.', { retryAfter: wait })
    }
    const body = await readJson(c)
    if (!body.ok) return problem(c, 400, 'bad-request', body.error)
    const parsed = initiativeSubmissionSchema.safeParse(body.value)
    if (!parsed.success) return problem(c, 400, 'bad-request', `Invalid proposal: ${describeIssues(parsed.error)}`)
    const { proposal, website } = parsed.data
    if (website) return reply(c, 'POST /api/initiatives', { id: proposal.id, status: 'received' }, 201)
    const known = await db.query('SELECT 1 FROM initiative_proposals WHERE id = $1', [proposal.id])
    if (known.rows.length) return reply(c, 'POST /api/initiatives', { id: proposal.id, status: 'already-received' })
    const waiting = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM initiative_proposals WHERE status = 'open'`)
    if (waiting.rows[0]!.n >= MAX_WAITING_INITIATIVES) {
      c.header('Retry-After', '3600')
      return problem(c, 429, 'queue-full', 'Too many proposals wait for the editors. Try again later.', { retryAfter: 3600 })
    }
    const { rows } = await db.query(
      'INSERT INTO initiative_proposals (id, name, doc) VALUES ($1, $2, $3::jsonb) ON CONFLICT (id) DO NOTHING RETURNING id',
      [proposal.id, proposal.name, JSON.stringify(proposal)],
    )
    return rows.length
      ? reply(c, 'POST /api/initiatives', { id: proposal.id, status: 'received' }, 201)
      : reply(c, 'POST /api/initiatives', { id: proposal.id, status: 'already-received' })
  })
}
