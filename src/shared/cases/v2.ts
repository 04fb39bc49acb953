/**
 * The case record, version 2: version 1 (v1.ts) with its place in the method (docs/method.md).
 * The fixed fields counting and the server rely on (dates of referral, inclusion, completion;
 * pathway; municipality; referrer type; consent) stay where version 1 had them; what the method
 * adds lives in `method`, by the stable ids of the method definition.
 *
 * `currentStep` is gone: where a case stands follows from its essentials (`method.step`, written
 * when an essential changes), never from which step tab was opened.
 */
import { z } from 'zod'
import { isoDate } from '../core/dates'
import type { InterventionId } from '../interventions'
import { methodIdSchema, type MethodDefinition } from '../method/definition'
import { currentStepOf } from '../method/progress'
import { BUNDLED_METHOD } from '../method/sigMethod'
import { caseRecordV1Schema, type CaseRecordV1 } from './v1'

export * from './v1'

const answerSchema = z.union([z.string().max(5_000), z.number().finite(), z.boolean()])
const essentialMarkSchema = z
  .strictObject({ state: z.enum(['met', 'skipped']), on: isoDate, reason: z.string().max(1_000).optional() })
  .refine((m) => m.state !== 'skipped' || !!m.reason?.trim(), { message: 'a skipped essential needs a reason', path: ['reason'] })
const answersSchema = z.record(methodIdSchema, answerSchema).refine((r) => Object.keys(r).length <= 500, 'too many answers')
const marksSchema = z.record(methodIdSchema, essentialMarkSchema).refine((r) => Object.keys(r).length <= 500, 'too many essentials')
/** Kept aside by a migration: `<id>@v<version>` (migrate.ts asideKey). */
const asideId = z.string().regex(/^[a-z][a-z0-9-]{1,47}@v[0-9]{1,6}$/)
const asideAnswersSchema = z.record(asideId, answerSchema).refine((r) => Object.keys(r).length <= 500, 'too many answers kept aside')
const asideMarksSchema = z.record(asideId, essentialMarkSchema).refine((r) => Object.keys(r).length <= 500, 'too many essentials kept aside')

export const caseMethodSchema = z.strictObject({
  /** The method version the case is worked under. */
  version: z.number().int().min(1),
  /** Where the case stands: the first step whose essentials are not all met or skipped. */
  step: methodIdSchema,
  answers: answersSchema,
  essentials: marksSchema,
  /** Kept aside by a migration (migrate.ts): an answer that could not land, an essential no longer asked. */
  retired: z.strictObject({ answers: asideAnswersSchema, essentials: asideMarksSchema }).optional(),
})

export const caseRecordV2Schema = z.strictObject({ ...caseRecordV1Schema.omit({ currentStep: true, schemaVersion: true }).shape, schemaVersion: z.literal(2), method: caseMethodSchema })
export type CaseRecordV2 = z.infer<typeof caseRecordV2Schema>
export type CaseRecord = CaseRecordV2
export const caseRecordSchema = caseRecordV2Schema
export type Step = CaseRecord['steps'][number]
/** The samenwerkoverleg as recorded in a case. */
export type CaseConsultation = NonNullable<CaseRecord['consultation']>
/** The samenwerkplan: which actions, who does each, who holds the lead with the resident, when it is evaluated (domain.md). */
export type JointPlan = Pick<CaseConsultation, 'actions' | 'leadWithResident' | 'evaluationDate'>

/**
 * A version-1 case under method version 1: nothing it held is dropped; where it stands is worked
 * out from its data (the v1 `currentStep` was moved by merely opening a tab, so it is not kept).
 */
export function upgradeV1(c: CaseRecordV1, definition: MethodDefinition = BUNDLED_METHOD): CaseRecordV2 {
  const rest: Partial<CaseRecordV1> = { ...c }
  delete rest.currentStep
  const method = { version: definition.version, step: '', answers: {}, essentials: {} }
  const upgraded = { ...rest, schemaVersion: 2, method } as CaseRecordV2
  method.step = currentStepOf(definition, upgraded).id
  return upgraded
}

/** Any stored case (version 1 or 2), read as the current version. */
export const storedCaseRecordSchema = z.union([caseRecordV2Schema, caseRecordV1Schema.transform((c) => upgradeV1(c))])

export function newCase(idValue: string, pathway: InterventionId, now: Date, definition: MethodDefinition = BUNDLED_METHOD): CaseRecord {
  const stamp = now.toISOString()
  const c: CaseRecord = {
    id: idValue,
    schemaVersion: 2,
    createdAt: stamp,
    updatedAt: stamp,
    pathway,
    status: 'open',
    resident: { name: '' },
    questions: { wil: '', kan: '', nodig: '' },
    lifeDomains: {},
    strengths: '',
    network: [],
    steps: [],
    satisfaction: {},
    ...(pathway === 'wor' ? { wor: { matchedServiceIds: [] } } : {}),
    method: { version: definition.version, step: definition.pathways[pathway].steps[0]!.id, answers: {}, essentials: {} },
  }
  return c
}
