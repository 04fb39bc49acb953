/**
 * The example social map ("voorbeeldgegevens"): about 170 fictional services across the
 * five municipalities and their villages, covering every life domain. Deterministic:
 * the same seed and reference date give the same map, ids included.
 */
import type { Service } from '../../shared/socialMap/hsds'
import { LIFE_DOMAIN_NAMES, LIFE_DOMAIN_TAXONOMY, LIFE_DOMAIN_TERM_IDS } from '../../shared/socialMap/lifeDomains'
import { MUNICIPALITIES, VILLAGES, type Municipality } from '../../shared/socialMap/places'
import { fromDayNumber, toDayNumber } from '../../shared/core/dates'
import { pick, seededRandom, seededUuid } from './random'
import { STREETS, TEMPLATES, type ServiceTemplate } from './templates'
import { exampleRoom, exampleWaitTimeEn } from './exampleRoom'
import { postcodeOfVillage, VILLAGE_CENTROIDS } from '../../shared/socialMap/centroids'

const POSTCODES: Record<Municipality, string> = { Oss: '53', Maashorst: '54', Meierijstad: '54', Bernheze: '53', Boekel: '54' }
const VILLAGE_SERVICES_PER_TEMPLATE = 3
/** A location's accessibility note: current Dutch ("aangepast toilet", no longer "invalidetoilet"), with its English translation. */
const ACCESSIBLE = { nl: 'Rolstoeltoegankelijk, aangepast toilet aanwezig', en: 'Wheelchair accessible, accessible toilet available' }

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

export interface ExampleMapOptions {
  seed?: number
  /** Dates of one-off activities and checks are laid out around this day (YYYY-MM-DD). */
  referenceDate?: string
}

export function buildExampleMap(options: ExampleMapOptions = {}): Service[] {
  const rand = seededRandom(options.seed ?? 20_260_101)
  const reference = toDayNumber(options.referenceDate ?? '2026-11-01')
  const services: Service[] = []
  const organizations = new Map<string, { id: string; name: string }>()
  const otherVillages = MUNICIPALITIES.flatMap((m) => VILLAGES[m].slice(1).map((v) => [m, v] as const))
  let villageIndex = 0

  const orgFor = (name: string) => {
    let org = organizations.get(name)
    if (!org) {
      org = { id: seededUuid(rand), name }
      organizations.set(name, org)
    }
    return org
  }

  const make = (t: ServiceTemplate, municipality: Municipality, village: string): Service => {
    const fill = (s: string) => s.replaceAll('{plaats}', village).replaceAll('{gemeente}', municipality)
    const id = seededUuid(rand)
    const org = orgFor(fill(t.organization))
    const locationId = seededUuid(rand)
    const online = t.online === 'only'
    const number = `06 00${String(Math.floor(rand() * 1_000_000)).padStart(6, '0')}`
    const web = `https://${slug(org.name)}.example/${slug(fill(t.name))}`
    // Most listings were checked this year; about one in eight is older than twelve months.
    const checkedDaysAgo = rand() < 0.125 ? 400 + Math.floor(rand() * 300) : Math.floor(rand() * 300)
    const schedules = schedulesFor(t, reference, rand)
    const physical = {
      id: locationId,
      location_type: 'physical' as const,
      name: `${pick(rand, ['Buurthuis', 'Dorpshuis', 'Wijkcentrum', 'Ontmoetingscentrum'])} ${village}`,
      addresses: [
        {
          id: seededUuid(rand),
          address_1: `${pick(rand, STREETS)} ${1 + Math.floor(rand() * 60)}`,
          city: village,
          region: municipality,
          state_province: 'Noord-Brabant',
          postal_code: postalCode(municipality, village, rand()),
          country: 'NL',
          address_type: 'physical',
        },
      ],
      ...spotIn(village, locationId),
      accessibility: rand() < 0.7 ? [{ id: seededUuid(rand), description: ACCESSIBLE.nl, x_translations: { en: { description: ACCESSIBLE.en } } }] : [],
    }
    const virtual = { id: seededUuid(rand), location_type: 'virtual' as const, name: 'Online', url: web }
    const locations = online ? [virtual] : t.online === 'also' ? [physical, virtual] : [physical]
    const keywords = t.keywords ?? []
    return {
      id,
      organization_id: org.id,
      name: fill(t.name),
      description: fill(t.description),
      url: web,
      email: `info@${slug(org.name)}.example`,
      status: 'active',
      ...(t.application ? { application_process: t.application } : {}),
      ...(t.minAge !== undefined ? { minimum_age: t.minAge } : {}),
      ...(t.maxAge !== undefined ? { maximum_age: t.maxAge } : {}),
      assured_date: fromDayNumber(reference - checkedDaysAgo),
      last_modified: new Date((reference - checkedDaysAgo) * 86_400_000).toISOString(),
      phones: [{ id: seededUuid(rand), number, type: 'voice' }],
      schedules,
      service_at_locations: locations.map((location) => ({ id: seededUuid(rand), service_id: id, location_id: location.id, location })),
      languages: [
        { id: seededUuid(rand), name: 'Nederlands', code: 'nl' },
        ...(rand() < 0.3 ? [{ id: seededUuid(rand), name: 'Engels', code: 'en' }] : []),
      ],
      organization: { id: org.id, name: org.name, description: `${org.name} (voorbeeldorganisatie)` },
      cost_options:
        t.cost === undefined
          ? []
          : [
              {
                id: seededUuid(rand),
                option: t.cost === 0 ? 'Gratis' : 'Eigen bijdrage',
                currency: 'EUR',
                amount: t.cost,
                amount_description: t.cost === 0 ? 'gratis' : 'per keer',
                x_translations: { en: t.cost === 0 ? { option: 'Free', amount_description: 'free' } : { option: 'Contribution', amount_description: 'each time' } },
              },
            ],
      attributes: [
        ...t.domains.map((d) => ({
          id: seededUuid(rand),
          taxonomy_term_id: LIFE_DOMAIN_TERM_IDS[d],
          link_entity: 'service',
          taxonomy_term: { id: LIFE_DOMAIN_TERM_IDS[d], code: d, name: LIFE_DOMAIN_NAMES[d], description: `Levensdomein ${LIFE_DOMAIN_NAMES[d]}`, taxonomy: LIFE_DOMAIN_TAXONOMY },
        })),
        ...keywords.map((k) => ({ id: seededUuid(rand), link_entity: 'service', link_type: 'keyword', value: k })),
      ],
      x_translations: { en: { name: fill(t.en), description: fill(t.enDescription), ...exampleWaitTimeEn(t.name) } },
      ...exampleRoom(t.name, id, fill(t.name), fromDayNumber(reference)),
    }
  }

  for (const t of TEMPLATES) {
    if (t.online === 'only') {
      services.push(make(t, 'Oss', 'Oss'))
    } else if (t.scope === 'town') {
      for (const m of MUNICIPALITIES) services.push(make(t, m, VILLAGES[m][0]!))
    } else {
      for (let k = 0; k < VILLAGE_SERVICES_PER_TEMPLATE; k++) {
        const [m, v] = otherVillages[villageIndex++ % otherVillages.length]!
        services.push(make(t, m, v))
      }
      // Every main town has the village activities too.
      for (const m of MUNICIPALITIES) services.push(make(t, m, VILLAGES[m][0]!))
    }
  }
  return services
}

