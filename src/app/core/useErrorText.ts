import { useI18n } from 'vue-i18n'
import { errorKey } from './errorText'

/** Turns a failed API call into the sentence to show (Dutch first), a wait as "30 seconden" or "2 minuten". */
export function useErrorText(): (e: unknown) => string {
  const { t } = useI18n()
  return (e) => {
    const { key, values, wait } = errorKey(e)
    return t(key, { ...values, ...(wait ? { time: t(`pro.time.${wait.unit}`, wait.count) } : {}) })
  }
}
