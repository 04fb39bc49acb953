import { describe, expect, it } from 'vitest'
import { baselineOf, changeText, labelPlacement, radarPoint, radarShape, recordScores, type DomainSnapshot } from '../../src/shared/cases/lifeDomainPicture'

type S = DomainSnapshot<string>[]

describe('the baseline is kept from the first scoring', () => {
  it('writes the baseline at the first score, dated, and nothing before', () => {
    expect(recordScores([], {}, '2026-11-02')).toEqual([])
    expect(recordScores([], { geldzaken: 2 }, '2026-11-02')).toEqual([{ date: '2026-11-02', scores: { geldzaken: 2 } }])
  })

  it('on the first day, a domain scored for the first time joins the baseline; a changed one goes to now', () => {
    let s: S = recordScores([], { geldzaken: 2 }, '2026-11-02')
    s = recordScores(s, { geldzaken: 2, wonen: 4 }, '2026-11-02')
    expect(s).toEqual([{ date: '2026-11-02', scores: { geldzaken: 2, wonen: 4 } }])
    s = recordScores(s, { geldzaken: 3, wonen: 4 }, '2026-11-02')
    expect(s[0]).toEqual({ date: '2026-11-02', scores: { geldzaken: 2, wonen: 4 } })
    expect(s[1]).toEqual({ date: '2026-11-02', scores: { geldzaken: 3, wonen: 4 } })
    s = recordScores(s, { geldzaken: 3, wonen: 4, zingeving: 5 }, '2026-11-02')
    expect(s[0]!.scores).toEqual({ geldzaken: 2, wonen: 4, zingeving: 5 })
    expect(s).toHaveLength(2)
  })

  it('later changes update one snapshot a day and never the baseline', () => {
    let s: S = [{ date: '2026-11-02', scores: { geldzaken: 2, wonen: 4 } }]
    s = recordScores(s, { geldzaken: 3, wonen: 4 }, '2026-11-20')
    s = recordScores(s, { geldzaken: 4, wonen: 4, meedoen: 2 }, '2026-11-20')
    expect(s).toEqual([
      { date: '2026-11-02', scores: { geldzaken: 2, wonen: 4 } },
      { date: '2026-11-20', scores: { geldzaken: 4, wonen: 4, meedoen: 2 } },
    ])
    s = recordScores(s, { geldzaken: 5, wonen: 4, meedoen: 2 }, '2026-12-01')
    expect(s.map((x) => x.date)).toEqual(['2026-11-02', '2026-11-20', '2026-12-01'])
    expect(s[0]!.scores.geldzaken).toBe(2)
  })

  it('drops today\'s snapshot when the scores go back to the day before, and returns the same list when nothing changed', () => {
    const base: S = [{ date: '2026-11-02', scores: { geldzaken: 2 } }]
    const changed = recordScores(base, { geldzaken: 3 }, '2026-11-20')
    expect(recordScores(changed, { geldzaken: 2 }, '2026-11-20')).toEqual(base)
    expect(recordScores(base, { geldzaken: 2 }, '2026-11-20')).toBe(base)
    expect(recordScores(changed, { geldzaken: 3 }, '2026-11-20')).toBe(changed)
  })

  it('keeps at most 100 snapshots, the baseline always first', () => {
    let s: S = [{ date: '2026-01-01', scores: { geldzaken: 1 } }]
    for (let d = 0; d < 120; d++) s = recordScores(s, { geldzaken: (d % 4) + 2 }, `2027-${String(Math.floor(d / 28) + 1).padStart(2, '0')}-${String((d % 28) + 1).padStart(2, '0')}`)
    expect(s).toHaveLength(100)
    expect(s[0]).toEqual({ date: '2026-01-01', scores: { geldzaken: 1 } })
  })

  it('an older case without snapshots shows its scores as the baseline', () => {
    expect(baselineOf(undefined, { wonen: 3 })).toEqual({ wonen: 3 })
    expect(baselineOf([{ date: '2026-11-02', scores: { wonen: 1 } }], { wonen: 3 })).toEqual({ wonen: 1 })
  })

  it('writes the change the way a person reads it', () => {
    expect([changeText(2, 4), changeText(4, 4), changeText(4, 1), changeText(undefined, 3)]).toEqual(['+2', '0', '−3', undefined])
  })
})

describe('the radar', () => {
  const g = { cx: 100, cy: 100, r: 50 }
  it('puts the first axis straight up and goes clockwise, score 5 on the outer ring', () => {
    expect(radarPoint(0, 4, 5, g)).toEqual({ x: 100, y: 50 })
    expect(radarPoint(1, 4, 5, g)).toEqual({ x: 150, y: 100 })
    expect(radarPoint(2, 4, 1, g)).toEqual({ x: 100, y: 110 })
  })

  it('closes the shape only when every axis is scored, and breaks it at a missing score', () => {
    expect(radarShape([5, 5, 5, 5], g)).toEqual({ closed: true, runs: [[{ x: 100, y: 50 }, { x: 150, y: 100 }, { x: 100, y: 150 }, { x: 50, y: 100 }]] })
    const broken = radarShape([5, undefined, 5, 5], g)
    expect(broken.closed).toBe(false)
    // The run wraps past the last axis: axes 2, 3, 0.
    expect(broken.runs).toEqual([[{ x: 100, y: 150 }, { x: 50, y: 100 }, { x: 100, y: 50 }]])
    expect(radarShape([undefined, 3, undefined, undefined], g).runs).toEqual([[{ x: 130, y: 100 }]])
    expect(radarShape([undefined, undefined], g).runs).toEqual([])
  })

  it('anchors labels away from the centre', () => {
    expect(labelPlacement(0, 4, g, 10)).toMatchObject({ x: 100, y: 40, anchor: 'middle', baseline: 'auto' })
    expect(labelPlacement(1, 4, g, 10)).toMatchObject({ x: 160, anchor: 'start', baseline: 'middle' })
    expect(labelPlacement(3, 4, g, 10)).toMatchObject({ x: 40, anchor: 'end' })
    expect(labelPlacement(2, 4, g, 10)).toMatchObject({ baseline: 'hanging' })
  })
})
