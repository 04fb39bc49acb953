/**
 * The case-sync server (docs/case-sync.md, "Server") with real WebCrypto and the shared message
 * code: a worker's phone and laptop make a case, send updates with contiguous clocks, take
 * snapshots (the older content purged), race each other, and are refused for every tampering;
 * nobody else — a GP, a beheerder, a social worker elsewhere, a colleague who is no member, a
 * device not approved or revoked — gets or changes anything. One world for the file (it is the
 * slow part); each test makes its own case.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/server/db/types'
import { docPullSchema, PULL_PAGE, type DocPull } from '../../src/shared/api/caseSync'
import { snapshotHash, type CaseUpdate } from '../../src/shared/caseSync/messages'
import { Clock, signedIn } from './agent'
import { caseSyncWorld, ownCase, TestCase, userKeyBox, type Phone } from './caseSyncWorld'
import { approvedBoundDevice, bindDevice, organisationTrust, registerDevice } from './devices'
import { setupServerTest, type TestApp } from './fixture'
import { describeFindings, scanDatabase } from '../support/secretScan'

let db: Database
let close: () => Promise<void>
let app: TestApp
const clock = new Clock()
let w: Awaited<ReturnType<typeof caseSyncWorld>>

beforeAll(async () => {
  ;({ db, close, app } = await setupServerTest({ clock }))
  w = await caseSyncWorld({ app, db, clock })
}, 60_000)
afterAll(async () => {
  await close()
})

const docs = (id: string) => `/api/case-sync/docs/${id}`
async function status(p: Phone, method: string, path: string, body?: unknown) {
  const res = await p.agent.call(method, path, body)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
async function newCase(by: Phone = w.phone): Promise<TestCase> {
  const c = await TestCase.make()
  expect((await status(by, 'POST', '/api/case-sync/docs', await c.createBody(by))).status).toBe(201)
  return c
}
async function pull(p: Phone, c: TestCase, query = ''): Promise<DocPull> {
  const res = await p.agent.call('GET', `${docs(c.docId)}${query}`)
  expect(res.status).toBe(200)
  return docPullSchema.parse(await res.json())
}
const post = (p: Phone, c: TestCase, u: CaseUpdate) => status(p, 'POST', `${docs(c.docId)}/updates`, u)
const count = async (sql: string, params: unknown[]) => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${sql}`, params)).rows[0]!.n)

describe('a case on its way between a worker’s devices', () => {
  it('leaves none of what was typed in any table (raw, base64, hex, UTF-16), while the scan finds the case id', async () => {
    const words = ['Geertruida Zonneveld', '123456782', 'schulden bij de woningcorporatie']
    const c = await newCase()
    for (const [i, p] of [w.phone, w.laptop, w.phone].entries()) expect((await post(p, c, await c.update(p, `${words[i]} (${words.join(', ')})`))).status).toBe(201)
    expect((await status(w.phone, 'POST', `${docs(c.docId)}/snapshots`, await c.snapshot(w.phone, c.clocks, { text: words.join(' · ') }))).status).toBe(201)
    expect((await status(w.phone, 'POST', '/api/case-sync/user-keys', await userKeyBox(w.phone, w.laptop.device))).status).toBe(201)
    expect(describeFindings(await scanDatabase(db, [c.docId]))).toContain(`${c.docId} as text in sync_documents`)
    expect(describeFindings(await scanDatabase(db, words))).toEqual([])
  })

  it('is made once (the same request again is a duplicate), listed, pulled with its key box, and logged', async () => {
    const c = await TestCase.make()
    const body = await c.createBody(w.phone)
    expect(await status(w.phone, 'POST', '/api/case-sync/docs', body)).toEqual({ status: 201, body: { duplicate: false } })
    expect(await status(w.phone, 'POST', '/api/case-sync/docs', body)).toEqual({ status: 200, body: { duplicate: true } })
    // Another first snapshot under the same case id is not the same request.
    const other = await c.createBody(w.phone)
    expect((await status(w.phone, 'POST', '/api/case-sync/docs', { ...other, keyBox: body.keyBox })).status).toBe(409)
    const listed = (await status(w.laptop, 'GET', '/api/case-sync/docs')).body.docs as { docId: string; role: string; lastSeq: number }[]
    expect(listed.find((d) => d.docId === c.docId)).toMatchObject({ role: 'lead', lastSeq: 0, requiresSnapshot: false, keyGen: 1, activeSnapshotId: body.snapshot.id })
    const pulled = await pull(w.laptop, c)
    expect(pulled.snapshot).toEqual(body.snapshot)
    expect(pulled.keyBoxes).toEqual([body.keyBox])
    expect(pulled.updates).toEqual([])
    // Pulled again with nothing new (a sync run checking in): no content went out, so no row (the log would grow with every poll).
    for (let i = 0; i < 2; i++) expect(await pull(w.laptop, c, `?known=${body.snapshot.id}&after=0`)).not.toHaveProperty('snapshot')
    const log = (await status(w.phone, 'GET', `${docs(c.docId)}/access-log`)).body.entries as { action: string; deviceId: string; userName: string }[]
    expect(log.map((e) => [e.action, e.deviceId])).toEqual([
      ['fetch', w.laptop.device.id],
      ['create', w.phone.device.id],
    ])
  })

  it('takes updates with contiguous clocks per device, stores an id once, and pulls them in order after a sequence number', async () => {
    const c = await newCase()
    const first = await c.update(w.phone)
    const one = await post(w.phone, c, first)
    expect(one).toMatchObject({ status: 201, body: { duplicate: false } })
    expect(await post(w.phone, c, first)).toEqual({ status: 200, body: { seq: one.body.seq, duplicate: true } })
    // The same id with other content, a gap and a repeat are refused; the gap says which clock is next.
    expect((await post(w.phone, c, await c.update(w.phone, 'anders', { clock: 1, id: first.id }))).body).toMatchObject({ code: 'id-reused' })
    expect((await post(w.phone, c, await c.update(w.phone, 'te ver', { clock: 3 }))).body).toMatchObject({ code: 'clock-mismatch', expected: 2 })
    expect((await post(w.phone, c, await c.update(w.phone, 'nog eens', { clock: 1 }))).body).toMatchObject({ code: 'clock-mismatch', expected: 2 })
    // Each device counts on its own.
    const laptopFirst = await c.update(w.laptop)
    expect((await post(w.laptop, c, laptopFirst)).status).toBe(201)
    const second = await c.update(w.phone)
    expect((await post(w.phone, c, second)).status).toBe(201)
    const all = await pull(w.laptop, c, `?known=${c.active.id}`)
    expect(all.snapshot).toBeUndefined()
    expect(all.updates.map((u) => u.update.id)).toEqual([first.id, laptopFirst.id, second.id])
    expect(all.updates.map((u) => u.update)).toEqual([first, laptopFirst, second])
    expect(all.doc.lastSeq).toBe(all.updates.at(-1)!.seq)
    const listed = (await status(w.phone, 'GET', '/api/case-sync/docs')).body.docs as { docId: string; lastSeq: number }[]
    expect(listed.find((d) => d.docId === c.docId)?.lastSeq).toBe(all.doc.lastSeq)
    const later = await pull(w.laptop, c, `?known=${c.active.id}&after=${all.updates[0]!.seq}`)
    expect(later.updates.map((u) => u.update.id)).toEqual([laptopFirst.id, second.id])
    // A device that does not know the active snapshot gets it and every update, whatever `after` says.
    const fresh = await pull(w.laptop, c, `?known=${randomUUID()}&after=${all.updates[2]!.seq}`)
    expect(fresh.snapshot?.id).toBe(c.active.id)
    expect(fresh.updates).toHaveLength(3)
    expect((await status(w.phone, 'GET', `${docs(c.docId)}?after=-1`)).status).toBe(400)
    expect((await status(w.phone, 'GET', `${docs(c.docId)}?known=nope`)).status).toBe(400)
  })

  it('pages a long pull (more) and takes a ciphertext far above the API’s usual 64 KB', async () => {
    const c = await newCase()
    const big = await c.update(w.phone, 'x'.repeat(300_000))
    expect(JSON.stringify(big).length).toBeGreaterThan(300_000)
    expect((await post(w.phone, c, big)).status).toBe(201)
    // Rows past one page: copies written straight into the table (the page limit is what is tested here).
    const small = await c.update(w.phone)
    expect((await post(w.phone, c, small)).status).toBe(201)
    await db.query(
      `INSERT INTO sync_updates (id, document_id, snapshot_id, device_id, clock, key_gen, body)
       SELECT gen_random_uuid(), $1, $2, $3, 2 + n, 1, (SELECT body FROM sync_updates WHERE id = $5) FROM generate_series(1, $4::int) AS n`,
      [c.docId, c.active.id, w.phone.device.id, PULL_PAGE, small.id],
    )
    const page = await pull(w.laptop, c)
    expect(page.updates).toHaveLength(PULL_PAGE)
    expect(page.more).toBe(true)
    expect((await pull(w.laptop, c, `?known=${c.active.id}&after=${page.updates.at(-1)!.seq}`)).more).toBe(false)
  })

  it('takes a snapshot only on the active one with the server’s clocks, then purges what it replaces', async () => {
    const c = await newCase()
    const first = c.active
    for (const p of [w.phone, w.laptop, w.phone]) expect((await post(p, c, await c.update(p, 'tekst die later weg is'))).status).toBe(201)
    // Clocks that miss an update, or name one the server does not have, are refused.
    expect((await status(w.phone, 'POST', `${docs(c.docId)}/snapshots`, await c.snapshot(w.phone, { [w.phone.device.id]: 2 }))).body).toMatchObject({ code: 'clocks-mismatch' })
    expect((await status(w.phone, 'POST', `${docs(c.docId)}/snapshots`, await c.snapshot(w.phone, { ...c.clocks, [w.laptop.device.id]: 2 }))).body).toMatchObject({ code: 'clocks-mismatch' })
    // A parent hash that is not the stored one: signed so (400), or altered after signing (403).
    const wrongHash = await c.snapshot(w.phone, c.clocks, { parentHash: 'a'.repeat(64) })
    expect((await status(w.phone, 'POST', `${docs(c.docId)}/snapshots`, wrongHash)).body).toMatchObject({ code: 'bad-parent-hash' })
    expect((await status(w.phone, 'POST', `${docs(c.docId)}/snapshots`, { ...(await c.snapshot(w.phone)), parentHash: 'a'.repeat(64) })).body).toMatchObject({ code: 'bad-signature' })
    const s = await c.snapshot(w.phone)
    expect(await status(w.phone, 'POST', `${docs(c.docId)}/snapshots`, s)).toEqual({ status: 201, body: { duplicate: false } })
    expect(await status(w.phone, 'POST', `${docs(c.docId)}/snapshots`, s)).toEqual({ status: 200, body: { duplicate: true } })
    const stale = await c.update(w.laptop)
    c.accepted(s)
    // The purge: the older updates are gone, the first snapshot keeps only its proof row.
    expect(await count('sync_updates WHERE document_id = $1', [c.docId])).toBe(0)
    const proof = (await db.query<{ id: string; body: unknown; snapshot_hash: string; parent_id: string | null }>('SELECT id, body, snapshot_hash, parent_id FROM sync_snapshots WHERE document_id = $1 ORDER BY created_at, parent_id NULLS FIRST', [c.docId])).rows
    expect(proof).toEqual([
      { id: first.id, body: null, snapshot_hash: await snapshotHash(first), parent_id: null },
      { id: s.id, body: expect.objectContaining({ id: s.id }), snapshot_hash: await snapshotHash(s), parent_id: first.id },
    ])
    // An update or snapshot on the replaced one is outdated; clocks start again under the new one.
    expect((await post(w.laptop, c, stale)).body).toMatchObject({ code: 'snapshot-outdated' })
    const onReplaced = await c.snapshot(w.laptop, {}, { parentId: first.id, parentHash: await snapshotHash(first) })
    expect((await status(w.laptop, 'POST', `${docs(c.docId)}/snapshots`, onReplaced)).body).toMatchObject({ code: 'snapshot-outdated' })
    expect((await post(w.laptop, c, await c.update(w.laptop))).status).toBe(201)
    const after = await pull(w.laptop, c, `?known=${first.id}`)
    expect(after.snapshot).toEqual(s)
    expect(after.updates).toHaveLength(1)
  })

  it('after a key change takes only a snapshot under the new key generation, then nothing under the old one', async () => {
    const c = await newCase()
    expect((await post(w.phone, c, await c.update(w.phone))).status).toBe(201)
    // Re-keying (a member removed) comes with part 2; here the table says it happened.
    await db.query('UPDATE sync_documents SET key_gen = 2, requires_snapshot = true WHERE id = $1', [c.docId])
    expect((await post(w.laptop, c, await c.update(w.laptop, 'x', { clock: 1 }))).body).toMatchObject({ code: 'snapshot-required' })
    expect((await status(w.phone, 'POST', `${docs(c.docId)}/snapshots`, await c.snapshot(w.phone))).body).toMatchObject({ code: 'key-outdated' })
    expect((await status(w.phone, 'POST', `${docs(c.docId)}/snapshots`, await c.snapshot(w.phone, c.clocks, { keyGen: 3 }))).body).toMatchObject({ code: 'bad-key-generation' })
    const s = await c.snapshot(w.phone, c.clocks, { keyGen: 2 })
    expect((await status(w.phone, 'POST', `${docs(c.docId)}/snapshots`, s)).status).toBe(201)
    c.accepted(s)
    expect((await pull(w.laptop, c)).doc).toMatchObject({ keyGen: 2, requiresSnapshot: false, activeSnapshotId: s.id })
    expect((await post(w.laptop, c, await c.update(w.laptop, 'oud', { clock: 1, keyGen: 1 }))).body).toMatchObject({ code: 'key-outdated' })
    expect((await post(w.laptop, c, await c.update(w.laptop, 'nieuw', { clock: 1, keyGen: 2 }))).status).toBe(201)
  })

  it('lets one of two snapshots raced at once in; an update raced with a snapshot is never acknowledged and lost', async () => {
    const c = await newCase()
    for (const p of [w.phone, w.laptop]) expect((await post(p, c, await c.update(p))).status).toBe(201)
    const [a, b] = [await c.snapshot(w.phone), await c.snapshot(w.laptop)]
    const raced = await Promise.all([status(w.phone, 'POST', `${docs(c.docId)}/snapshots`, a), status(w.laptop, 'POST', `${docs(c.docId)}/snapshots`, b)])
    expect(raced.map((r) => r.status).sort()).toEqual([201, 409])
    expect(raced.find((r) => r.status === 409)!.body).toMatchObject({ code: 'snapshot-outdated' })
    const winner = raced[0]!.status === 201 ? a : b
    c.accepted(winner)
    expect((await pull(w.phone, c)).snapshot).toEqual(winner)
    // A snapshot and an update at once: the update is in the snapshot's clocks or under it, or refused.
    for (const p of [w.phone, w.laptop]) expect((await post(p, c, await c.update(p))).status).toBe(201)
    const s = await c.snapshot(w.phone)
    const u = await c.update(w.laptop)
    const [sr, ur] = await Promise.all([status(w.phone, 'POST', `${docs(c.docId)}/snapshots`, s), post(w.laptop, c, u)])
    expect([sr.status, ur.status].sort()).toEqual([201, 409])
    const now = await pull(w.phone, c)
    if (ur.status === 201) {
      expect(sr.body).toMatchObject({ code: 'clocks-mismatch' })
      expect(now.updates.map((x) => x.update.id)).toContain(u.id)
    } else {
      expect(ur.body).toMatchObject({ code: 'snapshot-outdated' })
      expect(now.snapshot?.id).toBe(s.id)
    }
  })
})

describe('tampering', () => {
  it('refuses an altered ciphertext, a message for another case, another device’s message, and a forged signer', async () => {
    const c = await newCase()
    const other = await newCase()
    const before = await count('sync_updates WHERE document_id = ANY($1::uuid[])', [[c.docId, other.docId]])
    const u = await c.update(w.phone)
    const flipped = u.ciphertext.startsWith('A') ? `B${u.ciphertext.slice(1)}` : `A${u.ciphertext.slice(1)}`
    expect((await post(w.phone, c, { ...u, ciphertext: flipped })).body).toMatchObject({ code: 'bad-signature' })
    expect((await post(w.phone, c, { ...u, clock: 2 })).body).toMatchObject({ code: 'bad-signature' })
    // An update of case A sent to case B, as it is and re-addressed (its signature covers the case).
    expect((await status(w.phone, 'POST', `${docs(other.docId)}/updates`, u)).status).toBe(400)
    expect((await status(w.phone, 'POST', `${docs(other.docId)}/updates`, { ...u, docId: other.docId })).body).toMatchObject({ code: 'bad-signature' })
    // The laptop's update sent from the phone's session; the phone's id on the laptop's signature.
    const fromLaptop = await c.update(w.laptop)
    expect((await post(w.phone, c, fromLaptop)).body).toMatchObject({ code: 'wrong-sender' })
    expect((await post(w.laptop, c, { ...fromLaptop, deviceId: w.laptop.device.id, signature: (await c.update(w.phone, 'x', { clock: 1 })).signature })).body).toMatchObject({
      code: 'bad-signature',
    })
    // A key box for someone else, or signed by another device, makes no case.
    const fresh = await TestCase.make()
    const body = await fresh.createBody(w.phone)
    expect((await status(w.phone, 'POST', '/api/case-sync/docs', { ...body, keyBox: { ...body.keyBox, userId: w.colleague.userId } })).status).toBe(400)
    expect((await status(w.laptop, 'POST', '/api/case-sync/docs', body)).body).toMatchObject({ code: 'wrong-sender' })
    expect(await count('sync_updates WHERE document_id = ANY($1::uuid[])', [[c.docId, other.docId]])).toBe(before)
    expect(await count('sync_documents WHERE id = $1', [fresh.docId])).toBe(0)
    // And the untouched update still goes in.
    expect((await post(w.phone, c, u)).status).toBe(201)
  })
})

describe('who gets a case', () => {
  it('gives a GP, a beheerder, a social worker elsewhere, a colleague who is no member, and a device not approved, not certified or revoked nothing', async () => {
    const c = await newCase()
    expect((await post(w.phone, c, await c.update(w.phone))).status).toBe(201)
    const withDevice = async (role: 'huisarts' | 'sociaal-werker', admin = w.admin): Promise<Phone> => {
      const s = await signedIn(app, db, clock, role, { organisationId: admin.organisationId })
      return { agent: s.agent, userId: s.userId, device: await approvedBoundDevice(s.agent, admin.agent, admin.organisationId) }
    }
    const gp = await withDevice('huisarts')
    const beheerder: Phone = { agent: w.admin.agent, userId: w.admin.userId, device: (await organisationTrust(w.admin.agent, w.org)).admin }
    const elsewhere = await withDevice('sociaal-werker', await signedIn(app, db, clock, 'beheerder'))
    const revoked = await withDevice('sociaal-werker')
    expect((await w.admin.agent.call('POST', `/api/orgs/${w.org}/devices/${revoked.device.id}/revoke`)).status).toBe(200)
    const pendingIn = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: w.org })
    const pending: Phone = { agent: pendingIn.agent, userId: pendingIn.userId, device: await registerDevice(pendingIn.agent, w.org) }
    await bindDevice(pending.agent, pending.device)
    const uncertifiedIn = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: w.org })
    const uncertified: Phone = { agent: uncertifiedIn.agent, userId: uncertifiedIn.userId, device: await registerDevice(uncertifiedIn.agent, w.org) }
    await bindDevice(uncertified.agent, uncertified.device)
    await db.query("UPDATE devices SET status = 'approved' WHERE id = $1", [uncertified.device.id]) // approved past the API: no certificate
    const rows = async () => [await count('sync_updates WHERE document_id = $1', [c.docId]), await count('sync_snapshots WHERE document_id = $1', [c.docId]), await count('case_access_log WHERE document_id = $1', [c.docId])]
    const before = await rows()
    const seen: Record<string, (number | string)[]> = {}
    for (const [who, p] of Object.entries({ gp, beheerder, elsewhere, colleague: w.colleague, pending, uncertified, revoked })) {
      const list = await status(p, 'GET', '/api/case-sync/docs')
      const listed = list.status === 200 ? ((list.body.docs as { docId: string }[]).some((d) => d.docId === c.docId) ? 'listed' : 'not listed') : list.status
      seen[who] = [
        listed,
        (await status(p, 'GET', docs(c.docId))).status,
        (await post(p, c, await c.update(p, 'ingebroken', { clock: 1 }))).status,
        (await status(p, 'POST', `${docs(c.docId)}/snapshots`, await c.snapshot(p))).status,
        (await status(p, 'GET', `${docs(c.docId)}/access-log`)).status,
      ]
    }
    // [list shows the case, pull, update, snapshot, access log]
    expect(seen).toEqual({
      gp: [403, 403, 403, 403, 403],
      beheerder: [403, 403, 403, 403, 403],
      elsewhere: ['not listed', 404, 404, 404, 404],
      colleague: ['not listed', 404, 404, 404, 404],
      pending: [403, 403, 403, 403, 403],
      uncertified: ['not listed', 404, 403, 403, 404],
      revoked: [401, 401, 401, 401, 401],
    })
    expect(await rows()).toEqual(before)
  })
})

describe('user keys between one person’s devices', () => {
  it('gives a worker who left the case’s organisation nothing, also from a device approved in another organisation', async () => {
    const s = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: w.org })
    const phone: Phone = { agent: s.agent, userId: s.userId, device: await approvedBoundDevice(s.agent, w.admin.agent, w.org) }
    const c = await ownCase(phone)
    expect((await status(phone, 'POST', `${docs(c.docId)}/updates`, await c.update(phone))).status).toBe(201)
    // They leave organisation A and work for B, where their device is approved (set past the API: B's beheerder would).
    const orgB = randomUUID()
    await db.query('INSERT INTO organisations (id, name) VALUES ($1, $2)', [orgB, `Elders ${orgB}`])
    await db.query('DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2', [s.userId, w.org])
    await db.query("INSERT INTO memberships (user_id, organisation_id, role) VALUES ($1, $2, 'sociaal-werker')", [s.userId, orgB])
    await db.query('UPDATE devices SET organisation_id = $1 WHERE id = $2', [orgB, phone.device.id])
    expect((await phone.agent.call('GET', docs(c.docId))).status).toBe(404)
    // Refused (404 not a member; 403 when the device's certificate no longer fits first), and nothing stored.
    expect([403, 404]).toContain((await status(phone, 'POST', `${docs(c.docId)}/updates`, await c.update(phone))).status)
    expect(await count('sync_updates WHERE document_id = $1', [c.docId])).toBe(1)
    expect(((await status(phone, 'GET', '/api/case-sync/docs')).body.docs as { docId: string }[]).map((d) => d.docId)).not.toContain(c.docId)
  })

  it('passes a box sealed on the phone to the laptop, once, and to no other device', async () => {
    const audited = () => count("audit_log WHERE action = 'seal-user-key' AND entity_id = $1", [w.laptop.device.id])
    const [boxesBefore, auditedBefore] = [await count('user_key_boxes WHERE user_id = $1', [w.phone.userId]), await audited()]
    const box = await userKeyBox(w.phone, w.laptop.device)
    expect(await status(w.phone, 'POST', '/api/case-sync/user-keys', box)).toEqual({ status: 201, body: { duplicate: false } })
    expect(await status(w.phone, 'POST', '/api/case-sync/user-keys', { ...box, box: (await userKeyBox(w.phone, w.laptop.device, box.keyId)).box })).toEqual({ status: 200, body: { duplicate: true } })
    expect((await status(w.laptop, 'GET', '/api/case-sync/user-keys')).body.boxes).toContainEqual(box)
    expect((await status(w.phone, 'GET', '/api/case-sync/user-keys')).body.boxes).toEqual([])
    // To a colleague's device, to two devices, from another session, or re-labelled: refused.
    expect((await status(w.phone, 'POST', '/api/case-sync/user-keys', await userKeyBox(w.phone, w.colleague.device))).body).toMatchObject({ code: 'wrong-recipient' })
    const two = await userKeyBox(w.phone, w.laptop.device)
    const twice = { ...two, box: { ...two.box, recipients: [...two.box.recipients, { ...two.box.recipients[0]!, deviceId: w.phone.device.id }] } }
    expect((await status(w.phone, 'POST', '/api/case-sync/user-keys', twice)).body).toMatchObject({ code: 'wrong-recipient' })
    expect((await status(w.laptop, 'POST', '/api/case-sync/user-keys', await userKeyBox(w.phone, w.laptop.device))).body).toMatchObject({ code: 'wrong-sender' })
    expect((await status(w.phone, 'POST', '/api/case-sync/user-keys', { ...(await userKeyBox(w.phone, w.laptop.device)), keyId: randomUUID() })).body).toMatchObject({ code: 'bad-signature' })
    expect(await count('user_key_boxes WHERE user_id = $1', [w.phone.userId])).toBe(boxesBefore + 1)
    expect(await audited()).toBe(auditedBefore + 1)
  })
})

describe('the access log', () => {
  it('lets a beheerder export their organisation’s part by region day, as JSON or CSV; nobody else', async () => {
    const c = await newCase()
    // 23:30 UTC on 30 November is 1 December in the region: not in November's export.
    await db.query("INSERT INTO case_access_log (at, user_id, device_id, document_id, organisation_id, action) VALUES ('2026-11-30T23:30:00Z', $1, $2, $3, $4, 'fetch')", [w.phone.userId, w.phone.device.id, c.docId, w.org])
    const november = '/api/case-sync/access-log?from=2026-11-01&to=2026-11-30'
    const ours = (await status(w.laptop, 'GET', november)).status
    expect(ours).toBe(403)
    const res = await status({ ...w.laptop, agent: w.admin.agent }, 'GET', november)
    expect(res.status).toBe(200)
    const mine = (res.body.entries as { docId: string; action: string; organisationId: string; deviceId: string }[]).filter((e) => e.docId === c.docId)
    expect(mine.map((e) => [e.action, e.deviceId, e.organisationId])).toEqual([['create', w.phone.device.id, w.org]])
    expect(res.body.next).toBeNull()
    const december = await status({ ...w.laptop, agent: w.admin.agent }, 'GET', '/api/case-sync/access-log?from=2026-12-01&to=2026-12-01')
    expect((december.body.entries as { docId: string }[]).filter((e) => e.docId === c.docId)).toHaveLength(1)
    const csv = await w.admin.agent.call('GET', `${november}&format=csv`)
    expect(csv.headers.get('Content-Type')).toMatch(/^text\/csv/)
    const lines = (await csv.text()).trim().split('\n')
    expect(lines[0]).toBe('id,at,user_id,device_id,case_id,organisation_id,action')
    expect(lines.filter((l) => l.includes(c.docId))).toEqual([expect.stringMatching(new RegExp(`,${w.phone.device.id},${c.docId},${w.org},create$`))])
    // Another organisation's beheerder sees none of it; a backwards range is refused.
    const other = await signedIn(app, db, clock, 'beheerder')
    expect(((await other.agent.call('GET', november).then((r) => r.json())) as { entries: { docId: string }[] }).entries.filter((e) => e.docId === c.docId)).toEqual([])
    expect((await w.admin.agent.call('GET', '/api/case-sync/access-log?from=2026-11-30&to=2026-11-01')).status).toBe(400)
    expect(await count("audit_log WHERE action = 'read-case-access-log' AND organisation_id = $1", [w.org])).toBeGreaterThan(0)
  })
})
