/**
 * Residents' own initiatives (burgerinitiatieven, issue 20): a resident proposes an activity
 * from the social map; a map editor of the region reads it and accepts it (it then becomes a
 * listing like any other, marked as a burgerinitiatief) or rejects it with a reason.
 * docs/initiatives.md; the marking is documented in docs/hsds-extensions.md.
 */
import { z } from 'zod'
import type { Service } from './hsds'
import { VILLAGE_CENTROIDS } from './centroids'
import { LIFE_DOMAIN_NAMES, LIFE_DOMAIN_TAXONOMY, LIFE_DOMAIN_TERM_IDS, LIFE_DOMAINS } from './lifeDomains'
import { MUNICIPALITIES, VILLAGES } from './places'
import { INITIATIVE_TERM } from './providerKind'

export { INITIATIVE_TERM, isInitiative } from './providerKind'

/** Dutch phone numbers as residents type them: digits, spaces, dashes, an optional +31 or brackets. */
const PHONE = /^\+?[0-9 ()-]{10,20}$/

// Control characters, zero-width characters, line and paragraph separators, and the direction marks,
// overrides and isolates that make an editor read something other than what is published ("Trojan Source").
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/
const trimmed = (min: number, max: number, tooShort: string) =>
  z
    .string()
    .trim()
    .min(min, tooShort)
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !HIDDEN.test(s), 'must not hold control or direction characters')

export const initiativeProposalSchema = z
  .strictObject({
    /** Made on the phone; also the id of the listing once accepted, and the outbox's idempotency key. */
    id: z.guid(),
    name: trimmed(3, 120, 'name too short'),
    description: trimmed(20, 2_000, 'description too short (at least 20 characters)'),
    /** When it happens, in the resident's words ("elke dinsdag van 10 tot 12 uur"). */
    when: trimmed(3, 300, 'when too short'),
    municipality: z.enum(MUNICIPALITIES),
    village: z.string().min(1, 'choose a village').max(60),
    /** Where: a building, street and number ("Buurthuis De Pit, Kerkstraat 1"); optional. */
    place: trimmed(0, 200, '').optional(),
    lifeDomains: z
      .array(z.enum(LIFE_DOMAINS))
      .min(1, 'choose at least one life domain')
      .max(3, 'at most three life domains')
      .refine((d) => new Set(d).size === d.length, 'a life domain may appear once'),
    free: z.boolean(),
    /** The contact shown on the map: the resident agreed to publish it (consent). */
    contactName: trimmed(2, 100, 'contact name too short'),
    phone: z.string().trim().regex(PHONE, 'must be a phone number').optional(),
    email: z.email('must be an e-mail address').max(200).optional(),
    consent: z.literal(true, 'consent to publish is needed'),
  })
  .refine((p) => (VILLAGES[p.municipality] as readonly string[]).includes(p.village), { message: 'village is not in this municipality', path: ['village'] })
  .refine((p) => p.phone !== undefined || p.email !== undefined, { message: 'a phone number or an e-mail address is needed', path: ['phone'] })
export type InitiativeProposal = z.infer<typeof initiativeProposalSchema>

/**
 * What the app posts: the proposal and the honeypot field `website`, which the form hides from
 * people (and from screen readers); a filled one marks a bot (docs/initiatives.md).
 */
export const initiativeSubmissionSchema = z.strictObject({
  proposal: initiativeProposalSchema,
  website: z.string().max(500).optional(),
})
export type InitiativeSubmission = z.infer<typeof initiativeSubmissionSchema>

/**
 * The listing an accepted proposal becomes. `newId` makes the ids of the nested entities (random
 * on the server, fixed in tests); the listing's own id is the proposal's. `today` (YYYY-MM-DD, the
 * region's calendar) is its "gecontroleerd op": the editor has just read it.
 */
export function initiativeToService(p: InitiativeProposal, newId: () => string, today: string): Service {
  const locationId = newId()
  const centre = VILLAGE_CENTROIDS[p.village]
  const phones = p.phone ? [{ id: newId(), number: p.phone }] : undefined
  return {
    id: p.id,
    name: p.name,
    // The resident's own words for "when": free text, which HSDS schedules cannot hold without being
    // read as opening hours. An editor may add a structured schedule later in the map editor.
    description: `${p.description}\n\nWanneer: ${p.when}`,
    status: 'active',
    assured_date: today,
    ...(p.email ? { email: p.email } : {}),
    ...(phones ? { phones } : {}),
    ...(p.free ? { cost_options: [{ id: newId(), amount: 0, currency: 'EUR' }] } : {}),
    contacts: [{ id: newId(), name: p.contactName, ...(p.email ? { email: p.email } : {}), ...(phones ? { phones } : {}) }],
    attributes: [
      ...p.lifeDomains.map((d) => ({
        id: newId(),
        taxonomy_term_id: LIFE_DOMAIN_TERM_IDS[d],
        link_entity: 'service',
        taxonomy_term: { id: LIFE_DOMAIN_TERM_IDS[d], code: d, name: LIFE_DOMAIN_NAMES[d], description: `Levensdomein ${LIFE_DOMAIN_NAMES[d]}`, taxonomy: LIFE_DOMAIN_TAXONOMY },
      })),
      { id: newId(), taxonomy_term_id: INITIATIVE_TERM.id, link_entity: 'service', taxonomy_term: { ...INITIATIVE_TERM } },
    ],
    service_at_locations: [
      {
        id: newId(),
        location: {
          id: locationId,
          location_type: 'physical',
          ...(p.place ? { name: p.place } : {}),
          ...(centre ? { latitude: centre.lat, longitude: centre.lon } : {}),
          addresses: [
            {
              id: newId(),
              location_id: locationId,
              address_1: p.place || p.village,
              city: p.village,
              region: p.municipality,
              state_province: 'Noord-Brabant',
              postal_code: '',
              country: 'NL',
              address_type: 'physical',
            },
          ],
        },
      },
    ],
  }
}
