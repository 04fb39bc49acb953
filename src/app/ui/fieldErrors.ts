/** Zod issues as plain-language messages next to the fields they are about (Dutch first). */
import type { z } from 'zod'

export type Translate = (key: string, values?: Record<string, unknown>) => string
export type HasTranslation = (key: string) => boolean

/** The field an issue is about: "schedules.0.opens_at" → "schedules.0.opens_at" (the form's field names). */
export function fieldErrors(error: z.ZodError, t: Translate, te: HasTranslation): Record<string, string> {
  const out: Record<string, string> = {}
  for (const issue of error.issues) {
    const path = issue.path.join('.')
    if (out[path]) continue
    const field = String(issue.path.at(-1) ?? '')
    if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) <= 1) out[path] = t('form.required')
    else if (issue.code === 'too_big' && issue.origin === 'string') out[path] = t('form.tooLong', { max: issue.maximum })
    else if (issue.code === 'too_small' || issue.code === 'too_big') out[path] = t('form.outOfRange')
    else out[path] = te(`form.hint.${field}`) ? t(`form.hint.${field}`) : t('form.invalid')
  }
  return out
}
