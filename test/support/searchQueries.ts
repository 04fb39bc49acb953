/**
 * The search quality query sets over the example map (src/server/seed/exampleMap.ts), kept as
 * fixtures in test/fixtures/searchQueries.{tuning,heldout}.json. Each item: a query as a resident
 * or professional types it, optionally the village (kern) the search is filtered to (as the search
 * page's Plaats filter does), and the ids of the services that answer it, with their names beside
 * them so a reader (and the test) can see which listings are meant.
 *
 * The held-out set was written before any ranking change and is never tuned on (docs/search.md).
 * When the example map's ids change, regenerate the JSON (the specs below stay):
 *   npx tsx test/support/searchQueries.ts
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import type { Service } from '../../src/shared/socialMap/hsds'
import { placesOf } from '../../src/shared/socialMap/serviceFacts'

export interface QueryItem {
  query: string
  /** The village the search is filtered to; absent: the whole region. */
  kern?: string
  /** Service ids that answer the query. */
  expected: string[]
  /** Their names, for the reader; the test checks they belong to the ids. */
  names: string[]
}

/** [query, kern or '' for the whole region, template names (without the place) that answer it]. */
type Spec = [string, string, string[]]

// Written before tuning; not tuned on.
const HELD_OUT: Spec[] = [
  ['ik kan mijn brieven niet lezen', 'Oss', ['Formulierenhulp', 'Sociaal raadslieden']],
  ['eenzaam', 'Uden', ['Maatjesproject tegen eenzaamheid', 'Koffie-inloop']],
  ['geldzorgen', 'Veghel', ['Schuldhulp Maatje', 'Schuldhulpverlening gemeente']],
  ['wandelen', 'Boekel', ['Wandelgroep']],
  ['ik voel me alleen', 'Oss', ['Maatjesproject tegen eenzaamheid', 'Koffie-inloop']],
  ['schulden', 'Uden', ['Schuldhulp Maatje', 'Schuldhulpverlening gemeente']],
  ['ik kom niet rond', 'Veghel', ['Voedselbank uitgiftepunt']],
  ['mijn moeder wordt vergeetachtig', 'Heesch', ['Ontmoetingscentrum dementie', 'Alzheimer Café', 'Geheugenkoor']],
  ['ik zorg voor mijn vader', 'Boekel', ['Mantelzorgsteunpunt', 'Lotgenotengroep mantelzorgers']],
  ['ruzie met de buren', 'Oss', ['Buurtbemiddeling']],
  ['hoge energierekening', 'Uden', ['Energiecoach']],
  ['ik kan de huur niet betalen', 'Veghel', ['Wooncoach']],
  ['computerles', 'Heesch', ['Digicafé']],
  ['nederlands leren', 'Boekel', ['Taalcafé']],
  ['scheiding', 'Oss', ['Hulp bij scheiden']],
  ['vrijwilligerswerk zoeken', 'Uden', ['Vrijwilligerscentrale']],
  ['ik ben somber', 'Veghel', ['Welzijn op Recept']],
  ['iemand verloren', 'Heesch', ['Rouwgroep', 'Levensvragen en zingeving']],
  ['te veel drinken', 'Boekel', ['Spreekuur alcohol en drugs']],
  ['niet veilig thuis', 'Oss', ['Advies bij huiselijk geweld']],
  ['samen koken en eten', 'Uden', ['Samen eten']],
  ['hulp bij huiswerk', 'Veghel', ['Huiswerkbegeleiding']],
  ['bewegen voor ouderen', 'Heesch', ['Stoelyoga en ouderengym', 'Wandelgroep']],
  ['tuinieren', 'Boekel', ['Buurtmoestuin']],
  ['gestrest', 'Oss', ['Training omgaan met stress']],
  ['kapotte fiets', 'Uden', ['Repair Café']],
  ['voedselpakket', 'Veghel', ['Voedselbank uitgiftepunt']],
  ['opvoeding', 'Heesch', ['Opvoedspreekuur']],
  ['belastingaangifte', 'Boekel', ['Formulierenhulp']],
  ['bezwaar maken tegen een boete', 'Oss', ['Sociaal raadslieden']],
  ['zingen', 'Uden', ['Geheugenkoor']],
  ['dagbesteding', 'Veghel', ['Dagbesteding De Werkplaats']],
  ['wandelgroepen', 'Heesch', ['Wandelgroep']],
  ['gevlucht naar nederland', 'Oss', ['Spreekuur nieuwkomers']],
  ['budgetteren', 'Boekel', ['Cursus Grip op je geld']],
  ['mantelzorger overbelast', 'Veghel', ['Mantelzorgsteunpunt']],
  ['armoede', 'Uden', ['Voedselbank uitgiftepunt']],
  ['wandelgroep uden', '', ['Wandelgroep']],
  ['koffie drinken in boekel', '', ['Koffie-inloop']],
  ['hulp bij formulieren veghel', '', ['Formulierenhulp']],
]

