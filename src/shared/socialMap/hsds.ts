/**
 * Zod schemas for the social map, aligned with Open Referral HSDS 3.0 (the compiled,
 * nested "service" form). Objects are loose: fields HSDS has and we do not use are
 * kept as they came, so an import followed by an export loses nothing.
 * Extensions HSDS lacks are documented in docs/hsds-extensions.md.
 *
 * Stricter than the HSDS JSON Schema where a real map needs it: valid clock times,
 * real calendar dates, bounded text sizes, uuid ids.
 */
import { z } from 'zod'
import { isWebUrl } from '../links'
import { isoDate } from '../core/dates'

/** Longest free text we accept in one field (a long description is ~3,000 characters). */
export const MAX_TEXT = 10_000
/** Longest short text (names, titles, phone numbers). */
export const MAX_SHORT = 300
/** Largest single service record, as JSON. */
export const MAX_RECORD_BYTES = 256 * 1024

const id = z.guid('must be a uuid (8-4-4-4-12 hexadecimal digits)')
const shortText = z.string().max(MAX_SHORT, `must be at most ${MAX_SHORT} characters`)
const longText = z.string().max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`)

/** HH:MM or HH:MM:SS, optionally with Z or an offset; hours 00–23 (24:00 allowed as end of day). */
const TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?|24:00(?::00)?)(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/
export const clockTime = z.string().regex(TIME, 'must be a time of day like 09:30 (hours 00–23, minutes 00–59)')

const dateTime = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'must be a date and time (ISO 8601)')
/** Addresses a person follows (HSDS url, website, logo, schedule_link): http and https only, never javascript: or data:. */
const webUrl = z.string().max(2_000).refine(isWebUrl, 'must be a web address starting with https:// or http://')
/** Identifiers (an organisation's uri, a term's term_uri) may be urn: and the like, but never a script. */
const uri = z
  .string()
  .max(2_000)
  .refine((s) => URL.canParse(s) && !/^(?:javascript|vbscript|data):$/.test(new URL(s).protocol), 'must be a full address or identifier (https://…, urn:…), not a script')
const email = z.email('must be an e-mail address').max(MAX_SHORT)

export const taxonomyTermSchema = z.looseObject({
  id,
  code: shortText.optional(),
  name: shortText,
  description: longText,
  parent_id: id.optional(),
  taxonomy: shortText.optional(),
  language: shortText.optional(),
  term_uri: uri.optional(),
})

export const attributeSchema = z.looseObject({
  id,
  link_id: id.optional(),
  taxonomy_term_id: id.optional(),
  link_type: shortText.optional(),
  link_entity: shortText.optional(),
  value: longText.optional(),
  taxonomy_term: taxonomyTermSchema.optional(),
})

export const languageSchema = z.looseObject({
  id,
  name: shortText.optional(),
  code: shortText.optional(),
  note: longText.optional(),
})

export const phoneSchema = z.looseObject({
  id,
  number: shortText.min(1, 'must not be empty'),
  extension: z.number().optional(),
  type: shortText.optional(),
  description: longText.optional(),
  languages: z.array(languageSchema).max(50).optional(),
})

export const contactSchema = z.looseObject({
  id,
  name: shortText.optional(),
  title: shortText.optional(),
  department: shortText.optional(),
  email: email.optional(),
  phones: z.array(phoneSchema).max(50).optional(),
})

const WEEKDAY = /^(?:[+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$/
const byday = z
  .string()
  .max(100)
  .refine((s) => s.split(',').every((p) => WEEKDAY.test(p.trim())), 'must list weekdays like MO,TH or 1TH (first Thursday)')
const bymonthday = z
  .string()
  .max(100)
  .refine(
    (s) => s.split(',').every((p) => /^-?\d{1,2}$/.test(p.trim()) && Math.abs(Number(p)) >= 1 && Math.abs(Number(p)) <= 31),
    'must list days of the month between 1 and 31',
  )

export const scheduleSchema = z
  .looseObject({
    id,
    service_id: id.optional(),
    location_id: id.optional(),
    service_at_location_id: id.optional(),
    valid_from: isoDate.optional(),
    valid_to: isoDate.optional(),
    dtstart: isoDate.optional(),
    timezone: z.number().min(-14).max(14).optional(),
    until: isoDate.optional(),
    count: z.number().int().min(1).max(10_000).optional(),
    wkst: z.enum(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']).optional(),
    freq: z.enum(['WEEKLY', 'MONTHLY']).optional(),
    interval: z.number().int().min(1).max(52).optional(),
    byday: byday.optional(),
    byweekno: shortText.optional(),
    bymonthday: bymonthday.optional(),
    byyearday: shortText.optional(),
    description: longText.optional(),
    opens_at: clockTime.optional(),
    closes_at: clockTime.optional(),
    schedule_link: webUrl.optional(),
    attending_type: longText.optional(),
    notes: longText.optional(),
  })
  .refine((s) => !(s.valid_from && s.valid_to) || s.valid_from <= s.valid_to, {
    message: 'valid_to lies before valid_from',
    path: ['valid_to'],
  })
  .refine((s) => !(s.opens_at && s.closes_at) || s.opens_at.slice(0, 5) < s.closes_at.slice(0, 5), {
    message: 'closes_at must be later than opens_at',
    path: ['closes_at'],
  })

export const addressSchema = z.looseObject({
  id,
  location_id: id.optional(),
  attention: shortText.optional(),
  address_1: shortText,
  address_2: shortText.optional(),
  city: shortText,
  /** We put the municipality (gemeente) here; see docs/hsds-extensions.md. */
  region: shortText.optional(),
  state_province: shortText,
  postal_code: shortText,
  country: shortText,
  address_type: shortText,
})

/** Extension `x_translations`: a language code (`en`, `en-GB`) to the translated text fields (docs/hsds-extensions.md). */
const languageCode = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language code like en or en-GB')
function translationsOf<F extends string>(fields: readonly F[]) {
  const fieldSchemas = Object.fromEntries(fields.map((f) => [f, longText.optional()])) as Record<F, z.ZodOptional<typeof longText>>
  return z.record(languageCode, z.strictObject(fieldSchemas)).refine((r) => Object.keys(r).length <= 50, 'at most 50 languages')
}

/** Translatable text of an accessibility entry (a location's "Rolstoeltoegankelijk"). */
export const ACCESSIBILITY_TRANSLATABLE = ['description', 'details'] as const
export const accessibilitySchema = z.looseObject({
  id,
  location_id: id.optional(),
  description: longText.optional(),
  details: longText.optional(),
  url: webUrl.optional(),
  x_translations: translationsOf(ACCESSIBILITY_TRANSLATABLE).optional(),
})

export const locationSchema = z.looseObject({
  id,
  location_type: z.enum(['physical', 'postal', 'virtual']),
  url: webUrl.optional(),
  organization_id: id.optional(),
  name: shortText.optional(),
  alternate_name: shortText.optional(),
  description: longText.optional(),
  transportation: longText.optional(),
  // Not range-checked: the official HSDS examples carry latitude 100. The app never
  // uses coordinates outside the real range (it routes by address).
  latitude: z.number().optional(),
  longitude: z.number().optional(),
  languages: z.array(languageSchema).max(50).optional(),
  addresses: z.array(addressSchema).max(20).optional(),
  accessibility: z.array(accessibilitySchema).max(50).optional(),
  phones: z.array(phoneSchema).max(50).optional(),
  schedules: z.array(scheduleSchema).max(100).optional(),
})

export const serviceAtLocationSchema = z.looseObject({
  id,
  service_id: id.optional(),
  location_id: id.optional(),
  description: longText.optional(),
  contacts: z.array(contactSchema).max(50).optional(),
  phones: z.array(phoneSchema).max(50).optional(),
  schedules: z.array(scheduleSchema).max(100).optional(),
  location: locationSchema.optional(),
})

export const organizationSchema = z.looseObject({
  id,
  name: shortText,
  alternate_name: shortText.optional(),
  description: longText,
  email: email.optional(),
  website: webUrl.optional(),
  logo: webUrl.optional(),
  uri: uri.optional(),
})

/** Translatable text of a cost option ("Eigen bijdrage", "per keer"). */
export const COST_TRANSLATABLE = ['option', 'amount_description'] as const
export const costOptionSchema = z.looseObject({
  id,
  valid_from: isoDate.optional(),
  valid_to: isoDate.optional(),
  option: shortText.optional(),
  currency: shortText.optional(),
  amount: z.number().min(0).max(1_000_000).optional(),
  amount_description: longText.optional(),
  x_translations: translationsOf(COST_TRANSLATABLE).optional(),
})

/** Extension: translations of a service's text fields, by language code. */
export const TRANSLATABLE_FIELDS = ['name', 'alternate_name', 'description', 'eligibility_description', 'application_process', 'fees_description', 'alert', 'wait_time'] as const
export const translationSchema = z.strictObject(
  Object.fromEntries(TRANSLATABLE_FIELDS.map((f) => [f, longText.optional()])) as Record<
    (typeof TRANSLATABLE_FIELDS)[number],
    z.ZodOptional<typeof longText>
  >,
)
export const translationsSchema = z.record(languageCode, translationSchema)

/**
 * Extension from HSDS 3.1: how much room a service has (`service.capacities[]`, each a
 * `service_capacity` with its `unit`). Stricter than 3.1: whole numbers from 0 to MAX_CAPACITY,
 * `available` not above `maximum`, `updated` a real date and time with its zone.
 * docs/hsds-extensions.md, "Room".
 */
export const MAX_CAPACITY = 100_000
const capacityCount = z
  .number()
  .int('must be a whole number')
  .min(0, 'must be 0 or more')
  .max(MAX_CAPACITY, `must be at most ${MAX_CAPACITY}`)
/** An instant with its date, time and zone (2026-11-20T14:23:06.500+01:00), on a real calendar day. */
export const zonedDateTime = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/, 'must be a date and time with its zone, like 2026-11-20T14:23:06Z')
  .refine((s) => isoDate.safeParse(s.slice(0, 10)).success && !Number.isNaN(Date.parse(s)), 'is not a real date and time')

export const unitSchema = z.looseObject({
  id,
  name: shortText.min(1, 'must not be empty'),
  scheme: shortText.optional(),
  identifier: shortText.optional(),
  uri: uri.optional(),
})

export const serviceCapacitySchema = z
  .looseObject({
    id,
    service_id: id.optional(),
    unit: unitSchema,
    unit_id: id.optional(),
    available: capacityCount,
    maximum: capacityCount.optional(),
    description: shortText.optional(),
    updated: zonedDateTime,
  })
  .refine((c) => c.maximum === undefined || c.available <= c.maximum, {
    message: 'available is more than maximum',
    path: ['available'],
  })
export type ServiceCapacity = z.infer<typeof serviceCapacitySchema>

const looseEntity = z.looseObject({ id })

export const serviceSchema = z
  .looseObject({
    id,
    organization_id: id.optional(),
    program_id: id.optional(),
    name: shortText.min(1, 'must not be empty'),
    alternate_name: shortText.optional(),
    description: longText.optional(),
    url: webUrl.optional(),
    email: email.optional(),
    status: z.enum(['active', 'inactive', 'defunct', 'temporarily closed']),
    interpretation_services: longText.optional(),
    application_process: longText.optional(),
    fees_description: longText.optional(),
    wait_time: longText.optional(),
    /** Extension from HSDS 3.1 (above); the app shows and updates the first entry. */
    capacities: z.array(serviceCapacitySchema).max(20).optional(),
    fees: longText.optional(),
    accreditations: longText.optional(),
    eligibility_description: longText.optional(),
    minimum_age: z.number().min(0).max(130).optional(),
    maximum_age: z.number().min(0).max(130).optional(),
    /** "Gecontroleerd op": the date someone last checked this listing. */
    assured_date: isoDate.optional(),
    assurer_email: email.optional(),
    licenses: longText.optional(),
    alert: longText.optional(),
    last_modified: dateTime.optional(),
    phones: z.array(phoneSchema).max(50).optional(),
    schedules: z.array(scheduleSchema).max(100).optional(),
    service_areas: z.array(looseEntity).max(100).optional(),
    service_at_locations: z.array(serviceAtLocationSchema).max(100).optional(),
    languages: z.array(languageSchema).max(50).optional(),
    organization: organizationSchema.optional(),
    funding: z.array(looseEntity).max(50).optional(),
    cost_options: z.array(costOptionSchema).max(50).optional(),
    program: looseEntity.optional(),
    required_documents: z.array(looseEntity).max(50).optional(),
    contacts: z.array(contactSchema).max(50).optional(),
    attributes: z.array(attributeSchema).max(200).optional(),
    metadata: z.array(looseEntity).max(1_000).optional(),
    x_translations: translationsSchema.optional(),
  })
  .refine((s) => s.minimum_age === undefined || s.maximum_age === undefined || s.minimum_age <= s.maximum_age, {
    message: 'maximum_age is lower than minimum_age',
    path: ['maximum_age'],
  })
  .refine((s) => JSON.stringify(s).length <= MAX_RECORD_BYTES, {
    message: `the whole record is larger than ${MAX_RECORD_BYTES / 1024} KB`,
  })

export type Service = z.infer<typeof serviceSchema>
export type Schedule = z.infer<typeof scheduleSchema>
export type Location = z.infer<typeof locationSchema>
export type Address = z.infer<typeof addressSchema>
export type Phone = z.infer<typeof phoneSchema>
export type Language = z.infer<typeof languageSchema>

/** The published social map document the API serves and the app stores. */
export const socialMapDocumentSchema = z.strictObject({
  version: z.number().int().min(0),
  publishedAt: dateTime,
  services: z.array(serviceSchema).max(200_000),
})
export type SocialMapDocument = z.infer<typeof socialMapDocumentSchema>

/** "Klopt er iets niet?": a resident's report about a service (aanbod; docs/glossary.md). */
export const serviceReportSchema = z.strictObject({
  id,
  serviceId: id,
  message: z.string().trim().min(3, 'too_short').max(2_000, 'too_long'),
  contact: z.string().trim().max(200, 'too_long').optional(),
})
export type ServiceReport = z.infer<typeof serviceReportSchema>
