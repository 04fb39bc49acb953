/**
 * N synthetic services for benchmarks: the example templates recombined with generated
 * compound words, so the vocabulary grows with N the way a real regional map's would.
 */
import type { Service } from '../../shared/socialMap/hsds'
import { MUNICIPALITIES, VILLAGES } from '../../shared/socialMap/places'
import { buildExampleMap } from './exampleMap'
import { pick, seededRandom, seededUuid } from './random'

const HEADS = ['hulp', 'groep', 'punt', 'huis', 'café', 'coach', 'maatje', 'spreekuur', 'cursus', 'training', 'club', 'kring', 'atelier', 'werkplaats', 'steun', 'zorg', 'team', 'lijn', 'loket', 'kamer']
const MODIFIERS = ['schuld', 'taal', 'buurt', 'geheugen', 'mantel', 'wandel', 'beweeg', 'ouder', 'jongeren', 'gezins', 'budget', 'energie', 'rouw', 'zang', 'kook', 'fiets', 'tuin', 'digi', 'woon', 'werk', 'geld', 'vrijwilligers', 'dementie', 'opvoed', 'sport', 'inloop', 'ontmoetings', 'levens', 'klussen', 'welzijns']
const SYLLABLES = ['ver', 'be', 'ont', 'ge', 'lan', 'del', 'bos', 'rijk', 'hof', 'berg', 'dal', 'meer', 'veld', 'kamp', 'wijk', 'stad', 'heem', 'ling', 'aar', 'ster', 'mond', 'horst', 'rode', 'dijk']

export function generateServices(n: number, seed = 42): Service[] {
  const rand = seededRandom(seed)
  const examples = buildExampleMap({ seed })
  const places = MUNICIPALITIES.flatMap((m) => VILLAGES[m].map((v) => [m, v] as const))
  const coined = () => Array.from({ length: 2 + Math.floor(rand() * 2) }, () => pick(rand, SYLLABLES)).join('')
  const out: Service[] = []
  for (let i = 0; i < n; i++) {
    const base = examples[i % examples.length]!
    const [municipality, village] = pick(rand, places)
    const modifier = pick(rand, MODIFIERS)
    const head = pick(rand, HEADS)
    const compound = modifier + head
    // Real maps write some of these apart ("Repair Café", "Alzheimer Café"): every other café here
    // is, so a search typed without the accent has whole words to find, not only compounds.
    // (Chosen by position, not by the random source, so every other generated field stays the same.)
    const written = head === 'café' && i % 2 === 0 ? `${modifier} Café` : compound
    const extra = Array.from({ length: 4 }, () => coined()).join(' ')
    const name = `${written.charAt(0).toUpperCase()}${written.slice(1)} ${coined()} ${village}`
    const sal = base.service_at_locations?.[0]
    const location = sal?.location
    out.push({
      ...base,
      id: seededUuid(rand),
      name,
      description: `${base.description ?? ''} ${extra} ${compound}.`,
      service_at_locations: location
        ? [{ ...sal, id: seededUuid(rand), location: { ...location, addresses: (location.addresses ?? []).map((a) => ({ ...a, city: village, region: municipality })) } }]
        : [],
    })
  }
  return out
}
