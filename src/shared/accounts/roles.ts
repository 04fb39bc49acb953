/** Roles within an organisation. Residents need no account. */
export const ROLES = ['huisarts', 'sociaal-werker', 'kaartbeheerder', 'programma', 'beheerder'] as const
export type Role = (typeof ROLES)[number]

/**
 * Roles that reach across the whole region (the whole social map, all programme figures). They
 * are held only in the region's own organisation, the programme office (docs/security.md).
 */
export const REGION_ROLES = ['kaartbeheerder', 'programma'] as const satisfies readonly Role[]
export const isRegionRole = (role: Role): boolean => (REGION_ROLES as readonly Role[]).includes(role)
