/**
 * Zod issues in words: one line for logs, CLIs and server error replies (describeIssues), and
 * the pure part of showing them next to form fields (firstPerField): which field an issue is
 * about, and only the first issue per field. The app adds the texts (i18n); this module has none.
 */
import type { z } from 'zod'

export type Issue = z.core.$ZodIssue

/** The dotted path of an issue: "schedules.0.opens_at"; '' for the record itself. */
export function issuePath(issue: Pick<Issue, 'path'>): string {
  return issue.path.map(String).join('.')
}

/** Human, one-line reasons for a failed parse: "schedules.0.opens_at: must be a time …". */
export function describeIssues(error: z.ZodError, max = 5): string {
  const lines = error.issues.slice(0, max).map((i) => `${i.path.length ? issuePath(i) : '(record)'}: ${i.message}`)
  if (error.issues.length > max) lines.push(`… and ${error.issues.length - max} more`)
  return lines.join('; ')
}

/**
 * One entry per field, from the first issue about it (a form shows one message per field, the
 * one Zod found first). `toField` names the field an issue belongs to and what to show for it;
 * by default the field is the issue's dotted path and the value the issue itself.
 */
export function firstPerField<T = Issue>(
  issues: readonly Issue[],
  toField: (issue: Issue) => readonly [field: string, value: T] = (issue) => [issuePath(issue), issue as T],
): Record<string, T> {
  const out: Record<string, T> = {}
  for (const issue of issues) {
    const [field, value] = toField(issue)
    if (!Object.hasOwn(out, field)) out[field] = value
  }
  return out
}
