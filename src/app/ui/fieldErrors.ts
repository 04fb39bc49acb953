/**
 * Zod issues as plain-language messages next to the fields they are about (Dutch first): the one
 * mapping every form uses. Which field an issue belongs to and "first issue per field" come from
 * firstPerField (src/shared/core/zodIssues.ts); this module adds the words. A form whose fields
 * are not the schema's paths passes its own `toField` (ReferPage.vue), one whose texts are the
 * general ones uses issueText.
 */
import type { z } from 'zod'
import { firstPerField, issuePath, type Issue } from '../../shared/core/zodIssues'

export type Translate = (key: string, values?: Record<string, unknown>) => string
export type HasTranslation = (key: string) => boolean
/** Names the form field an issue is about and the message to show there. */
export type ToField = (issue: Issue) => readonly [field: string, message: string]

/** The general words for one issue: required, too long, out of range, or the field's own hint. */
export function issueText(issue: Issue, t: Translate, te: HasTranslation): string {
  if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) <= 1) return t('form.required')
  if (issue.code === 'too_big' && issue.origin === 'string') return t('form.tooLong', { max: issue.maximum })
  if (issue.code === 'too_small' || issue.code === 'too_big') return t('form.outOfRange')
  const field = String(issue.path.at(-1) ?? '')
  return te(`form.hint.${field}`) ? t(`form.hint.${field}`) : t('form.invalid')
}

/**
 * One message per field, keyed by the issue's dotted path ("schedules.0.opens_at") unless
 * `toField` names the field otherwise.
 */
export function fieldErrors(error: z.ZodError, t: Translate, te: HasTranslation, toField?: ToField): Record<string, string> {
  return firstPerField(error.issues, toField ?? ((issue) => [issuePath(issue), issueText(issue, t, te)]))
}
