/** The signed-in professional: who, in which organisations with which roles, and how far sign-in got. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Role } from '../../shared/accounts/roles'
import * as auth from '../api/auth'
import { ApiError } from '../api/errors'

export const useSessionStore = defineStore('session', () => {
  const me = ref<auth.Me | null>(null)
  const loaded = ref(false)
  /** Shown once after sign-in, until the person says they read it. */
  const failedAttempts = ref(0)

  const isSignedIn = computed(() => !!me.value?.secondFactor)
  const hasRole = (role: Role) => !!me.value?.memberships.some((m) => m.role === role)
  const organisationsWith = (role: Role) => (me.value?.memberships ?? []).filter((m) => m.role === role)

  async function load() {
    try {
      me.value = await auth.getMe()
      auth.setCsrfToken(me.value.csrfToken)
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e
      me.value = null
    } finally {
      loaded.value = true
    }
    if (me.value?.secondFactor && me.value.device?.id === undefined && !bindTried) await bindToDevice()
  }

  /** Tried once per sign-in and page load: a device the server will not bind is not asked again on every page. */
  let bindTried = false

  /**
   * A signed-in session not yet bound to this (registered) device binds itself: the device answers
   * a challenge with its authentication key (docs/device-trust.md). Without it, acting on shared
   * records is refused by the server; so a failure here is quiet, the page shows the server's reason.
   */
  async function bindToDevice() {
    bindTried = true
    const boundTo = me.value?.device?.id ?? null
    try {
      const { bindSession } = await import('./deviceStatus')
      if ((await bindSession(boundTo)) === 'bound' && boundTo === null) {
        me.value = await auth.getMe()
        auth.setCsrfToken(me.value.csrfToken)
      }
    } catch {
      // No device storage here, or no connection: the session stays unbound.
    }
  }

  /** Password step. Returns what comes next: the code, or setting up the authenticator app. */
  async function signIn(email: string, password: string) {
    const r = await auth.signIn(email, password)
    auth.setCsrfToken(r.csrfToken)
    return r.next
  }

  function setUpTotp() {
    return auth.setUpTotp()
  }

  async function confirmTotp(code: string, first: boolean) {
    const r = await auth.confirmTotp(code, first)
    if (r.csrfToken) auth.setCsrfToken(r.csrfToken)
    failedAttempts.value = r.failedAttempts ?? 0
    bindTried = false
    await load()
  }

  function acknowledgeFailedAttempts() {
    failedAttempts.value = 0
  }

  async function signOut(everywhere = false) {
    // The next person on a shared browser sees nothing of this one: cached referral lists go and the
    // vault locks first, so that this holds even when the server cannot be reached to end the session.
    const { forgetOpenedData } = await import('./forgetOpened')
    await forgetOpenedData()
    await (everywhere ? auth.signOutEverywhere() : auth.signOut())
    me.value = null
    failedAttempts.value = 0
    bindTried = false
    auth.setCsrfToken('')
  }

  return { me, loaded, failedAttempts, isSignedIn, hasRole, organisationsWith, load, signIn, setUpTotp, confirmTotp, acknowledgeFailedAttempts, signOut }
})
