/**
 * The sums behind the programme team's view of the steering measures (src/app/features/kpi/
 * measureSums.ts): rows per cell and organisation added up into tables per intervention, step,
 * life domain, moment or kind of help, for the region or one breakdown value, in the lists' order;
 * and as shown outside the programme team — small cells "<5", a group's total hidden when it would
 * give a small cell back, and across a breakdown one more cell hidden ("×") when the region's
 * figure would. Hand-counted cases, then a property over random tables.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { axisMax, figuresOf, largestShown, shareOf, sortedValues, valuesOf, type MeasureCell } from '../../src/app/features/kpi/measureSums'

const cell = (measure: MeasureCell['measure'], bucket: string, count: number, over: Partial<MeasureCell> = {}): MeasureCell => ({
  measure,
  bucket,
  intervention: 'wor',
  municipality: 'Oss',
  referrerType: 'huisarts',
  ageBand: '18-30',
  organisationId: 'o1',
  count,
  ...over,
})
const UNKNOWN_REASON = 'onbekend'
const boekel = { municipality: 'Boekel', organisationId: 'o2' }
const bernheze = { municipality: 'Bernheze' }

/** Welzijn op Recept's first contacts: Oss 10 within 14 days and 2 later, Boekel 2 and 1. */
const firstContacts = [cell('first-contact', 'within-14-days', 10), cell('first-contact', 'later', 2), cell('first-contact', 'within-14-days', 2, boekel), cell('first-contact', 'later', 1, boekel)]
const shown = (groups: ReturnType<typeof figuresOf>[keyof ReturnType<typeof figuresOf>]) => groups.map((g) => ({ key: g.key, cells: g.cells.map((c) => `${c.bucket}=${c.shown}`), total: g.shownTotal }))

describe('the programme team’s figures', () => {
  it('add the cells up per intervention and bucket, over organisations, municipalities and half-years', () => {
    const halfYear2 = [cell('first-contact', 'later', 4, { ageBand: 'onbekend' })]
    const f = figuresOf([...firstContacts, ...halfYear2], undefined, { suppressed: false })
    expect(shown(f['first-contact'])).toEqual([{ key: 'wor', cells: ['within-14-days=12', 'later=7'], total: 19 }])
    const g = f['first-contact'][0]!
    expect(shareOf(g.cells[0]!, g)).toBeCloseTo(12 / 19)
    // Nothing counted: an empty table, not a row of zeros.
    expect(f['gp-feedback']).toEqual([])
  })

  it('show one breakdown value: a municipality, an organisation, an age band', () => {
    expect(shown(figuresOf(firstContacts, { dimension: 'municipality', value: 'Boekel' }, { suppressed: false })['first-contact'])).toEqual([{ key: 'wor', cells: ['within-14-days=2', 'later=1'], total: 3 }])
    expect(shown(figuresOf(firstContacts, { dimension: 'organisationId', value: 'o1' }, { suppressed: false })['first-contact'])).toEqual([{ key: 'wor', cells: ['within-14-days=10', 'later=2'], total: 12 }])
    expect(figuresOf(firstContacts, { dimension: 'ageBand', value: 'tot-18' }, { suppressed: false })['first-contact']).toEqual([])
  })

  it('keep every fixed bucket (zeros too), but only the closing reasons that occur, in the lists’ order', () => {
    const rows = [cell('evaluation', 'not-held', 5), cell('close-reason', UNKNOWN_REASON, 2), cell('close-reason', 'doel-bereikt', 6), cell('close-reason', 'overleden', 1, { intervention: 'sa' })]
    const f = figuresOf(rows, undefined, { suppressed: false })
    expect(shown(f.evaluation)).toEqual([{ key: 'wor', cells: ['on-time=0', 'late=0', 'not-held=5'], total: 5 }])
    expect(shown(f['close-reason'])).toEqual([
      { key: 'wor', cells: ['doel-bereikt=6', 'onbekend=2'], total: 8 },
      { key: 'sa', cells: ['overleden=1'], total: 1 },
    ])
  })

  it('group fidelity per intervention and step in the method’s order, life domains and kinds of help in their lists’ order', () => {
    const rows = [
      cell('fidelity', 'wor-contact:met', 6),
      cell('fidelity', 'wor-aanmelding:missed', 1),
      cell('fidelity', 'sa-intake:skipped', 2, { intervention: 'sa' }),
      cell('domain-change', 'wonen:worse', 2),
      cell('domain-change', 'geldzaken:better', 5),
      cell('support-after', 'eigen-netwerk', 3),
      cell('support-before', 'huisarts', 7),
      cell('satisfaction-end', '9-10', 4),
      cell('satisfaction-start', '0-4', 3),
    ]
    const f = figuresOf(rows, undefined, { suppressed: false, steps: ['wor-aanmelding', 'wor-contact', 'sa-intake'] })
    expect(shown(f.fidelity)).toEqual([
      { key: 'wor|wor-aanmelding', cells: ['met=0', 'skipped=0', 'missed=1'], total: 1 },
      { key: 'wor|wor-contact', cells: ['met=6', 'skipped=0', 'missed=0'], total: 6 },
      { key: 'sa|sa-intake', cells: ['met=0', 'skipped=2', 'missed=0'], total: 2 },
    ])
    expect(shown(f['domain-change']).map((g) => g.key)).toEqual(['geldzaken', 'wonen'])
    expect(shown(f.support)).toEqual([
      { key: 'huisarts', cells: ['before=7', 'after=0'], total: undefined },
      { key: 'eigen-netwerk', cells: ['before=0', 'after=3'], total: undefined },
    ])
    expect(shown(f.satisfaction)).toEqual([
      { key: 'start', cells: ['0-4=3', '5-6=0', '7-8=0', '9-10=0'], total: 3 },
      { key: 'end', cells: ['0-4=0', '5-6=0', '7-8=0', '9-10=4'], total: 4 },
    ])
  })
})