// May be tuned on.
const TUNING: Spec[] = [
  ['hulp bij post', 'Oss', ['Formulierenhulp', 'Schuldhulp Maatje']],
  ['wandelgroep oss', '', ['Wandelgroep']],
  ['eenzaamheid', 'Heesch', ['Maatjesproject tegen eenzaamheid', 'Koffie-inloop']],
  ['geldproblemen', 'Boekel', ['Schuldhulp Maatje', 'Schuldhulpverlening gemeente']],
  ['ik kan mijn rekeningen niet betalen', 'Uden', ['Schuldhulp Maatje', 'Schuldhulpverlening gemeente']],
  ['formulier invullen', 'Veghel', ['Formulierenhulp']],
  ['toeslagen aanvragen', 'Heesch', ['Formulierenhulp']],
  ['wandelingen', 'Boekel', ['Wandelgroep']],
  ['ik ben vaak alleen', 'Oss', ['Maatjesproject tegen eenzaamheid', 'Koffie-inloop']],
  ['dementie', 'Uden', ['Ontmoetingscentrum dementie', 'Alzheimer Café', 'Geheugenkoor']],
  ['geheugenproblemen', 'Veghel', ['Geheugenkoor', 'Ontmoetingscentrum dementie', 'Alzheimer Café']],
  ['mantelzorg', 'Heesch', ['Mantelzorgsteunpunt', 'Lotgenotengroep mantelzorgers']],
  ['burenruzie', 'Boekel', ['Buurtbemiddeling']],
  ['overlast van de buren', 'Oss', ['Buurtbemiddeling']],
  ['energie besparen', 'Uden', ['Energiecoach']],
  ['huurachterstand', 'Veghel', ['Wooncoach']],
  ['digid', 'Heesch', ['Digicafé', 'Formulierenhulp']],
  ['hulp met mijn telefoon', 'Boekel', ['Digicafé']],
  ['taalles', 'Oss', ['Taalcafé']],
  ['uit elkaar gaan', 'Uden', ['Hulp bij scheiden']],
  ['vrijwilliger worden', 'Veghel', ['Vrijwilligerscentrale']],
  ['depressie', 'Heesch', ['Welzijn op Recept']],
  ['rouw', 'Boekel', ['Rouwgroep', 'Levensvragen en zingeving']],
  ['gokken', 'Oss', ['Spreekuur alcohol en drugs']],
  ['huiselijk geweld', 'Uden', ['Advies bij huiselijk geweld']],
  ['warme maaltijd', 'Veghel', ['Samen eten']],
  ['bijles', 'Heesch', ['Huiswerkbegeleiding']],
  ['sporten', 'Boekel', ['Stoelyoga en ouderengym']],
  ['moestuin', 'Oss', ['Buurtmoestuin']],
  ['stress', 'Uden', ['Training omgaan met stress']],
  ['iets repareren', 'Veghel', ['Repair Café']],
  ['voedselbank', 'Heesch', ['Voedselbank uitgiftepunt']],
  ['ruzie met mijn kinderen', 'Boekel', ['Opvoedspreekuur']],
  ['juridisch advies', 'Oss', ['Sociaal raadslieden']],
  ['koor', 'Uden', ['Geheugenkoor']],
  ['statushouder', 'Veghel', ['Spreekuur nieuwkomers']],
  ['taalcafe heesch', '', ['Taalcafé']],
  ['huisuitzetting', 'Boekel', ['Wooncoach']],
]

const templateOf = (s: Service) => {
  const v = placesOf(s).villages[0]
  return v && s.name.endsWith(` ${v}`) ? s.name.slice(0, -v.length - 1) : s.name
}

/** For a query without kern, the place is the query's last word(s): every instance there answers it. */
function resolve(map: Service[], [query, kern, templates]: Spec): QueryItem {
  const lastWord = query.split(' ').at(-1)!.toLowerCase()
  const inPlace = (s: Service) => {
    const p = placesOf(s)
    if (kern) return p.villages.includes(kern)
    return [...p.villages, ...p.municipalities].some((x) => x.toLowerCase() === lastWord)
  }
  const hits = map.filter((s) => inPlace(s) && templates.includes(templateOf(s)))
  const missing = templates.filter((t) => !hits.some((s) => templateOf(s) === t))
  if (missing.length) throw new Error(`${query}: no ${missing.join(', ')} in ${kern || lastWord}`)
  if (hits.length > 5) throw new Error(`${query}: ${hits.length} expected services cannot all be in a top 5`)
  return { query, ...(kern ? { kern } : {}), expected: hits.map((s) => s.id), names: hits.map((s) => s.name) }
}

if (import.meta.filename === process.argv[1]) {
  const map = buildExampleMap({ referenceDate: '2026-11-01' })
  for (const [file, specs] of [['searchQueries.heldout.json', HELD_OUT], ['searchQueries.tuning.json', TUNING]] as const) {
    const items = specs.map((s) => resolve(map, s))
    writeFileSync(join(import.meta.dirname, '..', 'fixtures', file), JSON.stringify(items, null, 1) + '\n')
    console.log(file, items.length)
  }
}
