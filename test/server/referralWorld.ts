/**
 * The people and phones most referral tests start from: a welzijn organisation routed for WoR in
 * Oss with a social worker whose phone is approved, certified and bound; a practice with a GP whose
 * phone is the same; and the region's beheerder who set the route.
 */
import { expect } from 'vitest'
import type { Database } from '../../src/server/db/types'
import { regionOrganisation, signedIn, type Clock } from './agent'
import { approvedBoundDevice } from './devices'
import type { TestApp } from './fixture'

export async function referralWorld({ app, db, clock }: { app: TestApp; db: Database; clock: Clock }) {
  const welzijn = await signedIn(app, db, clock, 'beheerder')
  const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: welzijn.organisationId })
  const practice = await signedIn(app, db, clock, 'beheerder')
  const gp = await signedIn(app, db, clock, 'huisarts', { organisationId: practice.organisationId })
  const workerPhone = await approvedBoundDevice(worker.agent, welzijn.agent, welzijn.organisationId)
  const gpPhone = await approvedBoundDevice(gp.agent, practice.agent, practice.organisationId)
  const region = await signedIn(app, db, clock, 'beheerder', { organisationId: await regionOrganisation(db) })
  expect((await region.agent.call('PUT', '/api/referrals/routes', { routes: [{ intervention: 'wor', municipality: 'Oss', organisationId: welzijn.organisationId }] })).status).toBe(200)
  return { welzijn, worker, practice, gp, workerPhone, gpPhone, region }
}
