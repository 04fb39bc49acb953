/**
 * The words for the steering measures' tables (measureSums.ts): each table's name and what it
 * counts, each bucket, group and breakdown value in B1 Dutch (English second), the method's own
 * step titles for fidelity, and a cell as "12 van 15 (80%)". Never a code on screen.
 */
import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { INTERVENTION_IDS, type InterventionId } from '../../../shared/interventions'
import { allSteps } from '../../../shared/method/definition'
import { UNKNOWN } from '../../../shared/kpi/counts'
import { intlLocale } from '../../ui/dates'
import { useMethod } from '../method/useMethod'
import { shareOf, type Dimension, type FigureCell, type FigureGroup, type SectionId, type Shown } from './measureSums'

export function useMeasureNames() {
  const { t, te, locale } = useI18n()
  const method = useMethod()
  const lang = computed(() => (locale.value === 'en' ? 'en' : 'nl'))

  /** Every step id in the newest method's order (the pathways' steps, then the samenwerkoverleg). */
  const steps = computed(() => [...new Set(INTERVENTION_IDS.flatMap((i) => allSteps(method.latest.value, i).map((s) => s.id)))])
  /** A step's title from the newest version that has it (an older step keeps its name). */
  function stepTitle(id: string): string {
    for (const d of [...method.all.value].reverse())
      for (const i of INTERVENTION_IDS) {
        const step = allSteps(d, i).find((s) => s.id === id)
        if (step) return step.title[lang.value]
      }
    return t('pro.kpi.measures.unknownStep')
  }

  const number = (n: number) => new Intl.NumberFormat(intlLocale(locale.value)).format(n)
  const percent = (x: number) => new Intl.NumberFormat(intlLocale(locale.value), { style: 'percent', maximumFractionDigits: 0 }).format(x)
  const shownText = (s: Shown) => (typeof s === 'number' ? number(s) : s)

  const intervention = (i: string) => (te(`cases.pathways.${i}`) ? t(`cases.pathways.${i}`) : t('pro.kpi.unknown'))
  const sectionTitle = (s: SectionId) => t(`pro.kpi.measures.sections.${s}.title`)
  const sectionAbout = (s: SectionId) => t(`pro.kpi.measures.sections.${s}.about`)

  /** A group's name: the intervention, its step, a life domain, a moment or a kind of help. */
  function groupName(section: SectionId, key: string): string {
    if (section === 'fidelity') return stepTitle(key.split('|')[1] ?? '')
    if (section === 'domain-change') return te(`domain.${key}`) ? t(`domain.${key}`) : key
    if (section === 'support') return t(`cases.progress.category.${key}`)
    if (section === 'satisfaction') return t(`pro.kpi.measures.moments.${key}`)
    return intervention(key)
  }

  /** A bucket's name; a closing reason in the words of the intervention's own list. */
  function bucketName(section: SectionId, bucket: string, groupKey: string): string {
    if (section === 'close-reason') {
      if (bucket === UNKNOWN) return t('pro.kpi.unknown')
      const i = groupKey as InterventionId
      const key = i === 'sa' ? `cases.sa.outflows.${bucket}` : i === 'vg' ? `cases.vg.outcomes.${bucket}` : `cases.close.categories.${bucket}`
      return te(key) ? t(key) : bucket
    }
    return t(`pro.kpi.measures.buckets.${section}.${bucket}`)
  }

  /** "12 van 15 (80%)" where the total is shown; else the count as shown ("12", "<5", "×"). */
  function cellText(cell: FigureCell, group: FigureGroup): string {
    const share = shareOf(cell, group)
    return share === undefined ? shownText(cell.shown) : t('pro.kpi.measures.share', { n: number(cell.count), total: number(group.total ?? 0), percent: percent(share) })
  }
  /** "8 (73%)" for a table that shows the total in a column of its own. */
  function countShare(cell: FigureCell, group: FigureGroup): string {
    const share = shareOf(cell, group)
    return share === undefined ? shownText(cell.shown) : t('pro.kpi.measures.countShare', { n: number(cell.count), percent: percent(share) })
  }

  const dimensionName = (d: Dimension) => t(`pro.kpi.measures.dimensions.${d}`)
  /** A breakdown value in words: a municipality as it is, the others from their lists, an organisation by name. */
  function valueName(d: Dimension, value: string, organisations: Readonly<Record<string, string>>): string {
    if (value === UNKNOWN) return t('pro.kpi.unknown')
    if (d === 'intervention') return intervention(value)
    if (d === 'referrerType') return te(`cases.referrers.${value}`) ? t(`cases.referrers.${value}`) : value
    if (d === 'ageBand') return te(`pro.kpi.measures.ageBands.${value}`) ? t(`pro.kpi.measures.ageBands.${value}`) : value
    if (d === 'organisationId') return organisations[value] ?? t('pro.kpi.measures.unknownOrganisation')
    return value
  }

  return { steps, stepTitle, number, shownText, intervention, sectionTitle, sectionAbout, groupName, bucketName, cellText, countShare, dimensionName, valueName }
}
