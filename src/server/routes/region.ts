/** The region's beheerder (SiG's programme office): the organisations of the region, each with a first beheerder invited. */
import { Hono } from 'hono'
import { newOrganisationSchema } from '../../shared/accounts/schemas'
import { AccountError, createOrganisation } from '../auth/accounts'
import { createLink } from '../auth/links'
import { currentUser, requireRegionBeheerder, requireUser, type AppEnv } from '../auth/middleware'
import type { AuthDeps } from './auth'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body } from '../http/request'

export function regionRoutes({ db, guard }: AuthDeps) {
  const app = new Hono<AppEnv>()
  app.use('*', requireUser(), requireRegionBeheerder)

  app.get('/organisations', async (c) => {
    const { rows } = await db.query<{ id: string; name: string; is_region: boolean; members: number; beheerders: number }>(
      `SELECT o.id, o.name, o.is_region,
              (SELECT count(DISTINCT m.user_id)::int FROM memberships m WHERE m.organisation_id = o.id) AS members,
              (SELECT count(*)::int FROM memberships m WHERE m.organisation_id = o.id AND m.role = 'beheerder') AS beheerders
       FROM organisations o ORDER BY o.is_region DESC, o.name`,
    )
    return reply(c, 'GET /api/region/organisations', { organisations: rows.map((r) => ({ id: r.id, name: r.name, isRegion: r.is_region, members: r.members, beheerders: r.beheerders })) })
  })

  app.post('/organisations', async (c) => {
    const b = await body(c, newOrganisationSchema)
    if (!b.ok) return b.response
    const actor = currentUser(c).userId
    const exists = await db.query('SELECT 1 FROM organisations WHERE lower(name) = lower($1)', [b.value.name])
    if (exists.rows.length) return problem(c, 409, 'exists', 'An organisation with this name exists already.')
    try {
      const result = await db.transaction(async (tx) => {
        const id = await createOrganisation(tx, b.value.name, actor)
        const invitation = b.value.firstBeheerder
          ? await createLink(tx, { kind: 'invitation', organisationId: id, email: b.value.firstBeheerder.email, name: b.value.firstBeheerder.name, role: 'beheerder' }, actor, new Date(guard.now()))
          : undefined
        return { id, invitation }
      })
      return reply(c, 'POST /api/region/organisations', result, 201)
    } catch (e) {
      if (e instanceof AccountError) return problem(c, e.status, e.code, e.message)
      throw e
    }
  })

  return app
}
