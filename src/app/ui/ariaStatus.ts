import { ref } from 'vue'

/** One polite live region for the whole app; components announce through it. */
export const statusMessage = ref('')

export function announce(message: string) {
  // Clear first so the same message twice is read twice.
  statusMessage.value = ''
  setTimeout(() => (statusMessage.value = message), 50)
}
