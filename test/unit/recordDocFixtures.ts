/** A case with every section filled, and two devices editing one case doc (recordDoc*.test.ts). */
import * as Y from 'yjs'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { readRecord, writeRecord } from '../../src/shared/caseSync/recordDoc'

const uuid = () => crypto.randomUUID()
export const NOW = new Date('2026-03-02T09:00:00Z')
const JANSEN = '0b7c3a52-7d2e-4c51-9a4e-2f1c6a3b9d01'
const SANNE = '0b7c3a52-7d2e-4c51-9a4e-2f1c6a3b9d02'

export function fullCase(): CaseRecord {
  const c = newCase(uuid(), 'wor', NOW)
  c.resident = { name: 'Anna de Vries', birthYear: 1950, municipality: 'Oss', village: 'Berghem', contact: '06 12345678' }
  c.consent = { given: true, purpose: 'Hulp bij eenzaamheid', scope: 'Het team van de casusregisseur', date: '2026-03-01', how: 'mondeling' }
  c.caseLead = 'Sanne'
  c.referral = {
    date: '2026-03-01',
    referrerType: 'huisarts',
    referralId: uuid(),
    fromGp: { reasons: ['eenzaamheid', 'geldzorgen'], note: 'Mevrouw is veel alleen.', domains: ['sociaal', 'geest'], urgency: 'gewoon', referrer: 'Dr. Jansen' },
  }
  c.questions = { wil: 'Ik wil weer mensen zien.', kan: 'Ik kan goed koken.', nodig: 'Ik heb vervoer nodig. 🚲' }
  c.lifeDomains = { wonen: { score: 3, wantsToTalk: true, note: 'Trap is lastig.' }, geldzaken: { score: 2, wantsToTalk: false } }
  c.strengths = 'Doorzetter, houdt van zingen.'
  c.network = [{ id: uuid(), name: 'Piet', relation: 'buurman', canDo: 'Boodschappen doen' }]
  c.steps = [
    { id: uuid(), what: 'Bellen met het koor', who: 'inwoner', done: false, when: '2026-03-10' },
    { id: uuid(), what: 'Rijdende Rechter? Nee: de Belastingdienst bellen', who: 'professional', whoName: 'Sanne', done: true },
  ]
  c.consultation = {
    date: '2026-03-05',
    place: 'Thuis',
    residentPresent: true,
    participants: [
      { id: JANSEN, name: 'Dr. Jansen', role: 'huisarts', organisation: 'Praktijk Oss', discipline: 'huisarts', phone: '0412 123456', consent: { purpose: 'Samenwerken aan het plan', date: '2026-03-05', recordedBy: 'Sanne', ownWords: false } },
      { id: SANNE, name: 'Sanne', role: 'casusregisseur', organisation: 'Welzijn Oss', discipline: 'sociaal-werk' },
    ],
    actions: [
      { id: uuid(), what: 'Schuldhulp regelen', owner: 'Sanne', ownerId: SANNE, due: '2026-04-01', done: false },
      { id: uuid(), what: 'Medicatie nakijken', owner: 'Dr. Jansen', ownerId: JANSEN, done: true },
    ],
    leadWithResident: 'Sanne',
    leadId: SANNE,
    organisation: 'Welzijn Oss',
    residentLinks: [{ id: uuid(), key: 'k'.repeat(43), manage: 'm'.repeat(43), createdAt: '2026-03-05T10:00:00.000Z', expiresOn: '2026-06-03', sent: 'digest' }],
    evaluationDate: '2026-06-01',
    evaluationHeldOn: '2026-05-28',
    escalation: 'Nog niet nodig.',
  }
  c.wor = {
    firstContactDate: '2026-03-02',
    intakeDate: '2026-03-04',
    broaderCheck: 'Eerst de schulden.',
    matchedServiceIds: [uuid(), uuid()],
    feedbackToGp: 'Mevrouw gaat naar het koor.',
    feedbackDate: '2026-03-20',
  }
  c.vg = { conversationDate: '2026-03-03', participants: 'Anna, haar dochter, Sanne', outcome: 'sociaal-domein', adviceToGp: 'Welzijn op Recept.' }
  c.sa = { informalCarer: 'Dochter', intakeDate: '2026-03-03', triage: 'arrangement', arrangementStartDate: '2026-03-04', outflowReason: 'zelfredzaam', outflowDate: '2026-09-01' }
  c.satisfaction = { start: 5, end: 8 }
  c.domainSnapshots = [{ date: '2026-03-02', scores: { wonen: 3, geldzaken: 2 } }]
  c.support = { before: ['Huisarts elke week'], after: ['Koor', 'Buurman'], beforeCategories: ['huisarts', 'schuldhulp'], afterCategories: ['vrijwilligers', 'eigen-netwerk'] }
  c.closedAt = '2026-09-01'
  c.closeReason = 'Doelen bereikt.'
  c.closeCategory = 'doel-bereikt'
  c.status = 'closed'
  c.method = {
    version: 1,
    step: 'wor-aanmelding',
    answers: { 'wor-contact-way': 'telefoon', 'sa-plan-partners': 'Huisarts en wijkteam.', 'wor-count': 3, 'wor-yes': true },
    essentials: { 'wor-first-contact': { state: 'met', on: '2026-03-02' }, 'wor-skip': { state: 'skipped', on: '2026-03-03', reason: 'Niet van toepassing.' } },
    retired: { answers: { 'old-answer@v1': 'oud' }, essentials: { 'old-mark@v1': { state: 'skipped', on: '2026-03-01', reason: 'Vervallen.' } } },
  }
  return c
}

