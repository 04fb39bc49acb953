/**
 * A case's life-domain picture: the props LifeDomainChart.vue needs (baseline, now, texts), and
 * the one place a case's scores are recorded as snapshots (src/shared/cases/lifeDomainPicture.ts:
 * the first snapshot is the baseline and is kept).
 */
import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { baselineOf, recordScores } from '../../../shared/cases/lifeDomainPicture'
import type { CaseRecord } from '../../../shared/cases/v2'
import { LIFE_DOMAINS, type LifeDomain } from '../../../shared/socialMap/lifeDomains'
import type { LifeDomainChartTexts } from '../../ui/LifeDomainChart.vue'
import { useDates } from '../../ui/dates'
import { isoToday } from './useCaseDraft'

type DomainScores = Partial<Record<LifeDomain, number>>

/** The case's current scores, one per scored domain. */
export function scoresOf(record: CaseRecord): DomainScores {
  const out: DomainScores = {}
  for (const d of LIFE_DOMAINS) {
    const score = record.lifeDomains[d]?.score
    if (score !== undefined) out[d] = score
  }
  return out
}

/**
 * Brings the case's snapshots up to its scores today: the first scoring becomes the baseline
 * (for an older case scored before this: its scores at this first open); a later change updates
 * today's "now", never the baseline. Leaves the record alone when nothing changes.
 */
export function trackScores(record: CaseRecord): void {
  const before = record.domainSnapshots ?? []
  const after = recordScores(before, scoresOf(record), isoToday())
  if (after !== before) record.domainSnapshots = after
}

/** The chart's props for a case (reactive). */
export function useLifeDomainPicture(record: () => CaseRecord) {
  const { t } = useI18n()
  const { date } = useDates()
  return computed(() => {
    const r = record()
    const current = scoresOf(r)
    const baseline = baselineOf(r.domainSnapshots, current)
    const first = r.domainSnapshots?.[0]
    const texts: LifeDomainChartTexts = {
      title: t('cases.domains.chart.title'),
      baseline: t('cases.domains.chart.baseline'),
      current: t('cases.domains.chart.current'),
      baselineLegend: first ? t('cases.domains.chart.baselineOn', { date: date(first.date) }) : undefined,
      currentLegend: t('cases.domains.chart.currentNow'),
      scale: t('cases.domains.scale'),
      domain: t('cases.domains.chart.domain'),
      change: t('cases.domains.chart.change'),
      summaryItem: (name, b, n) => t('cases.domains.chart.summaryItem', { name, baseline: b, now: n }),
    }
    return {
      domains: LIFE_DOMAINS,
      names: Object.fromEntries(LIFE_DOMAINS.map((d) => [d, t(`domain.${d}`)])),
      axisLabels: Object.fromEntries(LIFE_DOMAINS.map((d) => [d, t(`cases.domains.short.${d}`)])),
      baseline,
      current,
      texts,
      hasScores: Object.keys(baseline).length > 0 || Object.keys(current).length > 0,
    }
  })
}
