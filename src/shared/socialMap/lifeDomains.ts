/**
 * Life domains: our own neutral list (domain.md), not the copyrighted item texts of
 * validated instruments. In HSDS they travel as taxonomy terms of the taxonomy below.
 */
export const LIFE_DOMAIN_TAXONOMY = 'sig-levensdomein'

export const LIFE_DOMAINS = [
  'geldzaken',
  'werk-en-dagbesteding',
  'wonen',
  'relaties-en-thuis',
  'psychische-gezondheid',
  'lichamelijke-gezondheid',
  'verslaving',
  'zelfzorg-en-huishouden',
  'sociaal-netwerk',
  'meedoen',
  'zingeving',
  'veiligheid-en-justitie',
  'mantelzorg',
] as const
export type LifeDomain = (typeof LIFE_DOMAINS)[number]

/** Dutch display names, used as HSDS taxonomy term names and as search words. */
export const LIFE_DOMAIN_NAMES: Record<LifeDomain, string> = {
  geldzaken: 'Geldzaken',
  'werk-en-dagbesteding': 'Werk en dagbesteding',
  wonen: 'Wonen',
  'relaties-en-thuis': 'Relaties en thuis',
  'psychische-gezondheid': 'Psychische gezondheid',
  'lichamelijke-gezondheid': 'Lichamelijke gezondheid',
  verslaving: 'Verslaving en middelen',
  'zelfzorg-en-huishouden': 'Zelfzorg en huishouden',
  'sociaal-netwerk': 'Sociaal netwerk',
  meedoen: 'Meedoen',
  zingeving: 'Zingeving',
  'veiligheid-en-justitie': 'Veiligheid en justitie',
  mantelzorg: 'Mantelzorg',
}

/** Stable taxonomy-term ids, so every export names a domain the same way. */
export const LIFE_DOMAIN_TERM_IDS: Record<LifeDomain, string> = Object.fromEntries(
  LIFE_DOMAINS.map((d, i) => [d, `5a1d0000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`]),
) as Record<LifeDomain, string>

export function isLifeDomain(value: string): value is LifeDomain {
  return (LIFE_DOMAINS as readonly string[]).includes(value)
}
