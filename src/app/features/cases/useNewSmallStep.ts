/**
 * Adding a small step (kleine stap) to the open case: the worker's list (CaseSmallSteps.vue) and
 * the kitchen table (KitchenTableSteps.vue) add them the same way.
 */
import { ref } from 'vue'
import { stepSchema, type Step } from '../../../shared/cases/v2'
import { newId, useDraft } from './useCaseDraft'

/** Who takes a small step, in the case schema's order. */
export const SMALL_STEP_WHO = stepSchema.shape.who.options

export function useNewSmallStep() {
  const { record } = useDraft()
  const what = ref('')
  const who = ref<Step['who']>('inwoner')
  /** Adds the typed step (a blank one is not added) and empties the field. */
  function add() {
    if (!what.value.trim()) return
    record.steps.push({ id: newId(), what: what.value.trim(), who: who.value, done: false })
    what.value = ''
  }
  return { what, who, add }
}
