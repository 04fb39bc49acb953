import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import draft6 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' }
import { describe, expect, it } from 'vitest'
import { referralToFhir } from '../../src/shared/referrals/fhir'
import type { ReferralContent } from '../../src/shared/referrals/referral'

const schema = JSON.parse(readFileSync(new URL('../fixtures/fhir/fhir-r4-subset.schema.json', import.meta.url), 'utf8')) as { definitions: object }
const ajv = new Ajv({ strict: false, allErrors: true })
ajv.addMetaSchema(draft6)
ajv.addSchema(schema, 'fhir')
const bundle = ajv.getSchema('fhir#/definitions/Bundle')!
const byType = (t: string) => ajv.getSchema(`fhir#/definitions/${t}`)!

const content: ReferralContent = {
  intervention: 'vg',
  patient: { name: 'Geertruida Zonneveld', phone: '06 3141 5926', birthYear: 1948, municipality: 'Oss' },
  reasons: ['eenzaamheid', 'geldzorgen', 'geheugen'],
  note: 'Weinig buiten de deur',
  domains: ['sociaal', 'geest'],
  urgency: 'snel',
  consent: { given: true, date: '2026-11-20' },
  referrer: { name: 'Dokter Test', organisation: 'Praktijk De Linde' },
}
const meta = {
  id: '4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  intervention: 'vg' as const,
  status: 'afgerond' as const,
  sentAt: '2026-11-20T09:12:00.000Z',
  firstContactDue: null,
  senderOrganisation: { id: '5b2d6c3e-1f4a-4b5c-8d6e-7f8091a2b3c4', name: 'Praktijk De Linde' },
  receivingOrganisation: { id: '6c3e7d4f-2a5b-4c6d-9e7f-8091a2b3c4d5', name: 'Welzijn Oss' },
}

describe('a referral as FHIR R4', () => {
  it('is a valid Bundle with a Patient, a ServiceRequest and a Task in the Gravity shape', () => {
    const out = referralToFhir(meta, content, [
      { kind: 'geaccepteerd', at: '2026-11-21T10:00:00.000Z' },
      { kind: 'afgerond', at: '2026-11-28T10:00:00.000Z', note: 'Advies: aansluiten bij de wandelgroep; basis-GGZ niet nodig.' },
    ])
    expect(bundle(out), JSON.stringify(bundle.errors?.slice(0, 3))).toBe(true)
    for (const e of out.entry) expect(byType(e.resource.resourceType)(e.resource), `${e.resource.resourceType}: ${JSON.stringify(byType(e.resource.resourceType).errors?.slice(0, 2))}`).toBe(true)
    const [patient, request, task] = out.entry.map((e) => e.resource) as unknown as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]
    expect(patient).toMatchObject({ birthDate: '1948', telecom: [{ system: 'phone', value: '06 3141 5926' }] })
    expect(request).toMatchObject({ status: 'completed', intent: 'order', priority: 'urgent', subject: { reference: `Patient/${patient.id as string}` } })
    expect((request.category as { coding: { code: string }[] }[]).map((c) => c.coding[0]!.code)).toEqual(['social-connection', 'financial-insecurity', 'sdoh-category-unspecified'])
    expect(task).toMatchObject({ status: 'completed', focus: { reference: `ServiceRequest/${request.id as string}` }, output: [{ type: { text: 'advies' }, valueString: expect.stringContaining('wandelgroep') as string }] })
  })

  it('marks a declined referral as rejected, with the reason', () => {
    const out = referralToFhir({ ...meta, status: 'afgewezen' }, content, [{ kind: 'afgewezen', at: '2026-11-21T10:00:00.000Z', note: 'Past beter bij schuldhulp' }])
    const task = out.entry[2]!.resource as Record<string, unknown>
    expect(task).toMatchObject({ status: 'rejected', statusReason: { text: 'Past beter bij schuldhulp' } })
    expect(byType('Task')(task)).toBe(true)
    expect(byType('Task')({ ...task, status: 'afgewezen' })).toBe(false)
  })
})
