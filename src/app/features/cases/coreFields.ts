/**
 * The intervention's own fixed fields of a case (src/shared/cases/v1.ts `wor`, `vg`, `sa`), one
 * core block each in the method definition (CORE_BLOCKS in src/shared/method/definition.ts).
 * CaseCoreField.vue renders any of them from this table.
 */
import type { CoreBlock } from '../../../shared/method/definition'
import { SA_OUTFLOW, VG_OUTCOMES } from '../../../shared/cases/v2'
import type { EventKind } from '../../../shared/referrals/referral'

export interface CoreFieldSpec {
  group: 'wor' | 'vg' | 'sa'
  key: string
  kind: 'date' | 'text' | 'longText' | 'select'
  /** i18n key of the label. */
  label: string
  /** For a select: value and the i18n key of its label. */
  options?: readonly (readonly [string, string])[]
  /** The referral step this date sends (CaseStepResult.vue shows what became of it). */
  result?: EventKind
}

const choices = (values: readonly string[], prefix: string) => values.map((v) => [v, `${prefix}.${v}`] as const)

export const CORE_FIELD_SPECS = {
  'wor.firstContactDate': { group: 'wor', key: 'firstContactDate', kind: 'date', label: 'cases.wor.firstContact', result: 'contact' },
  'wor.intakeDate': { group: 'wor', key: 'intakeDate', kind: 'date', label: 'cases.wor.intake', result: 'gesprek' },
  'wor.broaderCheck': { group: 'wor', key: 'broaderCheck', kind: 'longText', label: 'cases.wor.broaderCheck' },
  'wor.feedbackDate': { group: 'wor', key: 'feedbackDate', kind: 'date', label: 'cases.wor.feedbackDate' },
  'vg.conversationDate': { group: 'vg', key: 'conversationDate', kind: 'date', label: 'cases.vg.date', result: 'gesprek' },
  'vg.participants': { group: 'vg', key: 'participants', kind: 'longText', label: 'cases.vg.participants' },
  'vg.outcome': { group: 'vg', key: 'outcome', kind: 'select', label: 'cases.vg.outcome', options: choices(VG_OUTCOMES, 'cases.vg.outcomes') },
  'sa.informalCarer': { group: 'sa', key: 'informalCarer', kind: 'text', label: 'cases.sa.carer' },
  'sa.intakeDate': { group: 'sa', key: 'intakeDate', kind: 'date', label: 'cases.sa.intake', result: 'gesprek' },
  'sa.triage': { group: 'sa', key: 'triage', kind: 'select', label: 'cases.sa.triage', options: [['doorverwezen', 'cases.sa.referredOn'], ['arrangement', 'cases.sa.arrangement']] },
  'sa.arrangementStartDate': { group: 'sa', key: 'arrangementStartDate', kind: 'date', label: 'cases.sa.start' },
  'sa.outflowReason': { group: 'sa', key: 'outflowReason', kind: 'select', label: 'cases.sa.outflow', options: choices(SA_OUTFLOW, 'cases.sa.outflows') },
  'sa.outflowDate': { group: 'sa', key: 'outflowDate', kind: 'date', label: 'cases.sa.outflowDate' },
} as const satisfies Partial<Record<CoreBlock, CoreFieldSpec>>

export type CoreFieldBlock = keyof typeof CORE_FIELD_SPECS
export const isCoreField = (b: CoreBlock): b is CoreFieldBlock => b in CORE_FIELD_SPECS
