/**
 * The editable synonym list: a word people type → words the listings use.
 * Keys and values are plain lower-case words; folding happens when the index is built.
 */
export const SYNONYMS: Record<string, readonly string[]> = {
  geldproblemen: ['schulden', 'schuldhulp', 'geldzaken'],
  geldzorgen: ['schulden', 'schuldhulp', 'geldzaken'],
  schulden: ['schuldhulp', 'geldzaken'],
  eenzaam: ['eenzaamheid', 'ontmoeting'],
  alleen: ['eenzaamheid', 'ontmoeting'],
  somber: ['psychische', 'depressie', 'stemming'],
  depressie: ['somber', 'psychische'],
  dementie: ['geheugen', 'alzheimer'],
  geheugen: ['dementie'],
  wandelen: ['wandelgroep', 'wandeling'],
  bewegen: ['sport', 'wandelen', 'beweeg'],
  sport: ['bewegen'],
  mantelzorger: ['mantelzorg'],
  huiswerk: ['huiswerkbegeleiding'],
  koffie: ['inloop', 'ontmoeting'],
  taal: ['taalcafe', 'nederlands', 'taalles'],
  werk: ['dagbesteding', 'vrijwilligerswerk'],
  verslaving: ['alcohol', 'drugs', 'middelen'],
  repair: ['reparatie'],
}
