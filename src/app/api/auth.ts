/** Signing in and out, who is signed in, one's password, and the one-time start (/api/auth). */
import type { z } from 'zod'
import type { bootstrapSchema } from '../../shared/accounts/schemas'
import { bootstrappedSchema, meSchema, okSchema, passwordChangedSchema, secondFactorSchema, sessionsEndedSchema, signedInSchema, totpSetupSchema } from '../../shared/api/auth'
import { api } from '../core/http'

export { setCsrfToken } from '../core/http'
export type { Me, Membership } from '../../shared/api/auth'

export const getMe = () => api('GET', '/api/auth/me', meSchema)
/** The password step: what comes next (the code, or setting up the authenticator app) and the CSRF token. */
export const signIn = (email: string, password: string) => api('POST', '/api/auth/sign-in', signedInSchema, { email, password })
export const setUpTotp = () => api('POST', '/api/auth/totp/setup', totpSetupSchema)
/** The code step; `first`: the code that confirms a new authenticator app. */
export const confirmTotp = (code: string, first: boolean) => api('POST', first ? '/api/auth/totp/confirm' : '/api/auth/totp', secondFactorSchema, { code })
export const signOut = () => api('POST', '/api/auth/sign-out', okSchema)
export const signOutEverywhere = () => api('POST', '/api/auth/sign-out-everywhere', sessionsEndedSchema)
export const changePassword = (currentPassword: string, newPassword: string) => api('POST', '/api/auth/password', passwordChangedSchema, { currentPassword, newPassword })
/** The first account and the region's organisation, with the start code from the server's log. */
export const bootstrap = (start: z.input<typeof bootstrapSchema>) => api('POST', '/api/auth/bootstrap', bootstrappedSchema, start)
