/** Age groups the resident filters on; a service fits when its age range overlaps. */
export const AGE_GROUPS = {
  kinderen: [0, 11],
  jongeren: [12, 17],
  volwassenen: [18, 66],
  ouderen: [67, 120],
} as const satisfies Record<string, readonly [number, number]>
export type AgeGroup = keyof typeof AGE_GROUPS
export const AGE_GROUP_KEYS = Object.keys(AGE_GROUPS) as AgeGroup[]

export function fitsAgeGroup(minimumAge: number | undefined, maximumAge: number | undefined, group: AgeGroup): boolean {
  const [lo, hi] = AGE_GROUPS[group]
  return (minimumAge ?? 0) <= hi && (maximumAge ?? 120) >= lo
}
