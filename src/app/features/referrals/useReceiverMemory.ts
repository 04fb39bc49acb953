import { computed, ref, watch, type Ref } from 'vue'
import { readReceiverMemory, RECEIVER_MEMORY_KEY, receiverChange, receiverKey, rememberReceiver, type Receiver } from './receiverMemory'

/**
 * The referral form's memory of where it sent each intervention in each municipality
 * (receiverMemory.ts), kept in this device's localStorage: the change to confirm, the
 * confirmation, and remembering a sent referral's receiver.
 */
export function useReceiverMemory(
  form: { intervention: string; municipality: string; receiver: string },
  route: Readonly<Ref<Receiver | undefined>>,
  organisations: Readonly<Ref<[string, string][]>>,
) {
  const memory = ref(readReceiverMemory(localStorage.getItem(RECEIVER_MEMORY_KEY)))
  const change = computed(() => (form.municipality ? receiverChange(memory.value.receivers[receiverKey(form.intervention, form.municipality)], route.value, form.receiver) : null))
  const changeConfirmed = ref(false)
  // A confirmation is for one change only: another intervention, municipality or receiver asks again.
  watch(() => [form.intervention, form.municipality, form.receiver], () => (changeConfirmed.value = false))

  function rememberSent(receiverId: string) {
    if (!form.municipality) return
    const name = organisations.value.find(([id]) => id === receiverId)?.[1] ?? ''
    memory.value = rememberReceiver(memory.value, receiverKey(form.intervention, form.municipality), { organisationId: receiverId, organisationName: name })
    try {
      localStorage.setItem(RECEIVER_MEMORY_KEY, JSON.stringify(memory.value))
    } catch {
      // A full or blocked storage only costs the next comparison; the referral itself is queued.
    }
  }

  return { change, changeConfirmed, rememberSent }
}
