/**
 * The method as data (docs/method.md): each intervention's steps, what each step is for, what to
 * ask, the fields that belong to it and its essentials. The region's programme office publishes
 * a new version in the app; phones receive it like a map update. Validated with Zod on the server
 * (publish) and on the phone (download, stored copy).
 *
 * Two kinds of fields:
 * - core fields: the case schema's fixed fields that counting and the server rely on (dates of
 *   referral, inclusion and completion, pathway, municipality, referrer type, consent) and the
 *   parts the app renders itself (the three questions, life domains, network, small steps, the
 *   samenwerkoverleg…). A step places them with `{ core: <block> }`; the definition cannot
 *   change what they mean.
 * - method fields: what the method adds, `{ field: {...} }`, stored in the case under the field's
 *   stable id (`method.answers[id]`).
 */
import { z } from 'zod'
import { INTERVENTION_IDS, type InterventionId } from '../interventions'

export const METHOD_FORMAT = 'sig-method' as const

/** Every text in Dutch (B1) and English. */
export const methodTextSchema = z.strictObject({
  nl: z.string().trim().min(1, 'Dutch text is empty').max(600),
  en: z.string().trim().min(1, 'English text is empty').max(600),
})
export type MethodText = z.infer<typeof methodTextSchema>

/** Stable ids: lower case, digits and dashes; they are stored in cases, so they never change meaning. */
export const methodIdSchema = z.string().regex(/^[a-z][a-z0-9-]{1,47}$/, 'use lower case letters, digits and dashes (2–48)')

/**
 * The parts of a case the app renders itself. Each stands for fixed fields of the case schema
 * (src/shared/cases/v2.ts); CORE_FIELDS lists what a condition may read.
 */
export const CORE_BLOCKS = [
  'referral', // what the GP wrote; referral date and referrer type
  'resident', // name, birth year, municipality, contact, case lead
  'consent',
  'questions', // wil / kan / nodig, in the resident's own words
  'lifeDomains', // a score per life domain
  'lifeDomainPicture', // baseline against now, the societal return
  'network', // strengths and the people around the resident
  'smallSteps',
  'activityMatch', // WoR: activities from the social map
  'gpMessage', // the one message back to the GP (feedback or advice)
  'consultation', // the samenwerkoverleg and its samenwerkplan
  'close', // satisfaction, reason, closing
  'wor.firstContactDate',
  'wor.intakeDate',
  'wor.broaderCheck',
  'wor.feedbackDate',
  'vg.conversationDate',
  'vg.participants',
  'vg.outcome',
  'sa.informalCarer',
  'sa.intakeDate',
  'sa.triage',
  'sa.arrangementStartDate',
  'sa.outflowReason',
  'sa.outflowDate',
] as const
export type CoreBlock = (typeof CORE_BLOCKS)[number]

/** Fixed case fields a condition may read (paths into the case record). */
export const CORE_FIELDS = [
  'referral.date',
  'referral.referrerType',
  'consent.given',
  'consent.date',
  'consent.purpose',
  'resident.name',
  'resident.municipality',
  'resident.contact',
  'caseLead',
  'questions.wil',
  'questions.kan',
  'questions.nodig',
  'lifeDomains',
  'strengths',
  'network',
  'steps',
  'wor.firstContactDate',
  'wor.intakeDate',
  'wor.broaderCheck',
  'wor.matchedServiceIds',
  'wor.feedbackToGp',
  'wor.feedbackDate',
  'vg.conversationDate',
  'vg.participants',
  'vg.outcome',
  'vg.adviceToGp',
  'sa.informalCarer',
  'sa.intakeDate',
  'sa.triage',
  'sa.arrangementStartDate',
  'sa.outflowReason',
  'sa.outflowDate',
  'consultation.date',
  'consultation.residentPresent',
  'consultation.participants',
  'consultation.actions',
  'consultation.leadWithResident',
  'consultation.evaluationDate',
  'satisfaction.start',
  'satisfaction.end',
  'support.before',
  'support.after',
  'status',
  'closedAt',
  'closeReason',
] as const
export type CoreField = (typeof CORE_FIELDS)[number]

/** A condition reads a core field or a method field's answer (`answers.<field id>`). */
export const fieldRefSchema = z.union([z.enum(CORE_FIELDS), z.string().regex(/^answers\.[a-z][a-z0-9-]{1,47}$/, 'a core field or answers.<field id>')])
export type FieldRef = z.infer<typeof fieldRefSchema>

export const conditionSchema = z.union([
  /** The field holds something: text that is not blank, a date, a number, true, a non-empty list. */
  z.strictObject({ filled: fieldRefSchema }),
  /** The field holds exactly this value. */
  z.strictObject({ equals: fieldRefSchema, value: z.union([z.string().max(200), z.boolean(), z.number()]) }),
])
export type Condition = z.infer<typeof conditionSchema>

export const FIELD_KINDS = ['text', 'longText', 'date', 'yesNo', 'choice', 'number'] as const
export type FieldKind = (typeof FIELD_KINDS)[number]

