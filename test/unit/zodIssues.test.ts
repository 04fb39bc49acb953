import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { describeIssues, firstPerField, issuePath } from '../../src/shared/core/zodIssues'

const form = z.object({
  name: z.string().min(2, 'too short').regex(/^[a-z]+$/, 'letters only'),
  patient: z.object({ phone: z.string().regex(/^\d+$/, 'not a phone number') }),
  tags: z.array(z.string().max(3, 'too long')),
})
const failed = form.safeParse({ name: '1', patient: { phone: 'x' }, tags: ['ok', 'much too long'] }).error!

describe('Zod issues in words', () => {
  it('names each issue by its dotted path, the record itself as (record)', () => {
    expect(describeIssues(failed)).toBe('name: too short; name: letters only; patient.phone: not a phone number; tags.1: too long')
    expect(describeIssues(z.string().safeParse(1).error!)).toMatch(/^\(record\): /)
  })

  it('says how many more issues there are beyond the first few', () => {
    expect(describeIssues(failed, 2)).toBe('name: too short; name: letters only; … and 2 more')
  })

  it('keeps only the first issue per field, by dotted path', () => {
    const byField = firstPerField(failed.issues)
    expect(Object.keys(byField)).toEqual(['name', 'patient.phone', 'tags.1'])
    expect(byField.name!.message).toBe('too short')
    expect(issuePath(byField['tags.1']!)).toBe('tags.1')
  })

  it('lets a form name its own fields and texts, still first one wins', () => {
    const texts = firstPerField(failed.issues, (i) => [String(i.path.at(-1)), `${i.code}: ${i.message}`])
    expect(texts).toEqual({ name: 'too_small: too short', phone: 'invalid_format: not a phone number', 1: 'too_big: too long' })
  })
})
