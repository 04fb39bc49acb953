/** Human schedule text ("elke dinsdag 10:00–12:00", "eerste donderdag van de maand") in the current language. */
import { useI18n } from 'vue-i18n'
import type { Schedule } from '../../../shared/socialMap/hsds'
import type { ServiceSummary } from './data/protocol'
import { describeSchedule, hasEnded, type Occurrence, type ScheduleDescription } from '../../../shared/socialMap/schedule'

export function useScheduleText() {
  const { t, d } = useI18n()

  const hours = (x: { opensAt?: string; closesAt?: string }) =>
    x.opensAt && x.closesAt ? ` ${t('schedule.hours', { from: x.opensAt, to: x.closesAt })}` : x.opensAt ? ` ${t('schedule.from', { from: x.opensAt })}` : ''

  const dateOf = (iso: string) => new Date(`${iso}T12:00:00Z`)

  function describe(x: ScheduleDescription): string {
    switch (x.kind) {
      case 'weekly': {
        const days = x.weekdays.map((w) => t(`weekday.${w}`))
        const list = days.length > 1 ? `${days.slice(0, -1).join(', ')} ${t('schedule.and')} ${days.at(-1)}` : days[0]
        return (x.interval === 2 ? t('schedule.everyOtherWeek', { days: list }) : t('schedule.weekly', { days: list })) + hours(x)
      }
      case 'monthly-weekday':
        return t('schedule.monthlyWeekday', { nth: t(`ordinal.${x.ordinal}`), day: t(`weekday.${x.weekday}`) }) + hours(x)
      case 'monthly-day':
        return t('schedule.monthlyDay', { days: x.days.join(', ') }) + hours(x)
      case 'once':
        return t('schedule.once', { date: d(dateOf(x.date), 'day') }) + hours(x)
      case 'daily':
        return t('schedule.daily') + hours(x)
      case 'always':
        return t('schedule.alwaysOpen')
    }
  }

  function scheduleLines(schedules: readonly Schedule[], today: string): string[] {
    return schedules.filter((s) => !hasEnded(s, today)).flatMap((s) => describeSchedule(s).map(describe))
  }

  function nextText(next: Occurrence | undefined, today: string): string {
    return nextTextOf({ ...(next ? { next } : {}), ...(next?.date === today ? { nextDay: { today: true } } : {}) })
  }

  /** The next time of a result, its day as the data worker wrote it (no date formatter on this thread at start); without it, written here. */
  function nextTextOf(item: Pick<ServiceSummary, 'next' | 'nextDay'>): string {
    const next = item.next
    if (!next) return ''
    if (next.isAlwaysOpen) return t('schedule.alwaysOpen')
    const day = item.nextDay
    const when = !day ? d(dateOf(next.date), 'day') : 'today' in day ? t('schedule.today') : day.label
    return t('schedule.next', { when }) + hours(next)
  }

  return { scheduleLines, nextText, nextTextOf }
}
