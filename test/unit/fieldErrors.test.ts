import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { fieldErrors } from '../../src/app/ui/fieldErrors'
import nl from '../../src/app/i18n/pro.nl.json'
import { serviceSchema } from '../../src/shared/socialMap/hsds'

// A tiny stand-in for vue-i18n's t/te over the Dutch professional texts.
const lookup = (key: string): unknown => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], nl)
const t = (key: string) => String(lookup(key) ?? key)
const te = (key: string) => typeof lookup(key) === 'string'

describe('field errors in the map editor', () => {
  it('says in Dutch that a website must start with https:// when someone enters a javascript: link', () => {
    const r = serviceSchema.safeParse({ id: '3f9c2b9e-8f2d-4c51-9a57-1c1e2d3f4a5b', name: 'Wandelgroep', status: 'active', url: 'javascript:alert(1)' })
    expect(r.success).toBe(false)
    expect(fieldErrors(r.error!, t, te)).toEqual({ url: 'Vul een webadres in dat begint met https://.' })
  })

  it('lets a form name its own fields, and shows the first issue Zod found for each', () => {
    // Like the referral form: the resident's fields sit under "patient", the form calls them by their last name.
    const schema = z.object({ patient: z.object({ name: z.string().min(1), phone: z.string().regex(/^0\d{9}$/).min(10) }) })
    const r = schema.safeParse({ patient: { name: '', phone: '12' } })
    expect(r.success).toBe(false)
    const toField = (issue: z.core.$ZodIssue) => [String(issue.path.at(-1)), `${issue.code} at ${issue.path.join('.')}`] as const
    expect(fieldErrors(r.error!, t, te, toField)).toEqual({ name: 'too_small at patient.name', phone: 'invalid_format at patient.phone' })
  })
})
