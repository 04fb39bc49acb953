/** Roles within an organisation. Residents need no account. */
export const ROLES = ['huisarts', 'sociaal-werker', 'kaartbeheerder', 'programma', 'beheerder'] as const
export type Role = (typeof ROLES)[number]