/** The village's (or its nearest neighbour's) PC4; the draw is made either way, so ids stay as they were. */
function postalCode(municipality: Municipality, village: string, draw: number): string {
  const pc4 = postcodeOfVillage(village) ?? Number(`${POSTCODES[municipality]}${String(10 + Math.floor(draw * 89))}`)
  return `${pc4} ZZ`
}

/**
 * A plausible spot in the village: its centre moved up to ~600 m by a hash of the location id
 * (not the seeded stream, which would shift every id after it).
 */
function spotIn(village: string, locationId: string): { latitude: number; longitude: number } | Record<string, never> {
  const centre = VILLAGE_CENTROIDS[village]
  if (!centre) return {}
  const a = parseInt(locationId.slice(0, 4), 16) / 0xffff - 0.5
  const b = parseInt(locationId.slice(4, 8), 16) / 0xffff - 0.5
  const round = (x: number) => Math.round(x * 1e5) / 1e5
  return { latitude: round(centre.lat + a * 0.011), longitude: round(centre.lon + b * 0.017) }
}

function schedulesFor(t: ServiceTemplate, reference: number, rand: () => number): Service['schedules'] {
  const r = t.recurrence
  if (!r) return []
  const base = { valid_from: fromDayNumber(reference - 365), opens_at: r.opens, closes_at: r.closes }
  if ('once' in r) {
    return r.once.map((offset) => ({ id: seededUuid(rand), dtstart: fromDayNumber(reference + offset), count: 1, freq: 'WEEKLY' as const, opens_at: r.opens, closes_at: r.closes }))
  }
  if ('hours' in r) return [{ id: seededUuid(rand), ...base, freq: 'WEEKLY' as const, byday: r.hours }]
  if (r.freq === 'WEEKLY') {
    return [{ id: seededUuid(rand), ...base, freq: 'WEEKLY' as const, byday: r.byday, ...(r.interval ? { interval: r.interval, dtstart: fromDayNumber(reference - 7 * 10 - ((reference + 3) % 7)) } : {}) }]
  }
  return [{ id: seededUuid(rand), ...base, freq: 'MONTHLY' as const, byday: r.byday }]
}
