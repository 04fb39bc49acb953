/**
 * What /api/referrals answers (src/server/routes/referrals.ts). Certificates and chains that the
 * phone verifies one by one (trust.ts) are taken as they come here: one injected or damaged entry
 * is refused and named on the phone instead of making the whole answer unreadable.
 */
import { z } from 'zod'
import { directorySchema, listedReferralSchema } from '../referrals/referral'
import { MUNICIPALITIES } from '../socialMap/places'

const route = directorySchema.shape.routes.element

/** GET /api/referrals/routes: the routing table, with every organisation to choose from. */
export const routesAnswerSchema = z.object({ routes: z.array(route), organisations: z.array(z.object({ id: z.string(), name: z.string() })) })
export type RoutesAnswer = z.infer<typeof routesAnswerSchema>
/** PUT /api/referrals/routes: the table as stored. */
export const routesSavedSchema = z.object({ routes: z.array(route) })

/** GET /api/referrals/directory: what a GP's phone keeps to refer offline (docs/device-trust.md, "Who receives"). */
export const directoryAnswerSchema = z.object({
  routes: directorySchema.shape.routes,
  keys: z.record(z.string(), z.array(z.unknown()).max(1000)),
  own: z.array(z.unknown()).max(100),
  chains: z.record(z.string(), z.unknown()),
  municipalities: z.array(z.enum(MUNICIPALITIES)).optional(),
})
export type DirectoryAnswer = z.infer<typeof directoryAnswerSchema>

/** POST /api/referrals and /:id/events: stored now, or stored before (a resend). */
export const referralStoredSchema = z.object({ status: z.enum(['stored', 'exists']) })
export type ReferralStored = z.infer<typeof referralStoredSchema>

/** GET /api/referrals/inbox and /sent */
export const referralListSchema = z.object({ referrals: z.array(listedReferralSchema) })
export type ReferralList = z.infer<typeof referralListSchema>

/** GET /api/referrals/:id/keys: who may read a referral's events, as certificates with their chains. */
export const referralKeysAnswerSchema = z.object({ keys: z.array(z.unknown()).max(1000), chains: z.record(z.string(), z.unknown()) })
export type ReferralKeysAnswer = z.infer<typeof referralKeysAnswerSchema>
