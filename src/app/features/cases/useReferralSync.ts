/**
 * Keeps a case's referral in step with it while the case is open (CaseEditor.vue): on opening and whenever a step's date changes, the steps not yet taken are sent, each
 * once (src/app/features/referrals/caseReferralSync.ts, docs/referral-case.md).
 */
import { onMounted, watch } from 'vue'
import type { CaseRecord } from '../../../shared/cases/v2'
import { caseSteps } from '../../../shared/referrals/caseLink'
import { syncCaseSteps } from '../referrals/caseReferralSync'

export function useReferralSync(record: CaseRecord): void {
  if (!record.referral?.referralId) return
  onMounted(() => void syncCaseSteps(record))
  watch(
    () => JSON.stringify(caseSteps(record)),
    () => void syncCaseSteps(record),
  )
}
