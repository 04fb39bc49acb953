/**
 * "Ik wil hulp" (issue 20, docs/help-request.md): a resident asks the social work organisation of
 * their municipality for help, without a GP and without an account. What they write travels sealed
 * (crypto/sealed.ts, v3: an unauthenticated sender) to that organisation's certified devices; the
 * server keeps only the routing metadata: the municipality, the organisation, the time, the box.
 */
import { z } from 'zod'
import { fromDayNumber, isoDate, toDayNumber } from '../core/dates'
import { sealedUnauthenticatedSchema } from '../crypto/sealed'
import { LIFE_DOMAINS } from '../socialMap/lifeDomains'
import { MUNICIPALITIES } from '../socialMap/places'

/** The routing table's intervention whose organisation receives a resident's own request: the social work organisation (welzijn). */
export const HELP_REQUEST_ROUTE = 'wor' as const
/** A worker calls or mails within this many working days (Monday to Friday) after the request reached the server. */
export const HELP_REQUEST_ANSWER_WORKING_DAYS = 3
/** The referrer type a case made from a help request carries (cases/v1.ts REFERRER_TYPES). */
export const HELP_REQUEST_REFERRER = 'inwoner-zelf' as const
export const PREFERRED_TIMES = ['ochtend', 'middag', 'avond', 'maakt-niet-uit'] as const

const phone = z.string().trim().regex(/^\+?[0-9 ()-]{8,20}$/, 'is not a phone number')

/** What the resident writes: sealed on the phone, never seen by the server. */
export const helpRequestContentSchema = z
  .strictObject({
    question: z.string().trim().min(10).max(2_000),
    domains: z
      .array(z.enum(LIFE_DOMAINS))
      .max(LIFE_DOMAINS.length)
      .refine((d) => new Set(d).size === d.length, 'a domain may appear only once'),
    contact: z.strictObject({
      name: z.string().trim().min(2).max(200),
      phone: phone.optional(),
      email: z.email().max(200).optional(),
      preferredTime: z.enum(PREFERRED_TIMES),
    }),
    municipality: z.enum(MUNICIPALITIES),
    consent: z.strictObject({ given: z.literal(true), date: isoDate }),
  })
  // Checked even when other fields have issues, so the form names every problem at once.
  .refine((r) => r.contact?.phone || r.contact?.email, { message: 'give a phone number or an e-mail address', path: ['contact', 'phone'], when: () => true })
export type HelpRequestContent = z.infer<typeof helpRequestContentSchema>

/** The associated data binding a box to its request and receiving organisation: moved to another request or organisation, it does not open. */
export const helpRequestContext = (id: string, organisationId: string) => `help-request|${id}|${organisationId}`

/** What the phone posts (POST /api/help-requests): routing metadata in clear, the rest sealed. */
export const newHelpRequestSchema = z.strictObject({
  id: z.guid(),
  municipality: z.enum(MUNICIPALITIES),
  organisationId: z.guid(),
  sealed: sealedUnauthenticatedSchema,
  /** The honeypot: a field people never see (hidden from sight and from screen readers). Filled in: a bot. */
  website: z.string().max(500).optional(),
})
export type NewHelpRequest = z.infer<typeof newHelpRequestSchema>

/** GET /api/help-requests/directory: per municipality, the organisation that receives and its certified receiving devices, with its chain. */
export const helpDirectorySchema = z.object({
  municipalities: z.array(
    z.object({
      municipality: z.enum(MUNICIPALITIES),
      organisation: z.object({ id: z.guid(), name: z.string() }),
      /** Checked one by one on the phone: an entry that does not verify is left out, not the whole answer. */
      keys: z.array(z.unknown()).max(1000),
      chain: z.unknown(),
    }),
  ),
})
export type HelpDirectory = z.infer<typeof helpDirectorySchema>

/** POST /api/help-requests: `exists` for a resend. A honeypot hit gets `stored` too, and nothing is stored. */
export const helpRequestStoredSchema = z.object({ status: z.enum(['stored', 'exists']) })

/** One request in the workers' inbox (GET /api/help-requests/inbox). */
export const listedHelpRequestSchema = z.object({
  id: z.guid(),
  municipality: z.enum(MUNICIPALITIES),
  receivedAt: z.string(),
  /** The date by which a worker answers (region date + working days), as YYYY-MM-DD. */
  answerBy: isoDate,
  sealed: sealedUnauthenticatedSchema,
})
export type ListedHelpRequest = z.infer<typeof listedHelpRequestSchema>
export const helpRequestInboxSchema = z.object({ requests: z.array(listedHelpRequestSchema) })

/** `date` (YYYY-MM-DD) plus `days` working days, Monday to Friday (public holidays not counted: docs/help-request.md). */
export function addWorkingDays(date: string, days: number): string {
  let day = toDayNumber(date)
  let left = days
  while (left > 0) {
    day++
    // Day 0 (1970-01-01) was a Thursday: (day + 4) % 7 is 0 on Sunday, 6 on Saturday.
    const weekday = (day + 4) % 7
    if (weekday !== 0 && weekday !== 6) left--
  }
  return fromDayNumber(day)
}

/** DELETE /api/help-requests/:id: taken in or thrown away by a worker of the receiving organisation. */
export const helpRequestDeletedSchema = z.object({ id: z.string(), status: z.literal('deleted') })
