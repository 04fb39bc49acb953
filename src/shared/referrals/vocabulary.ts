/**
 * The words a GP's referral is made of: its own module, so the case record (cases/v1.ts) can keep
 * what the GP wrote without importing referral.ts (which imports the case's VG outcomes).
 */
export const REFERRAL_REASONS = ['eenzaamheid', 'somberheid', 'geldzorgen', 'geheugen', 'mantelzorg', 'ingrijpende-gebeurtenis', 'werk-dagbesteding', 'wonen', 'anders'] as const
export const DOMAINS_4D = ['lichaam', 'geest', 'sociaal', 'maatschappelijk'] as const
export const URGENCIES = ['gewoon', 'snel'] as const