export const methodFieldSchema = z.strictObject({
  id: methodIdSchema,
  kind: z.enum(FIELD_KINDS),
  label: methodTextSchema,
  hint: methodTextSchema.optional(),
  /** For `choice`: the options, by stable id. */
  options: z.array(z.strictObject({ id: methodIdSchema, label: methodTextSchema })).min(2).max(20).optional(),
})
export type MethodField = z.infer<typeof methodFieldSchema>

export const blockSchema = z.union([z.strictObject({ core: z.enum(CORE_BLOCKS) }), z.strictObject({ field: methodFieldSchema })])
export type Block = z.infer<typeof blockSchema>

/**
 * What must not be skipped. With `metWhen` it is met when the case's data shows it (an intake
 * date, a score); without, the worker ticks it. Either way it may be skipped, with a reason.
 */
export const essentialSchema = z.strictObject({
  id: methodIdSchema,
  text: methodTextSchema,
  metWhen: conditionSchema.optional(),
})
export type Essential = z.infer<typeof essentialSchema>

export const methodStepSchema = z.strictObject({
  id: methodIdSchema,
  title: methodTextSchema,
  /** What the step is for, in one line. */
  purpose: methodTextSchema,
  /** Conversation prompts a worker can read aloud or show (our own words, never an instrument's items). */
  prompts: z.array(methodTextSchema).max(12),
  blocks: z.array(blockSchema).min(1).max(30),
  essentials: z.array(essentialSchema).min(1, 'a step needs at least one essential').max(12),
})
export type MethodStep = z.infer<typeof methodStepSchema>

export const pathwaySchema = z.strictObject({
  /** One line on who the pathway is for. */
  summary: methodTextSchema,
  steps: z.array(methodStepSchema).min(2).max(12),
})
export type Pathway = z.infer<typeof pathwaySchema>

/** Declarative migrations from the previous version (docs/method.md "Migrations"). */
export const migrationOpSchema = z.discriminatedUnion('op', [
  /** The answer of field `from` now lives at field `to`. */
  z.strictObject({ op: z.literal('moveAnswer'), from: methodIdSchema, to: methodIdSchema }),
  /** The state of essential `from` (ticked or skipped) now belongs to essential `to`. */
  z.strictObject({ op: z.literal('moveEssential'), from: methodIdSchema, to: methodIdSchema }),
  /** Essential no longer asked: what a case recorded for it is kept aside, not counted. */
  z.strictObject({ op: z.literal('retireEssential'), essential: methodIdSchema }),
])
export type MigrationOp = z.infer<typeof migrationOpSchema>

/**
 * The core blocks each pathway must keep somewhere in its steps: the fields its moment of
 * inclusion, its completion and the counts' breakdowns are read from (domain.md), so a method
 * change cannot change what the counts mean — and what the referral flow reads (first contact,
 * the message back to the GP).
 */
export const REQUIRED_BLOCKS: Record<InterventionId, readonly CoreBlock[]> = {
  // The first contact feeds the GP's two-week overdue flag; the message is the GP's answer (docs/referral-case.md).
  wor: ['referral', 'resident', 'consent', 'wor.firstContactDate', 'wor.intakeDate', 'gpMessage', 'close'],
  vg: ['referral', 'resident', 'consent', 'vg.conversationDate', 'gpMessage', 'close'],
  sa: ['referral', 'resident', 'consent', 'sa.intakeDate', 'sa.triage', 'sa.arrangementStartDate', 'close'],
  samenwerkwijze: ['referral', 'resident', 'consent', 'consultation', 'close'],
}

const methodDefinitionShape = z.strictObject({
  format: z.literal(METHOD_FORMAT),
  version: z.number().int().min(1).max(100_000),
  publishedAt: z.string().max(40),
  /** What changed, for the phones' "new version" notice and the history. */
  note: methodTextSchema,
  pathways: z.strictObject({ wor: pathwaySchema, vg: pathwaySchema, sa: pathwaySchema, samenwerkwijze: pathwaySchema }),
  /** The samenwerkoverleg any pathway can call: shown beside the steps once called. */
  consultation: methodStepSchema,
  migrations: z.array(migrationOpSchema).max(200),
})

type Shape = z.infer<typeof methodDefinitionShape>

/** Every step of a pathway plus the samenwerkoverleg step (for the shared samenwerkwijze too). */
export const allSteps = (d: Pick<Shape, 'pathways' | 'consultation'>, pathway: InterventionId): MethodStep[] => [...d.pathways[pathway].steps, d.consultation]

export const fieldsOf = (steps: readonly MethodStep[]): MethodField[] => steps.flatMap((s) => s.blocks.flatMap((b) => ('field' in b ? [b.field] : [])))

/** Every method field in the definition, by id. */
export function fieldIndex(d: Pick<Shape, 'pathways' | 'consultation'>): Map<string, MethodField> {
  const out = new Map<string, MethodField>()
  for (const p of INTERVENTION_IDS) for (const f of fieldsOf(allSteps(d, p))) out.set(f.id, f)
  return out
}

