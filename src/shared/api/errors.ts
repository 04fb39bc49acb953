/**
 * Every error the server answers is `{ error, code, ...extra }` (src/server/http/problem.ts): the
 * English `error` for logs, the `code` for the app, which says it in Dutch or English
 * (src/app/core/errorText.ts). SERVER_ERROR_CODES lists every code the server sends;
 * test/unit/serverErrorCodes.test.ts finds the codes in src/server and fails on one missing here.
 */
import { z } from 'zod'

/** An error reply; retryAfter (seconds) with 429 and 503, serverTime with a snapshot from the future, reason with a certificate that does not verify. */
export const errorReplySchema = z.object({ error: z.string(), code: z.string(), retryAfter: z.number().optional() }).loose()
export type ErrorReply = z.infer<typeof errorReplySchema>

/** A password the policy refuses (src/shared/accounts/passwordPolicy.ts): `password-` and the problem. */
export const PASSWORD_CODE_PREFIX = 'password-'

export const SERVER_ERROR_CODES = [
  // Requests in general (src/server/app.ts, http/, staticFiles.ts).
  'bad-request', 'bad-path', 'not-found', 'too-large', 'server-error', 'not-built', 'cross-site', 'csrf', 'forbidden',
  // Sessions and sign-in (auth/).
  'not-signed-in', 'second-factor-required', 'wrong', 'wrong-code', 'locked', 'wait', 'rate-limited', 'busy',
  'already-set-up', 'totp-setup-required', 'already-bootstrapped', 'bad-code', 'region-exists', 'no-organisation',
  // Links, members and organisations.
  'link-invalid', 'sign-in-first', 'name-required', 'password-required', 'reset-chain', 'exists', 'region-role', 'region-only',
  'not-home-organisation', 'self', 'last-beheerder', 'conflict',
  // Devices and certificates (docs/device-trust.md).
  'device-required', 'device-revoked', 'register-again', 'bad-proof', 'already-bound', 'certificate-required', 'bad-certificate',
  'certificate-mismatch', 'certificate-keys-mismatch', 'certificate-roles-mismatch', 'no-organisation-key', 'key-exists',
  // Counting (src/shared/kpi/snapshot.ts KPI_REFUSALS).
  'counter-unknown', 'counter-not-yours', 'counter-moved', 'counter-elsewhere', 'counter-not-bound', 'bad-signature', 'version-in-future', 'implausible-counts',
  // Referrals.
  'recipients-changed', 'wrong-sender', 'device-not-certified',
  // Help requests from residents (routes/helpRequests.ts).
  'no-route',
  // Recovery (docs/case-sync.md "Recovery"), and where a box goes.
  'wrong-recipient', 'wrong-organisation', 'no-recovery-key', 'recovery-key-exists', 'recovery-group-too-small', 'not-a-beheerder-device',
  'not-in-recovery-group', 'unknown-recovery-key', 'nothing-to-recover', 'request-closed', 'same-beheerder', 'unknown-key', 'clock-skew',
  // Case sync (docs/case-sync.md "Server"): a message that does not fit the protocol; the engine handles the rest.
  'doc-mismatch', 'not-a-first-snapshot', 'bad-parent-hash', 'bad-key-generation', 'id-reused', 'too-many',
  // The team (docs/case-sync.md "The team"; src/server/caseSync/team.ts, teamKeys.ts, invitations.ts).
  'not-lead', 'not-a-member', 'not-a-colleague', 'already-member', 'lead-stays', 'no-exchange-key', 'bad-key-box', 'wrong-person',
  'key-outdated', 'snapshot-required',
  // The referral routing table.
  'duplicate-route',
  // The resident's plan links (docs/resident-plan.md "Server").
  'bad-expiry', 'link-withdrawn', 'link-expired',
  // The samenwerkplan shared with participants (docs/shared-plan.md "Server").
  'version-outdated', 'not-invited',
  // The quick room update of a listing (src/server/routes/mapRoom.ts).
  'retired',
  // Residents' initiatives (docs/initiatives.md): the editors' queue is full; a stored proposal no longer passes the check.
  'queue-full', 'unreadable',
  // Health (/api/health/ready, for a load balancer, not a person).
  'stopping', 'database',
] as const
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number]
