/**
 * The case fields the KPI measures need (issue 18, src/shared/cases/v1.ts): "evaluatie gehouden
 * op", the support categories before and after, and the reason a wor or samenwerkwijze case
 * closed. Stored cases without them still parse; unknown, repeated or malformed values are refused;
 * the category lists live in the case schema and kpi/measures.ts re-exports the same lists, with
 * no import from cases back into kpi.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as v2 from '../../src/shared/cases/v2'
import { caseRecordSchema, caseRecordV1Schema, CLOSE_CATEGORIES, newCase, storedCaseRecordSchema, SUPPORT_CATEGORIES, type CaseRecord } from '../../src/shared/cases/v2'
import * as measures from '../../src/shared/kpi/measures'

const ID = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'
const NOW = new Date('2026-03-02T09:00:00Z')
const consultation = { date: '2026-03-05', residentPresent: true, participants: [], actions: [], evaluationDate: '2026-06-01' }
const issuesOf = (x: unknown) => {
  const r = caseRecordSchema.safeParse(x)
  return r.success ? [] : [...new Set(r.error.issues.map((i) => i.path.join('.')))]
}

describe('the case fields for the measures', () => {
  it('accepts a stored case (version 2 and version 1) that has none of them', () => {
    const c = newCase(ID, 'samenwerkwijze', NOW)
    c.consultation = { ...consultation }
    c.support = { before: ['Huisarts elke week'], after: [] }
    c.closeReason = 'Klaar.'
    expect(caseRecordSchema.parse(JSON.parse(JSON.stringify(c)))).toEqual(c)
    const v1 = { ...Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'method')), schemaVersion: 1, currentStep: 'evalueren' }
    expect(caseRecordV1Schema.safeParse(v1).success).toBe(true)
    expect(storedCaseRecordSchema.parse(v1)).toMatchObject({ schemaVersion: 2, support: { before: ['Huisarts elke week'], after: [] }, consultation: { evaluationDate: '2026-06-01' } })
  })

  it('accepts them filled in, and keeps them through a version-1 read', () => {
    const c: CaseRecord = {
      ...newCase(ID, 'wor', NOW),
      consultation: { ...consultation, evaluationHeldOn: '2026-05-28' },
      support: { before: [], after: [], beforeCategories: ['huisarts', 'schuldhulp'], afterCategories: [...SUPPORT_CATEGORIES.filter((x) => x !== 'geen')] },
      closeCategory: 'geen-contact',
    }
    expect(caseRecordSchema.parse(c)).toEqual(c)
    const v1 = { ...Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'method')), schemaVersion: 1, currentStep: 'evalueren' }
    expect(storedCaseRecordSchema.parse(v1)).toMatchObject({ consultation: { evaluationHeldOn: '2026-05-28' }, support: { beforeCategories: ['huisarts', 'schuldhulp'] }, closeCategory: 'geen-contact' })
  })

  it('refuses an unknown category, a category twice, an unknown close category and a malformed date', () => {
    const base = () => ({ ...newCase(ID, 'samenwerkwijze', NOW), consultation: { ...consultation }, support: { before: [], after: [] } }) as Record<string, unknown> & CaseRecord
    const unknown = base()
    unknown.support = { before: [], after: [], beforeCategories: ['huisarts', 'kapper' as never] }
    expect(issuesOf(unknown)).toEqual(['support.beforeCategories.1'])
    const twice = base()
    twice.support = { before: [], after: [], afterCategories: ['ggz', 'wmo', 'ggz'] }
    expect(issuesOf(twice)).toEqual(['support.afterCategories'])
    const freeText = base()
    freeText.support = { before: [], after: [], afterCategories: 'ggz' as never }
    expect(issuesOf(freeText)).toEqual(['support.afterCategories'])
    const close = base()
    close.closeCategory = 'doelen-bereikt' as never
    expect(issuesOf(close)).toEqual(['closeCategory'])
    // The SA and VG lists are theirs: a case's closeCategory takes only the wor/samenwerkwijze words.
    close.closeCategory = 'zelfredzaam' as never
    expect(issuesOf(close)).toEqual(['closeCategory'])
    for (const bad of ['28-05-2026', '2026-02-30', '2026-05-28T10:00']) {
      const held = base()
      held.consultation!.evaluationHeldOn = bad
      expect(issuesOf(held), bad).toEqual(['consultation.evaluationHeldOn'])
    }
  })

  it('has the same lists as the KPI vocabulary, which imports the case schema and not the other way round', () => {
    expect(measures.SUPPORT_CATEGORIES).toBe(v2.SUPPORT_CATEGORIES)
    expect(measures.CLOSE_CATEGORIES).toBe(CLOSE_CATEGORIES)
    expect(measures.MEASURES['support-before'].buckets).toBe(SUPPORT_CATEGORIES)
    for (const c of CLOSE_CATEGORIES) expect(measures.isBucketOf('close-reason', c)).toBe(true)
    // Every module the case schema reaches, by its relative imports: none is in src/shared/kpi.
    const seen = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)) visit(resolve(dirname(file), `${spec!.replace(/\.ts$/, '')}.ts`))
    }
    visit(fileURLToPath(new URL('../../src/shared/cases/v2.ts', import.meta.url)))
    expect([...seen].some((f) => f.endsWith('cases/v1.ts'))).toBe(true)
    expect([...seen].filter((f) => f.includes('/shared/kpi/'))).toEqual([])
  })
})
