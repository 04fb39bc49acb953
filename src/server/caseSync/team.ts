/**
 * Who is on a case (docs/case-sync.md "The team"): the lead adds a sociaal-werker of the case's
 * organisation or an invitee of another one who accepted (the document key sealed to their exchange key), removes a member with a
 * new key generation boxed to everyone who stays, and hands the lead to a member. Each change runs
 * in one transaction that locks the document's row first (as documents.ts does), and is logged
 * (NEN 7513: share, remove, handover). The server cannot open any box: it checks who sealed it, to
 * whom and for what (the context), so a box for another case, generation or person is refused.
 */
import type { AddMember, HandOver, Members, RemoveMember } from '../../shared/api/caseTeam'
import { exchangeBoxContext, isExchangeBox, type AnyKeyBox, type ExchangeKeyBox } from '../../shared/caseSync/exchange'
import { signatureVerifies } from '../../shared/caseSync/messages'
import { verifySealedSender } from '../../shared/crypto/sealed'
import type { Database, Queryable } from '../db/types'
import { logAccess, type Actor } from './access'
import { ACTING_ON_ITS_DEVICE, memberDoc, STILL_IN_ORGANISATION, type Asker, type DocRow } from './documents'
import { actingOrganisation } from './invitations'
import { certifiedSigningKey, exchangeKeyOf, NOT_FOUND, teamRefusal, type TeamResult } from './teamKeys'

const NOT_LEAD = teamRefusal(403, 'not-lead', 'Only the lead of the case (casusregisseur) may do this.')
const BAD_BOX = (error: string) => teamRefusal(400, 'bad-key-box', error)

/** The members of a case with their roles; undefined when the user is none. */
export async function membersOf(db: Queryable, docId: string, asker: Asker): Promise<Members | undefined> {
  // Only a member still acting for their organisation, on a device of it (documents.ts ACTING_ON_ITS_DEVICE).
  const member = await db.query(`SELECT 1 FROM sync_members m WHERE m.document_id = $1 AND m.user_id = $2 AND ${ACTING_ON_ITS_DEVICE('$3')}`, [docId, asker.userId, asker.organisationId])
  if (!member.rows.length) return undefined
  const userId = asker.userId
  const { rows } = await db.query<{ user_id: string; name: string | null; role: 'lead' | 'member'; added_at: Date | string; key_gen: number; me: boolean }>(
    `SELECT m.user_id, u.name, m.role, m.added_at, d.key_gen, m.user_id = $2 AS me
     FROM sync_members m JOIN sync_documents d ON d.id = m.document_id LEFT JOIN users u ON u.id = m.user_id
     WHERE m.document_id = $1 AND ${STILL_IN_ORGANISATION} ORDER BY m.role = 'lead' DESC, m.added_at, m.user_id`,
    [docId, userId],
  )
  if (!rows.some((r) => r.me)) return undefined
  return { keyGen: rows[0]!.key_gen, members: rows.map((r) => ({ userId: r.user_id, name: r.name, role: r.role, addedAt: new Date(r.added_at).toISOString() })) }
}

/** The case locked for a change by its lead, or why not. */
async function leadDoc(tx: Queryable, docId: string, actor: Actor): Promise<TeamResult<DocRow>> {
  const doc = await memberDoc(tx, docId, actor, 'update')
  if (!doc) return NOT_FOUND
  if (doc.role !== 'lead') return NOT_LEAD
  return { ok: true, status: 200, value: doc }
}

