/**
 * Targets from a CSV file (issue 18 point 4; src/shared/kpi/targetsCsv.ts, src/shared/core/csv.ts):
 * semicolons or commas, UTF-8 with or without a BOM, Dutch names or ids; a bad file imports nothing
 * and names every bad line and why; the export opens in columns in Dutch Excel and imports again.
 */
import { describe, expect, it } from 'vitest'
import { parseCsv, toExcelCsv } from '../../src/shared/core/csv'
import { DEFAULT_ACCOUNTABILITY_PERIODS as PLAN } from '../../src/shared/kpi/accountability'
import { parseTargetsCsv, readTarget, targetChanges, targetsCsv } from '../../src/shared/kpi/targetsCsv'

const BOM = '\uFEFF'

describe('reading a targets CSV', () => {
  it('takes Dutch names or ids, semicolons, a BOM and CRLF', () => {
    const text = `${BOM}KPI;interventie;periode;doel\r\nBereikte inwoners (nieuw);Welzijn op Recept;Periode 1 (t/m juni 2025);120\r\nincluded;vg;p4;40\r\nEerste contact binnen 14 dagen;wor;2e helft 2026;90 %\r\n\r\nafgeronde trajecten; Sociaal Arrangeren ;Backupmoment;1.000\r\n`
    expect(parseTargetsCsv(text, PLAN)).toEqual({
      ok: true,
      targets: [
        { kpi: 'included', intervention: 'wor', period: 'p1', target: 120 },
        { kpi: 'included', intervention: 'vg', period: 'p4', target: 40 },
        { kpi: 'first-contact', intervention: 'wor', period: 'p4', target: 90 },
        { kpi: 'completed', intervention: 'sa', period: 'backup', target: 1000 },
      ],
    })
  })

  it('takes commas without a BOM, columns in another order, English headers, and "periode 3" or "3"', () => {
    const text = 'period,target,intervention,kpi\nperiode 3,10,samenwerkwijze,referred\n3,11,SA,referred\n'
    expect(parseTargetsCsv(text, PLAN)).toEqual({
      ok: true,
      targets: [
        { kpi: 'referred', intervention: 'samenwerkwijze', period: 'p3', target: 10 },
        { kpi: 'referred', intervention: 'sa', period: 'p3', target: 11 },
      ],
    })
  })

  it('imports nothing from a file with one bad line, and says which lines and why', () => {
    const text = [
      'KPI;interventie;periode;doel',
      'included;wor;p1;120',
      'included;wor;p2;-5',
      'geluk;wor;p2;3',
      'included;Welzijn op Recept;Periode 9;4',
      'included;wor;p3;12,5',
      'first-contact;vg;p3;80',
      'first-contact;wor;p3;120',
      'included;wor;p3;veel',
      'included;wor;p1;130',
      'included;wor;p4;',
    ].join('\n')
    expect(parseTargetsCsv(text, PLAN)).toEqual({
      ok: false,
      problems: [
        { line: 3, code: 'negative', column: 'doel', value: '-5' },
        { line: 4, code: 'unknown-kpi', column: 'kpi', value: 'geluk' },
        { line: 5, code: 'unknown-period', column: 'periode', value: 'Periode 9' },
        { line: 6, code: 'not-whole', column: 'doel', value: '12,5' },
        { line: 7, code: 'not-applicable', column: 'kpi', value: 'first-contact' },
        { line: 8, code: 'over-100', column: 'doel', value: '120' },
        { line: 9, code: 'not-a-number', column: 'doel', value: 'veel' },
        { line: 10, code: 'duplicate', value: '2' },
        { line: 11, code: 'empty-target', column: 'doel', value: '' },
      ],
    })
  })

  it('refuses a file without the columns, an empty one and one that is not UTF-8', () => {
    expect(parseTargetsCsv('wat;ander;spul\n1;2;3', PLAN)).toEqual({ ok: false, problems: [{ line: 1, code: 'no-header', value: 'kpi, interventie, periode, doel' }] })
    expect(parseTargetsCsv('', PLAN)).toEqual({ ok: false, problems: [{ line: 0, code: 'empty-file' }] })
    expect(parseTargetsCsv(`${BOM}KPI;interventie;periode;doel\n`, PLAN)).toEqual({ ok: false, problems: [{ line: 0, code: 'empty-file' }] })
    // What a Windows-1252 file with "ï" looks like decoded as UTF-8.
    expect(parseTargetsCsv('KPI;interventie;periode;doel\ngeïncludeerd;wor;p1;1'.replace('ï', '\uFFFD'), PLAN)).toEqual({ ok: false, problems: [{ line: 0, code: 'not-utf8' }] })
  })

  it('reads what a person types as a target', () => {
    expect(['40', ' 40 ', '1.000', '90 %', '', '4,5', '-3', 'abc'].map(readTarget)).toEqual([40, 40, 1000, 90, 'empty-target', 'not-whole', -3, 'not-a-number'])
  })
})

