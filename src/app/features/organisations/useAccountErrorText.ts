import { useI18n } from 'vue-i18n'
import { ApiError } from '../../api/errors'
import { useErrorText } from '../../core/useErrorText'

/** Refusals of the people-and-links API (docs/security.md), each in its own plain words. */
const ACCOUNT_CODES = new Set(['region-role', 'region-only', 'not-home-organisation', 'last-beheerder', 'self', 'link-invalid', 'sign-in-first', 'name-required', 'exists'])

/** Like useErrorText, and knows the codes of invitations, links and offboarding. */
export function useAccountErrorText(): (e: unknown) => string {
  const { t } = useI18n()
  const general = useErrorText()
  return (e) => (e instanceof ApiError && ACCOUNT_CODES.has(e.code) ? t(`pro.accountError.${e.code}`) : general(e))
}