/** Null when the box is sealed by the actor's certified device to exactly the person's current exchange key, for this case and generation. */
async function exchangeBoxProblem(tx: Queryable, actor: Actor, box: ExchangeKeyBox, to: { docId: string; keyGen: number; userId: string }): Promise<TeamResult<never> | null> {
  if (box.docId !== to.docId || box.keyGen !== to.keyGen || box.userId !== to.userId) return BAD_BOX('The key box names another case, key generation or person.')
  const exchange = await exchangeKeyOf(tx, to.userId)
  if (!exchange) return teamRefusal(409, 'no-exchange-key', 'This colleague has no exchange key yet: they open the app once on an approved device first.')
  if (box.exchangeKeyId !== exchange.keyId) return BAD_BOX("The key box is not sealed to the colleague's exchange key.")
  if (box.box.sender.deviceId !== actor.deviceId) return teamRefusal(403, 'wrong-sender', 'It must be sealed by the device this session runs on.')
  if (box.box.recipients.length !== 1 || box.box.recipients[0]!.deviceId !== exchange.keyId) return BAD_BOX('The box must be sealed to exactly the exchange key.')
  const key = await certifiedSigningKey(tx, actor.deviceId)
  if (!key) return teamRefusal(403, 'device-not-certified', 'This device has no valid certificate.')
  if (!(await verifySealedSender(box.box, exchangeBoxContext(box), key))) return teamRefusal(403, 'bad-signature', "The signature does not verify with this device's certified key.")
  return null
}

async function insertBox(tx: Queryable, box: AnyKeyBox) {
  await tx.query('INSERT INTO sync_key_boxes (document_id, key_gen, user_id, user_key_id, box) VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT DO NOTHING', [
    box.docId,
    box.keyGen,
    box.userId,
    isExchangeBox(box) ? box.exchangeKeyId : box.userKeyId,
    JSON.stringify(box),
  ])
}

/**
 * The lead adds a sociaal-werker of the case's organisation, or someone who accepted an invitation to
 * this case and is still a sociaal-werker of their organisation (invitations.ts), with the current
 * document key sealed to them. The member row names the organisation they act for.
 */
export async function addMember(db: Database, actor: Actor, docId: string, req: AddMember, at: Date): Promise<TeamResult<{ duplicate: boolean }>> {
  return db.transaction(async (tx) => {
    const lead = await leadDoc(tx, docId, actor)
    if (!lead.ok) return lead
    const doc = lead.value
    const actsFor = await actingOrganisation(tx, docId, req.userId, doc.organisation_id)
    if (!actsFor) return teamRefusal(400, 'not-a-colleague', 'Only a sociaal-werker of the same organisation, or someone who accepted an invitation to this case, can be added.')
    const { rows: had } = await tx.query('SELECT 1 FROM sync_members WHERE document_id = $1 AND user_id = $2', [docId, req.userId])
    if (had.length) return teamRefusal(409, 'already-member', 'This colleague is on the case already.')
    if (doc.requires_snapshot) return teamRefusal(409, 'snapshot-required', 'The case is being re-keyed: sync first, then add.')
    const wrong = await exchangeBoxProblem(tx, actor, req.keyBox, { docId, keyGen: doc.key_gen, userId: req.userId })
    if (wrong) return wrong
    await tx.query("INSERT INTO sync_members (document_id, user_id, role, added_at, organisation_id) VALUES ($1, $2, 'member', $3, $4)", [docId, req.userId, at, actsFor])
    await tx.query('DELETE FROM case_invitations WHERE document_id = $1 AND invitee_id = $2', [docId, req.userId])
    await insertBox(tx, req.keyBox)
    await logAccess(tx, actor, docId, 'share', at)
    return { ok: true, status: 201, value: { duplicate: false } }
  })
}

/**
 * The lead removes a member: the next key generation, boxed to every member who stays (the lead
 * under its own user key, signed by the session's device; the others sealed to their exchange
 * keys). The document then requires a snapshot under it; the removed person's boxes go.
 */