/** Every essential id in the definition. */
export function essentialIds(d: Pick<Shape, 'pathways' | 'consultation'>): Set<string> {
  const out = new Set<string>()
  for (const p of INTERVENTION_IDS) for (const s of allSteps(d, p)) for (const e of s.essentials) out.add(e.id)
  return out
}

function checkDefinition(d: Shape, ctx: z.RefinementCtx) {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message })
  // Field and essential ids are flat in a case (method.answers, method.essentials): one meaning each.
  const fieldKinds = new Map<string, string>()
  const essentialOwners = new Map<string, string>()
  const seenSteps = new Set<MethodStep>()
  for (const p of INTERVENTION_IDS) {
    const steps = allSteps(d, p)
    const stepIds = new Set<string>()
    const blocks = new Set<string>()
    steps.forEach((s, si) => {
      const at: (string | number)[] = s === d.consultation ? ['consultation'] : ['pathways', p, 'steps', si]
      if (stepIds.has(s.id)) issue([...at, 'id'], `step id "${s.id}" is used twice in ${p}`)
      stepIds.add(s.id)
      const first = !seenSteps.has(s)
      seenSteps.add(s)
      s.blocks.forEach((b, bi) => {
        if ('core' in b) {
          // The samenwerkoverleg step is shared; it only counts for the samenwerkwijze's own steps.
          if (s !== d.consultation) blocks.add(b.core)
          return
        }
        const f = b.field
        if (f.kind === 'choice' && !f.options) issue([...at, 'blocks', bi, 'field', 'options'], `choice field "${f.id}" needs options`)
        if (f.kind !== 'choice' && f.options) issue([...at, 'blocks', bi, 'field', 'options'], `only a choice field has options ("${f.id}")`)
        const known = fieldKinds.get(f.id)
        if (first && known !== undefined) issue([...at, 'blocks', bi, 'field', 'id'], `field id "${f.id}" is used twice`)
        fieldKinds.set(f.id, f.kind)
      })
      s.essentials.forEach((e, ei) => {
        const owner = `${p}/${s.id}`
        const known = essentialOwners.get(e.id)
        if (first && known !== undefined) issue([...at, 'essentials', ei, 'id'], `essential id "${e.id}" is used twice`)
        essentialOwners.set(e.id, owner)
      })
    })
    for (const required of REQUIRED_BLOCKS[p]) {
      if (!blocks.has(required)) issue(['pathways', p], `${p} must keep the "${required}" part in one of its steps (counting relies on it)`)
    }
  }
  if (!d.consultation.blocks.some((b) => 'core' in b && b.core === 'consultation')) issue(['consultation'], 'the samenwerkoverleg step must hold the "consultation" part')
  // Conditions read existing fields.
  for (const p of INTERVENTION_IDS) {
    allSteps(d, p).forEach((s, si) =>
      s.essentials.forEach((e, ei) => {
        if (!e.metWhen) return
        const ref = 'filled' in e.metWhen ? e.metWhen.filled : e.metWhen.equals
        if (ref.startsWith('answers.') && !fieldKinds.has(ref.slice('answers.'.length))) {
          issue(s === d.consultation ? ['consultation', 'essentials', ei] : ['pathways', p, 'steps', si, 'essentials', ei], `"${ref}" is not a field of this method`)
        }
      }),
    )
  }
  const metBy = new Set<string>()
  for (const p of INTERVENTION_IDS) for (const s of allSteps(d, p)) for (const e of s.essentials) if (e.metWhen) metBy.add(e.id)
  const ops = d.migrations
  ops.forEach((op, i) => {
    if (op.op === 'moveAnswer' && !fieldKinds.has(op.to)) issue(['migrations', i, 'to'], `field "${op.to}" does not exist in this version`)
    if (op.op === 'moveAnswer' && op.from === op.to) issue(['migrations', i], 'an answer cannot move onto itself')
    else if (op.op === 'moveAnswer' && fieldKinds.has(op.from)) issue(['migrations', i, 'from'], `field "${op.from}" moves away but is still asked`)
    if (op.op === 'moveEssential' && metBy.has(op.to)) issue(['migrations', i, 'to'], `essential "${op.to}" is met by the case's data; a tick cannot move onto it`)
    if (op.op === 'moveEssential' && !essentialOwners.has(op.to)) issue(['migrations', i, 'to'], `essential "${op.to}" does not exist in this version`)
    if (op.op === 'retireEssential' && essentialOwners.has(op.essential)) issue(['migrations', i], `essential "${op.essential}" is retired but still asked`)
  })
}

export const methodDefinitionSchema = methodDefinitionShape.superRefine(checkDefinition)
export type MethodDefinition = z.infer<typeof methodDefinitionSchema>

/** The text in the reader's language (Dutch when the language is not English). */
export const say = (text: MethodText, locale: string): string => (locale.startsWith('en') ? text.en : text.nl)