describe('as shown outside the programme team', () => {
  it('shows 1 to 4 as <5 and hides the total (and so every share) that would give it back', () => {
    // Region: 12 within, 3 later of 15. "15 − 12" would give the 3 back.
    const g = figuresOf(firstContacts, undefined, { suppressed: true })['first-contact'][0]!
    expect(shown([g])).toEqual([{ key: 'wor', cells: ['within-14-days=12', 'later=<5'], total: '×' }])
    expect(shareOf(g.cells[0]!, g)).toBeUndefined()
    // A total of 1–4 is itself small.
    expect(shown(figuresOf([cell('plan', 'with-plan', 3)], undefined, { suppressed: true }).plan)).toEqual([{ key: 'wor', cells: ['with-plan=<5', 'without-plan=0'], total: '<5' }])
    // All cells 5 or more (or 0): everything shown, shares too.
    const big = figuresOf([cell('plan', 'with-plan', 9), cell('plan', 'without-plan', 5)], undefined, { suppressed: true }).plan[0]!
    expect(shown([big])).toEqual([{ key: 'wor', cells: ['with-plan=9', 'without-plan=5'], total: 14 }])
    expect(shareOf(big.cells[0]!, big)).toBeCloseTo(9 / 14)
  })

  it('hides the smallest other cell of a breakdown when the region’s figure would give a small one back', () => {
    // Within 14 days: Oss 10, Bernheze 6, Boekel 2 (region 18). Later: Oss 2, Boekel 1.
    const rows = [...firstContacts, cell('first-contact', 'within-14-days', 6, bernheze)]
    const by = (value: string) => shown(figuresOf(rows, { dimension: 'municipality', value }, { suppressed: true })['first-contact'])
    // 18 − 10 − 6 would give Boekel's 2: Bernheze's 6, the smaller, is hidden as well. "Later" has two small cells already.
    expect(by('Boekel')).toEqual([{ key: 'wor', cells: ['within-14-days=<5', 'later=<5'], total: '<5' }])
    expect(by('Bernheze')).toEqual([{ key: 'wor', cells: ['within-14-days=×', 'later=0'], total: '×' }])
    expect(by('Oss')).toEqual([{ key: 'wor', cells: ['within-14-days=10', 'later=<5'], total: '×' }])
    // Two municipalities only: the other one goes, whatever its size.
    expect(shown(figuresOf(firstContacts, { dimension: 'municipality', value: 'Oss' }, { suppressed: true })['first-contact'])).toEqual([{ key: 'wor', cells: ['within-14-days=×', 'later=<5'], total: '×' }])
  })

  it('hides a kind of help the same way, though it has no total', () => {
    const rows = [cell('support-before', 'huisarts', 3), cell('support-before', 'huisarts', 7, boekel)]
    expect(shown(figuresOf(rows, { dimension: 'municipality', value: 'Boekel' }, { suppressed: true }).support)).toEqual([{ key: 'huisarts', cells: ['before=×', 'after=0'], total: undefined }])
    expect(shown(figuresOf(rows, undefined, { suppressed: true }).support)).toEqual([{ key: 'huisarts', cells: ['before=10', 'after=0'], total: undefined }])
  })

  it('never lets the region’s figure, or a group’s total, give a small cell back (random tables)', () => {
    const municipalities = ['Oss', 'Boekel', 'Bernheze', 'onbekend']
    const arb = fc.array(fc.record({ m: fc.constantFrom(...municipalities), bucket: fc.constantFrom('within-14-days', 'later'), i: fc.constantFrom('wor', 'vg'), n: fc.integer({ min: 1, max: 12 }) }), { maxLength: 16 })
    fc.assert(
      fc.property(arb, (list) => {
        const rows = list.map((r) => cell('first-contact', r.bucket, r.n, { municipality: r.m, intervention: r.i as MeasureCell['intervention'] }))
        const region = figuresOf(rows, undefined, { suppressed: false })['first-contact']
        const parts = valuesOf(rows, 'municipality').map((v) => figuresOf(rows, { dimension: 'municipality', value: v }, { suppressed: true })['first-contact'])
        for (const groups of parts)
          for (const g of groups) {
            for (const c of g.cells) if (typeof c.shown === 'number') expect(c.shown === 0 || c.shown >= 5).toBe(true)
            if (typeof g.shownTotal === 'number') expect(g.cells.every((c) => typeof c.shown === 'number')).toBe(true)
          }
        for (const g of region)
          for (const c of g.cells) {
            const across = parts.flatMap((groups) => groups.filter((x) => x.key === g.key).flatMap((x) => x.cells.filter((y) => y.bucket === c.bucket && y.count > 0)))
            const hidden = across.filter((y) => typeof y.shown !== 'number')
            // One hidden cell beside the region's exact figure would be that figure minus the rest.
            if (c.count >= 5) expect(hidden.length).not.toBe(1)
          }
      }),
    )
  })
})

describe('the axis and the breakdown values', () => {
  it('never ends below 10, so one case never fills a bar, and rounds up to 10, 20, 50, 100 …', () => {
    expect([0, 1, 10, 11, 15, 21, 50, 51, 101, 999].map(axisMax)).toEqual([10, 10, 10, 20, 20, 50, 50, 100, 200, 1000])
    const groups = figuresOf(firstContacts, undefined, { suppressed: true })['first-contact']
    // The total is hidden: the largest shown number is the 12.
    expect(largestShown(groups)).toBe(12)
  })

  it('lists values in the lists’ order, organisations by name, unknown last', () => {
    expect(sortedValues(['onbekend', 'Boekel', 'Oss', 'Meierijstad'], 'municipality')).toEqual(['Oss', 'Meierijstad', 'Boekel', 'onbekend'])
    expect(sortedValues(['65-plus', 'onbekend', '18-30'], 'ageBand')).toEqual(['18-30', '65-plus', 'onbekend'])
    expect(sortedValues(['o2', 'o1'], 'organisationId', { o1: 'Welzijn Oss', o2: 'ONS welzijn' })).toEqual(['o2', 'o1'])
  })
})