export async function removeMember(db: Database, actor: Actor, docId: string, userId: string, req: RemoveMember, at: Date): Promise<TeamResult<{ keyGen: number }>> {
  return db.transaction(async (tx) => {
    const lead = await leadDoc(tx, docId, actor)
    if (!lead.ok) return lead
    const doc = lead.value
    if (userId === actor.userId) return teamRefusal(400, 'lead-stays', 'The lead cannot leave the case: hand the lead over first.')
    // Who left the organisation they act for is no member any more (membersOf leaves them out): the
    // re-key drops them too, so nobody needs a key box for them.
    const { rows: members } = await tx.query<{ user_id: string; active: boolean }>(`SELECT m.user_id, ${STILL_IN_ORGANISATION} AS active FROM sync_members m WHERE m.document_id = $1`, [docId])
    if (!members.some((m) => m.user_id === userId && m.active)) return teamRefusal(400, 'not-a-member', 'This person is not on the case.')
    const keyGen = doc.key_gen + 1
    if (req.keyGen !== keyGen) return teamRefusal(409, 'key-outdated', `The next key generation is ${keyGen}: pull and try again.`)
    const staying = new Set(members.filter((m) => m.active).map((m) => m.user_id).filter((m) => m !== userId))
    const gone = members.filter((m) => !m.active).map((m) => m.user_id)
    const covered = new Set<string>()
    for (const box of req.keyBoxes) {
      if (box.docId !== docId || box.keyGen !== keyGen || !staying.has(box.userId)) return BAD_BOX('Each key box is for this case, the next key generation and a member who stays.')
      if (covered.has(box.userId)) return BAD_BOX('One key box per member.')
      if (isExchangeBox(box)) {
        if (box.userId === actor.userId) return BAD_BOX("The lead's own box is under its user key.")
        const wrong = await exchangeBoxProblem(tx, actor, box, { docId, keyGen, userId: box.userId })
        if (wrong) return wrong
      } else {
        if (box.userId !== actor.userId) return BAD_BOX("Another member's box is sealed to their exchange key.")
        if (box.deviceId !== actor.deviceId) return teamRefusal(403, 'wrong-sender', 'It must be signed by the device this session runs on.')
        const key = await certifiedSigningKey(tx, actor.deviceId)
        if (!key || !(await signatureVerifies(box, key))) return teamRefusal(403, 'bad-signature', "The signature does not verify with this device's certified key.")
      }
      covered.add(box.userId)
    }
    if (covered.size !== staying.size) return BAD_BOX('Every member who stays needs a key box of the new generation.')
    await tx.query('DELETE FROM sync_members WHERE document_id = $1 AND user_id = ANY($2::uuid[])', [docId, [userId, ...gone]])
    await tx.query('DELETE FROM sync_key_boxes WHERE document_id = $1 AND user_id = ANY($2::uuid[])', [docId, [userId, ...gone]])
    for (const box of req.keyBoxes) await insertBox(tx, box)
    await tx.query('UPDATE sync_documents SET key_gen = $2, requires_snapshot = true WHERE id = $1', [docId, keyGen])
    await logAccess(tx, actor, docId, 'remove', at)
    return { ok: true, status: 200, value: { keyGen } }
  })
}

/** The lead hands the lead to another member (who becomes the case's counting lead, docs/case-sync.md). */
export async function handOver(db: Database, actor: Actor, docId: string, req: HandOver, at: Date): Promise<TeamResult<{ duplicate: boolean }>> {
  return db.transaction(async (tx) => {
    const lead = await leadDoc(tx, docId, actor)
    if (!lead.ok) return lead
    if (req.userId === actor.userId) return { ok: true, status: 200, value: { duplicate: true } }
    // Only to a member still acting for their organisation (one who left it is no member any more).
    const moved = await tx.query(`UPDATE sync_members m SET role = 'lead' WHERE m.document_id = $1 AND m.user_id = $2 AND ${STILL_IN_ORGANISATION} RETURNING m.user_id`, [docId, req.userId])
    if (!moved.rows.length) return teamRefusal(400, 'not-a-member', 'Add this colleague to the case first.')
    await tx.query("UPDATE sync_members SET role = 'member' WHERE document_id = $1 AND user_id = $2", [docId, actor.userId])
    await logAccess(tx, actor, docId, 'handover', at)
    return { ok: true, status: 201, value: { duplicate: false } }
  })
}
