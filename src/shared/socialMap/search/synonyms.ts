/**
 * The editable need table: a word (or two-word phrase) people type → words the listings use.
 * Written from everyday wording of needs across the life domains and from the tuning query set
 * (test/fixtures/searchQueries.tuning.json), never from the held-out set (docs/search.md).
 * Keys and values are plain lower-case words; folding happens when the index is built.
 * A key is also looked up by its stem, so "schulden" and "schuld" share an entry.
 */
export const SYNONYMS: Record<string, readonly string[]> = {
  // Geldzaken and administration
  post: ['brieven', 'formulieren', 'administratie', 'rekeningen'],
  brief: ['post', 'formulieren', 'administratie'],
  brieven: ['post', 'formulieren', 'administratie'],
  formulier: ['formulieren', 'administratie'],
  administratie: ['formulieren', 'brieven', 'post'],
  rekening: ['schulden', 'geldzaken', 'post'],
  rekeningen: ['schulden', 'geldzaken', 'post'],
  geld: ['geldzaken', 'geldzorgen', 'budget'],
  geldproblemen: ['schulden', 'schuldhulp', 'geldzaken'],
  geldzorgen: ['schulden', 'schuldhulp', 'geldzaken'],
  schulden: ['schuldhulp', 'schuldhulpverlening', 'geldzaken'],
  energie: ['energierekening', 'energiecoach'],
  huur: ['huurachterstand', 'wooncoach'],
  huurachterstand: ['huur', 'huisuitzetting'],
  juridisch: ['rechtshulp', 'raadslieden'],
  // Sociaal netwerk, meedoen
  eenzaam: ['eenzaamheid', 'ontmoeting', 'maatje'],
  eenzaamheid: ['eenzaam', 'ontmoeting'],
  alleen: ['eenzaamheid', 'eenzaam', 'ontmoeting'],
  ontmoeten: ['ontmoeting'],
  koffie: ['inloop', 'ontmoeting'],
  taal: ['taalcafe', 'nederlands', 'taalles'],
  taalles: ['taal', 'taalcafe', 'nederlands'],
  vrijwilliger: ['vrijwilligerswerk', 'vrijwilligerscentrale'],
  werk: ['dagbesteding', 'vrijwilligerswerk'],
  statushouder: ['statushouders', 'nieuwkomers', 'inburgering', 'vluchtelingen'],
  vluchteling: ['nieuwkomers', 'statushouders', 'inburgering'],
  telefoon: ['digitaal', 'computer', 'digicafe'],
  computer: ['digitaal', 'internet', 'digicafe'],
  digid: ['digitaal'],
  repair: ['reparatie'],
  // Psychische en lichamelijke gezondheid, zingeving
  somber: ['somberheid', 'psychische', 'depressie', 'stemming'],
  depressie: ['somber', 'somberheid', 'psychische'],
  depressief: ['somber', 'somberheid', 'psychische'],
  stress: ['spanning', 'ontspanning'],
  dementie: ['geheugen', 'alzheimer'],
  geheugen: ['dementie'],
  rouw: ['rouwgroep', 'verlies', 'overleden'],
  overleden: ['rouw', 'verlies'],
  wandelen: ['wandelgroep', 'wandeling'],
  bewegen: ['sport', 'wandelen', 'beweeg', 'gym'],
  sport: ['bewegen', 'gym'],
  verslaving: ['alcohol', 'drugs', 'middelen', 'gokken'],
  // Relaties en thuis, mantelzorg, wonen, veiligheid
  mantelzorger: ['mantelzorg'],
  huiswerk: ['huiswerkbegeleiding'],
  bijles: ['huiswerk', 'huiswerkbegeleiding'],
  scheiding: ['scheiden', 'echtscheiding'],
  'uit elkaar': ['scheiden', 'echtscheiding'],
  buren: ['buurtbemiddeling', 'burenruzie', 'overlast'],
  burenruzie: ['buurtbemiddeling', 'buren'],
  geweld: ['huiselijk', 'veilig'],
  eten: ['maaltijd'],
  maaltijd: ['eten'],
  tuin: ['tuinieren', 'moestuin'],
  moestuin: ['tuin', 'tuinieren'],
}
