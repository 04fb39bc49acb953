/** Facts the app filters and displays on, derived from one HSDS service. Pure. */
import type { Address, Schedule, Service } from './hsds'
import { LIFE_DOMAIN_TAXONOMY, isLifeDomain, type LifeDomain } from './lifeDomains'
import { municipalityOf, type Municipality } from './places'

export function lifeDomainsOf(service: Service): LifeDomain[] {
  const out = new Set<LifeDomain>()
  for (const a of service.attributes ?? []) {
    const term = a.taxonomy_term
    if (term?.taxonomy === LIFE_DOMAIN_TAXONOMY && term.code && isLifeDomain(term.code)) out.add(term.code)
  }
  return [...out]
}

export function addressesOf(service: Service): Address[] {
  return (service.service_at_locations ?? []).flatMap((sal) => sal.location?.addresses ?? [])
}

export function placesOf(service: Service): { municipalities: Municipality[]; villages: string[] } {
  const municipalities = new Set<Municipality>()
  const villages = new Set<string>()
  for (const a of addressesOf(service)) {
    villages.add(a.city)
    const m = municipalityOf(a.region) ?? municipalityOf(a.city)
    if (m) municipalities.add(m)
  }
  return { municipalities: [...municipalities], villages: [...villages] }
}

/** Free when every known cost option costs nothing; unknown cost is not "free". */
export function isFree(service: Service): boolean {
  const options = service.cost_options ?? []
  return options.length > 0 && options.every((o) => (o.amount ?? 0) === 0)
}

export function attendanceOf(service: Service): { inPerson: boolean; online: boolean } {
  const types = (service.service_at_locations ?? []).map((s) => s.location?.location_type)
  return { inPerson: types.includes('physical'), online: types.includes('virtual') }
}

/** Every schedule of the service, wherever HSDS nests it. */
export function schedulesOf(service: Service): Schedule[] {
  return [
    ...(service.schedules ?? []),
    ...(service.service_at_locations ?? []).flatMap((s) => [...(s.schedules ?? []), ...(s.location?.schedules ?? [])]),
  ]
}

/** A text with the language it is written in (for a `lang` attribute). */
export interface LangText {
  text: string
  lang: string
}

type ServiceTextField = 'name' | 'description' | 'eligibility_description' | 'application_process' | 'fees_description' | 'alert' | 'wait_time'

/**
 * A field of a listing or one of its parts in the wanted language, from the `x_translations`
 * extension (docs/hsds-extensions.md), else the source text, which is Dutch. `en-GB` is found for
 * `en` and the other way round.
 */
export function textIn<F extends string>(
  part: { [K in F]?: unknown } & { x_translations?: Record<string, Partial<Record<F, string | undefined>>> },
  field: F,
  lang: string,
): LangText | undefined {
  if (lang !== 'nl' && part.x_translations) {
    const base = lang.split('-')[0]!
    const code = [lang, base, ...Object.keys(part.x_translations).filter((k) => k.split('-')[0] === base)].find((c) => part.x_translations![c]?.[field])
    const t = code ? part.x_translations[code]![field] : undefined
    if (t) return { text: t, lang: code! }
  }
  const original = part[field]
  return typeof original === 'string' && original ? { text: original, lang: 'nl' } : undefined
}

/** A service's text field in the wanted language, falling back to the original (Dutch). */
export function translatedText(service: Service, field: ServiceTextField, lang: string): LangText | undefined {
  return textIn(service as Service & { x_translations?: Record<string, Partial<Record<ServiceTextField, string>>> }, field, lang)
}

/** As translatedText, the text only. */
export function translated(service: Service, field: ServiceTextField, lang: string): string | undefined {
  return translatedText(service, field, lang)?.text
}

/** A listing not checked for twelve months is marked as possibly out of date. */
export function isStale(service: Service, today: string): boolean {
  if (!service.assured_date) return true
  const [y, m, d] = today.split('-').map(Number) as [number, number, number]
  const yearAgo = `${String(y - 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
  return service.assured_date < yearAgo
}
