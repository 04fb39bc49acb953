/**
 * Seeds for the team routes' matrix and fuzz rows (test/server/caseTeamMatrix.ts,
 * test/server/fuzz/caseTeam.ts; docs/case-sync.md "The team"): a colleague in the case's
 * organisation with an exchange key stored straight in the table, a membership written straight in,
 * and the key boxes the lead's device makes with real keys.
 */
import { randomUUID } from 'node:crypto'
import type { Database } from '../../src/server/db/types'
import { makeExchangeKey, sealDocumentKey } from '../../src/shared/caseSync/exchange'
import { newDocumentKey, wrapDocumentKey } from '../../src/shared/caseSync/messages'
import { makeDeviceKeys } from './devices'
import type { Signer, TestCase } from './caseSyncWorld'

const someUk = async () => ({ keyId: randomUUID(), key: await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']) })

/** Gives `userId` an exchange key (signed by a device of no one: the add route checks only that it exists and is theirs). */
export async function seedExchangeKey(db: Database, userId: string) {
  const { record } = await makeExchangeKey(userId, await someUk(), { deviceId: randomUUID(), signingKey: (await makeDeviceKeys()).signing.privateKey })
  await db.query('INSERT INTO user_exchange_keys (key_id, user_id, device_id, body) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (user_id) DO NOTHING', [record.keyId, userId, record.deviceId, JSON.stringify(record)])
  const { rows } = await db.query<{ body: typeof record }>('SELECT body FROM user_exchange_keys WHERE user_id = $1', [userId])
  return rows[0]!.body
}

/** The body of POST …/members: the case's key sealed by `by` to `userId`'s exchange key. */
export async function addBody(db: Database, c: Pick<TestCase, 'docId' | 'dk'>, by: Signer, userId: string) {
  const key = await seedExchangeKey(db, userId)
  const signer = { deviceId: by.device.id, signingKey: by.device.keys.signing.privateKey }
  return { userId, keyBox: await sealDocumentKey(c.dk, { docId: c.docId, keyGen: 1, userId, exchangeKey: { deviceId: key.keyId, publicKey: key.publicKey } }, signer, new Date().toISOString()) }
}

/** Writes `userId` into the case as a member (past the API). */
export const seedMember = (db: Database, docId: string, userId: string) =>
  db.query("INSERT INTO sync_members (document_id, user_id, role) VALUES ($1, $2, 'member') ON CONFLICT DO NOTHING", [docId, userId])

/** The body of POST …/members/:userId/remove when the lead (`by`) is the only one who stays. */
export async function removeBody(c: Pick<TestCase, 'docId' | 'userKey' | 'userKeyId'>, by: Signer) {
  const signer = { deviceId: by.device.id, signingKey: by.device.keys.signing.privateKey }
  return { keyGen: 2, keyBoxes: [await wrapDocumentKey(await newDocumentKey(), c.userKey, signer, { docId: c.docId, keyGen: 2, userId: by.userId, userKeyId: c.userKeyId })] }
}

/** An invitation to the case for `userId`, pending (or accepted for `organisationId`), written straight in. */
export async function seedInvitation(db: Database, docId: string, userId: string, accepted?: { organisationId: string }) {
  await db.query(
    `INSERT INTO case_invitations (document_id, invitee_id, inviter_organisation_id, created_at, expires_at, accepted_at, organisation_id)
     SELECT $1, $2, organisation_id, now(), now() + interval '1 year', $3::timestamptz, $4::uuid FROM sync_documents WHERE id = $1
     ON CONFLICT (document_id, invitee_id) DO NOTHING`,
    [docId, userId, accepted ? new Date() : null, accepted?.organisationId ?? null],
  )
}
