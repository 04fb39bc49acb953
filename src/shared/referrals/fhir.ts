/**
 * A referral as FHIR R4 for GP systems: a Bundle (collection) with the Patient, the ServiceRequest
 * and the Task that tracks it, in the shape of the HL7 Gravity SDOH Clinical Care guide
 * (ServiceRequest for the referral, Task for its fulfilment and the feedback). Made on a device that
 * can open the referral; the server never sees it. Mapping: docs/fhir-mapping.md.
 */
import { FHIR_BASE, INTERVENTION_SYSTEM } from '../kpi/measureReport'
import type { ListedReferral, ReferralContent, ReferralStatus } from './referral'
import { INTERVENTIONS } from '../interventions'

export const REASON_SYSTEM = `${FHIR_BASE}/CodeSystem/verwijsreden`
export const DOMAIN_4D_SYSTEM = `${FHIR_BASE}/CodeSystem/4d-domein`
const SDOHCC = 'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes'
const SDOH_CATEGORY: Record<string, string> = {
  eenzaamheid: 'social-connection',
  somberheid: 'stress',
  geldzorgen: 'financial-insecurity',
  wonen: 'housing-instability',
  'werk-dagbesteding': 'employment-status',
}
const TASK_STATUS: Record<ReferralStatus, string> = {
  verstuurd: 'requested',
  ontvangen: 'received',
  geaccepteerd: 'accepted',
  afgewezen: 'rejected',
  contact: 'in-progress',
  gesprek: 'in-progress',
  afgerond: 'completed',
}

export interface ReadableEvent {
  kind: string
  at: string
  note?: string
}

export function referralToFhir(r: Pick<ListedReferral, 'id' | 'intervention' | 'status' | 'sentAt' | 'firstContactDue' | 'receivingOrganisation' | 'senderOrganisation'>, c: ReferralContent, events: readonly ReadableEvent[]) {
  const patientId = `patient-${r.id}`
  const requestId = `servicerequest-${r.id}`
  const [given, ...rest] = c.patient.name.split(' ')
  const patient = {
    resourceType: 'Patient',
    id: patientId,
    name: [{ text: c.patient.name, ...(rest.length ? { family: rest.join(' '), given: [given!] } : {}) }],
    telecom: [...(c.patient.phone ? [{ system: 'phone', value: c.patient.phone }] : []), ...(c.patient.email ? [{ system: 'email', value: c.patient.email }] : [])],
    birthDate: String(c.patient.birthYear),
    address: [{ city: c.patient.municipality, country: 'NL' }],
  }
  const categories = [...new Set(c.reasons.map((x) => SDOH_CATEGORY[x] ?? 'sdoh-category-unspecified'))]
  const serviceRequest = {
    resourceType: 'ServiceRequest',
    id: requestId,
    identifier: [{ system: `${FHIR_BASE}/verwijzing`, value: r.id }],
    status: r.status === 'afgewezen' ? 'revoked' : r.status === 'afgerond' ? 'completed' : 'active',
    intent: 'order',
    category: categories.map((code) => ({ coding: [{ system: SDOHCC, code }] })),
    priority: c.urgency === 'snel' ? 'urgent' : 'routine',
    code: { coding: [{ system: INTERVENTION_SYSTEM, code: r.intervention, display: INTERVENTIONS[r.intervention].name }], text: INTERVENTIONS[r.intervention].name },
    orderDetail: c.domains.map((d) => ({ coding: [{ system: DOMAIN_4D_SYSTEM, code: d }] })),
    subject: { reference: `Patient/${patientId}` },
    authoredOn: r.sentAt,
    requester: { display: `${c.referrer.name}, ${c.referrer.organisation}` },
    performer: [{ display: r.receivingOrganisation.name }],
    reasonCode: c.reasons.map((x) => ({ coding: [{ system: REASON_SYSTEM, code: x }] })),
    note: [...(c.note ? [{ text: c.note }] : []), { text: `Toestemming van de patiënt gegeven op ${c.consent.date}.` }],
  }
  const last = events.at(-1)
  const outputs = events.filter((e) => e.note && (e.kind === 'bericht' || e.kind === 'afgerond'))
  const declined = events.find((e) => e.kind === 'afgewezen')
  const task = {
    resourceType: 'Task',
    id: `task-${r.id}`,
    status: TASK_STATUS[r.status],
    businessStatus: { text: r.status },
    ...(declined?.note ? { statusReason: { text: declined.note } } : {}),
    intent: 'order',
    focus: { reference: `ServiceRequest/${requestId}` },
    for: { reference: `Patient/${patientId}` },
    authoredOn: r.sentAt,
    lastModified: last?.at ?? r.sentAt,
    requester: { display: `${c.referrer.name}, ${r.senderOrganisation.name}` },
    owner: { display: r.receivingOrganisation.name },
    ...(r.firstContactDue ? { restriction: { period: { end: r.firstContactDue } } } : {}),
    output: outputs.map((e) => ({ type: { text: INTERVENTIONS[r.intervention].answersGpWith }, valueString: e.note! })),
  }
  const entry = (resource: { resourceType: string; id: string }) => ({ fullUrl: `${FHIR_BASE}/${resource.resourceType}/${resource.id}`, resource })
  return { resourceType: 'Bundle', id: `verwijzing-${r.id}`, type: 'collection', timestamp: new Date().toISOString(), entry: [entry(patient), entry(serviceRequest), entry(task)] }
}