/** A record read from the doc; fails the test when it does not validate. */
export function recordOf(doc: Y.Doc): CaseRecord {
  const r = readRecord(doc)
  if ('problems' in r) throw new Error(r.problems.join('; '))
  return r.record
}

/** The doc as it is, on a new device. */
export function copyDoc(doc: Y.Doc): Y.Doc {
  const other = new Y.Doc()
  Y.applyUpdateV2(other, Y.encodeStateAsUpdateV2(doc))
  return other
}

/** JSON with every object's keys sorted: two docs can list a map's keys in different orders. */
export function canonical(x: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([p], [q]) => (p < q ? -1 : 1)).map(([k, w]) => [k, sort(w)])) : v
  return JSON.stringify(sort(x))
}

/** The updates a doc makes from now on. */
export function recordUpdates(doc: Y.Doc): Uint8Array[] {
  const updates: Uint8Array[] = []
  doc.on('updateV2', (u: Uint8Array) => updates.push(u))
  return updates
}

/**
 * Two devices start from `base`, each edits its own copy offline, then each receives the other's
 * updates. Also a third and fourth device apply both sets in either order. All four must agree;
 * returns what they hold (validated or not).
 */
export function concurrently(base: CaseRecord, editA: (c: CaseRecord) => void, editB: (c: CaseRecord) => void) {
  const origin = new Y.Doc()
  writeRecord(origin, base)
  const [a, b] = [copyDoc(origin), copyDoc(origin)]
  const [fromA, fromB] = [recordUpdates(a), recordUpdates(b)]
  for (const [doc, edit] of [[a, editA], [b, editB]] as const) {
    const c = recordOf(doc)
    edit(c)
    writeRecord(doc, c)
  }
  const [ab, ba] = [copyDoc(origin), copyDoc(origin)]
  for (const u of [...fromA, ...fromB]) Y.applyUpdateV2(ab, u)
  for (const u of [...fromB, ...fromA]) Y.applyUpdateV2(ba, u)
  for (const u of fromB) Y.applyUpdateV2(a, u)
  for (const u of fromA) Y.applyUpdateV2(b, u)
  const results = [a, b, ab, ba].map((d) => canonical(readRecord(d)))
  return { results, merged: readRecord(a), docs: [a, b, ab, ba] }
}