describe('what an import changes', () => {
  it('marks each target new, changed or the same as what is stored', () => {
    const stored = [
      { period: 'p1', kpi: 'included' as const, intervention: 'wor' as const, target: 100 },
      { period: 'p1', kpi: 'included' as const, intervention: 'vg' as const, target: 40 },
    ]
    const imported = [
      { period: 'p1', kpi: 'included' as const, intervention: 'wor' as const, target: 120 },
      { period: 'p1', kpi: 'included' as const, intervention: 'vg' as const, target: 40 },
      { period: 'p2', kpi: 'included' as const, intervention: 'wor' as const, target: 60 },
    ]
    expect(targetChanges(imported, stored).map((r) => [r.status, r.from, r.target])).toEqual([
      ['changed', 100, 120],
      ['same', 40, 40],
      ['new', undefined, 60],
    ])
  })
})

describe('CSV for Dutch Excel', () => {
  it('writes a BOM, semicolons, CRLF, quotes where needed and no formulas', () => {
    expect(toExcelCsv(['Gemeente', 'Bereikt (nieuw)'], [['Oss', 3], ['Sint-Oedenrode; Boekel', '<5'], ['=HYPERLINK("x")', -2]])).toBe(
      `${BOM}Gemeente;Bereikt (nieuw)\r\nOss;3\r\n"Sint-Oedenrode; Boekel";<5\r\n"'=HYPERLINK(""x"")";-2\r\n`,
    )
  })

  it('reads quoted cells with separators, quotes and line breaks back', () => {
    expect(parseCsv('a;b\r\n"x;y";"say ""hi"""\r\n"two\nlines";z')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x;y', 'say "hi"'] },
      { line: 3, cells: ['two\nlines', 'z'] },
    ])
  })

  it('exports the stored targets with Dutch names in a file the import reads back unchanged', () => {
    const targets = [
      { period: 'p4', kpi: 'first-contact' as const, intervention: 'wor' as const, target: 90 },
      { period: 'p1', kpi: 'included' as const, intervention: 'vg' as const, target: 40 },
      { period: 'backup', kpi: 'included' as const, intervention: 'wor' as const, target: 10 },
    ]
    const text = targetsCsv(targets, PLAN)
    expect(text.split('\r\n').slice(0, 3)).toEqual([`${BOM}KPI;interventie;periode;doel`, 'Bereikte inwoners (nieuw);Verkennend Gesprek;Periode 1 (t/m juni 2025);40', 'Eerste contact binnen 14 dagen;Welzijn op Recept;Periode 4 (2e helft 2026);90'])
    const back = parseTargetsCsv(text, PLAN)
    expect(back.ok && [...back.targets].sort((a, b) => a.period.localeCompare(b.period))).toEqual([...targets].sort((a, b) => a.period.localeCompare(b.period)))
  })
})
