/**
 * What kind of provider a listing has, as an HSDS attribute of our taxonomy `sig-aanbodsoort`
 * (docs/hsds-extensions.md). One term so far: a burgerinitiatief, an activity residents organise
 * themselves (docs/initiatives.md). No Zod here: the start page's list reads it.
 */
import type { Service } from './hsds'

export const PROVIDER_KIND_TAXONOMY = 'sig-aanbodsoort'
export const INITIATIVE_TERM = {
  id: '5a1d0002-0000-4000-8000-000000000001',
  code: 'burgerinitiatief',
  name: 'Burgerinitiatief',
  description: 'Een activiteit die inwoners zelf organiseren, nagekeken door de redactie van de sociale kaart.',
  taxonomy: PROVIDER_KIND_TAXONOMY,
} as const

export function isInitiative(service: Service): boolean {
  return (service.attributes ?? []).some((a) => a.taxonomy_term?.taxonomy === PROVIDER_KIND_TAXONOMY && a.taxonomy_term.code === INITIATIVE_TERM.code)
}
