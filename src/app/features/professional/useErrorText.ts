import { useI18n } from 'vue-i18n'
import { errorKey } from './errorMessage'

/** Turns a failed API call into the sentence to show (Dutch first). */
export function useErrorText(): (e: unknown) => string {
  const { t } = useI18n()
  return (e) => {
    const { key, values } = errorKey(e)
    return t(key, values ?? {})
  }
}
