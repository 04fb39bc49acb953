/**
 * What the professionals' header and bar show besides the pages: the inbox count (referrals waiting
 * to be accepted, from the cached inbox list: clear metadata, nothing opened), how many items wait
 * to be sent (referral outbox and the case counts' outbox, docs/outbox.md) and when this device
 * last heard from the server.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { referralListSchema } from '../../shared/api/referrals'
import { referralDb } from '../features/referrals/referralDb'
import { waitingToAccept } from '../features/today/workItems'

export const useShellState = defineStore('shell', () => {
  const inboxWaiting = ref(0)
  const outboxWaiting = ref(0)
  /** ISO moment of the latest list fetched from the server, or null. */
  const lastSync = ref<string | null>(null)

  /** Reads what the device holds; cheap (two small IndexedDB reads), so done on every page change. */
  async function refresh(countsPending = 0, countsLastSent: string | null = null) {
    try {
      const [waiting, inbox, sent] = await Promise.all([referralDb.outbox.count(), referralDb.lists.get('inbox'), referralDb.lists.get('sent')])
      outboxWaiting.value = waiting + countsPending
      const parsed = referralListSchema.safeParse(inbox?.data)
      inboxWaiting.value = parsed.success ? waitingToAccept(parsed.data.referrals) : 0
      lastSync.value = [inbox?.fetchedAt, sent?.fetchedAt, countsLastSent ?? undefined].filter((x): x is string => !!x).sort().pop() ?? null
    } catch {
      // No IndexedDB here (private mode): nothing to show.
    }
  }

  /** Vandaag and the inbox know the count first hand. */
  function setInboxWaiting(n: number) {
    inboxWaiting.value = n
  }

  return { inboxWaiting, outboxWaiting, lastSync, refresh, setInboxWaiting }
})
