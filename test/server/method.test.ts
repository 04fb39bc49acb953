/**
 * The region's method on the server (issue 15; docs/method.md "Publishing on the server"):
 * version 1 seeded once, phones fetch the latest with an ETag (304 while unchanged) and each
 * version they lack, the programme office publishes the next — and nobody else can, nor can a
 * definition that breaks the schema or does not follow on, nor two publishes of one version.
 */
import { gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { seedBundledMethod } from '../../src/server/method/repository'
import { methodEtag } from '../../src/shared/api/method'
import { methodDefinitionSchema, type MethodDefinition } from '../../src/shared/method/definition'
import { BUNDLED_METHOD } from '../../src/shared/method/sigMethod'
import { regionOrganisation } from './agent'
import { setupServerTest, type ServerTest } from './fixture'

let t: ServerTest
beforeEach(async () => {
  t = await setupServerTest()
  await seedBundledMethod(t.db)
})
afterEach(async () => {
  await t.close()
})

/** Version 2: the VG's "naaste" becomes a longer "naasten" field; its answers move along. */
function versionTwo(): MethodDefinition {
  const d = structuredClone(BUNDLED_METHOD)
  d.version = 2
  d.note = { nl: 'Bij het Verkennend Gesprek vraag je naar alle naasten.', en: 'The Verkennend Gesprek asks about everyone close to the resident.' }
  const prepare = d.pathways.vg.steps.find((s) => s.id === 'vg-voorbereiden')!
  const i = prepare.blocks.findIndex((b) => 'field' in b && b.field.id === 'vg-naaste')
  prepare.blocks[i] = { field: { id: 'vg-naasten', kind: 'longText', label: { nl: 'Welke naasten komen mee?', en: 'Who close to the resident comes along?' } } }
  for (const e of prepare.essentials) if (e.metWhen && 'filled' in e.metWhen && e.metWhen.filled === 'answers.vg-naaste') e.metWhen = { filled: 'answers.vg-naasten' }
  d.migrations = [{ op: 'moveAnswer', from: 'vg-naaste', to: 'vg-naasten' }]
  return d
}

const programme = () => t.signedIn('programma')
const versions = async () => (await t.db.query<{ version: number }>('SELECT version FROM method_versions ORDER BY version')).rows.map((r) => r.version)
const problems = async (res: Response) => ((await res.json()) as { problems?: string[] }).problems ?? []

describe('the method on the server', () => {
  it('seeds the bundled method as version 1 once, also when several starts race', async () => {
    expect(await seedBundledMethod(t.db)).toBe(false)
    expect(await Promise.all([seedBundledMethod(t.db), seedBundledMethod(t.db)])).toEqual([false, false])
    expect(await versions()).toEqual([1])
    await t.db.query('DELETE FROM method_versions')
    expect(await Promise.all([seedBundledMethod(t.db), seedBundledMethod(t.db)])).toEqual(expect.arrayContaining([true, false]))
    expect(await versions()).toEqual([1])
  })

  it('hands the latest to anyone, with its version as ETag and 304 while the phone has it', async () => {
    const res = await t.agent().call('GET', '/api/method')
    expect(res.status).toBe(200)
    expect(res.headers.get('ETag')).toBe(methodEtag(1))
    expect(methodDefinitionSchema.parse(await res.json())).toEqual(BUNDLED_METHOD)
    const again = await t.app.request('/api/method', { headers: { 'If-None-Match': methodEtag(1) } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
    // Compressed for a phone that takes gzip.
    const zipped = await t.app.request('/api/method', { headers: { 'Accept-Encoding': 'gzip' } })
    expect(zipped.headers.get('Content-Encoding')).toBe('gzip')
    expect(JSON.parse(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8'))).toEqual(BUNDLED_METHOD)
    // Its ETag, weak once compressed, is still the phone's way to a 304.
    expect((await t.app.request('/api/method', { headers: { 'If-None-Match': zipped.headers.get('ETag')! } })).status).toBe(304)
    // An old ETag gets the definition.
    expect((await t.app.request('/api/method', { headers: { 'If-None-Match': '"method-0"' } })).status).toBe(200)
  })

  it('publishes version 2 with a moveAnswer migration: phones get it, the history names it, the audit log has it', async () => {
    const p = await programme()
    const body = { ...versionTwo(), publishedAt: '1999-01-01T00:00:00.000Z' }
    const res = await p.agent.call('POST', '/api/method', body)
    expect(res.status).toBe(201)
    const published = (await res.json()) as { version: number; publishedAt: string }
    // The server sets the moment of publishing, not the body.
    expect(published).toEqual({ version: 2, publishedAt: new Date(t.clock.now()).toISOString() })

    const latest = await t.agent().call('GET', '/api/method')
    expect(latest.headers.get('ETag')).toBe(methodEtag(2))
    const stored = methodDefinitionSchema.parse(await latest.json())
    expect(stored).toEqual({ ...versionTwo(), publishedAt: published.publishedAt })
    expect(stored.migrations).toEqual([{ op: 'moveAnswer', from: 'vg-naaste', to: 'vg-naasten' }])
    // The phone that had version 1 gets version 2 now; a phone that lags fetches each version.
    expect((await t.app.request('/api/method', { headers: { 'If-None-Match': methodEtag(1) } })).status).toBe(200)
    expect(methodDefinitionSchema.parse(await (await t.agent().call('GET', '/api/method/versions/1')).json())).toEqual(BUNDLED_METHOD)
    expect((await t.agent().call('GET', '/api/method/versions/3')).status).toBe(404)
    expect((await t.agent().call('GET', '/api/method/versions/abc')).status).toBe(404)

    const history = (await (await p.agent.call('GET', '/api/method/versions')).json()) as { versions: { version: number; publishedBy: string | null; note: { nl: string } }[] }
    expect(history.versions.map((v) => [v.version, v.publishedBy, v.note.nl])).toEqual([
      [2, 'Test programma', versionTwo().note.nl],
      [1, null, BUNDLED_METHOD.note.nl],
    ])
    const logged = await t.db.query<{ actor_id: string; organisation_id: string; entity_id: string }>("SELECT actor_id, organisation_id, entity_id FROM audit_log WHERE action = 'publish' AND entity = 'method'")
    expect(logged.rows).toEqual([{ actor_id: p.userId, organisation_id: await regionOrganisation(t.db), entity_id: '2' }])
  })

  it('takes a definition larger than the API’s usual 64 KB body', async () => {
    const p = await programme()
    const big = versionTwo()
    const prompt = { nl: 'Vraag door. '.repeat(45), en: 'Ask on. '.repeat(60) }
    for (const pathway of Object.values(big.pathways)) for (const s of pathway.steps) s.prompts = Array.from({ length: 12 }, () => prompt)
    expect(JSON.stringify(big).length).toBeGreaterThan(64 * 1024)
    expect((await p.agent.call('POST', '/api/method', big)).status).toBe(201)
  })
})

describe('publishing refuses', () => {
  it('a version that is not the next: an old one (409), one that skips (422)', async () => {
    const p = await programme()
    const again = { ...versionTwo(), version: 1, migrations: [] }
    const res = await p.agent.call('POST', '/api/method', again)
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ code: 'conflict', latest: 1 })
    const skipping = await p.agent.call('POST', '/api/method', { ...versionTwo(), version: 3 })
    expect(skipping.status).toBe(422)
    expect(await problems(skipping)).toContain('version must be 2, not 3')
    expect(await versions()).toEqual([1])
  })

  it("a definition that drops a part counting relies on: WoR without 'wor.intakeDate' (422 naming it)", async () => {
    const p = await programme()
    const d = versionTwo()
    const intake = d.pathways.wor.steps.find((s) => s.id === 'wor-intake')!
    intake.blocks = intake.blocks.filter((b) => !('core' in b && b.core === 'wor.intakeDate'))
    const res = await p.agent.call('POST', '/api/method', d)
    expect(res.status).toBe(422)
    const listed = await problems(res)
    expect(listed.join('\n')).toMatch(/pathways\.wor: .*"wor\.intakeDate"/)
    expect(await versions()).toEqual([1])
  })

  it('a field dropped in one version cannot come back with another kind later (review: cases still hold its answers)', async () => {
    const p = await programme()
    expect((await p.agent.call('POST', '/api/method', versionTwo())).status).toBe(201)
    const three = versionTwo()
    three.version = 3
    three.migrations = []
    three.pathways.vg.steps.find((s) => s.id === 'vg-voorbereiden')!.blocks.push({ field: { id: 'vg-naaste', kind: 'yesNo', label: { nl: 'Naaste mee?', en: 'Someone close along?' } } })
    const res = await p.agent.call('POST', '/api/method', three)
    expect(res.status).toBe(422)
    expect(await problems(res)).toEqual(['field "vg-naaste" changed from text to yesNo; add a new field and move the answer instead'])
    expect(await versions()).toEqual([1, 2])
  })

  it('an unknown field kind, a moved answer that does not fit, and a body that is no definition', async () => {
    const p = await programme()
    const unknownKind = versionTwo() as unknown as { pathways: { vg: { steps: { blocks: { field?: { kind: string } }[] }[] } } }
    unknownKind.pathways.vg.steps[1]!.blocks.find((b) => b.field)!.field!.kind = 'signature'
    const res = await p.agent.call('POST', '/api/method', unknownKind)
    expect(res.status).toBe(422)
    expect((await problems(res)).join('\n')).toMatch(/pathways\.vg\.steps\.1\.blocks\.\d+\.field\.kind/)

    const misfit = versionTwo()
    misfit.migrations = [{ op: 'moveAnswer', from: 'vg-naaste', to: 'wor-coach-offered' }]
    const refused = await p.agent.call('POST', '/api/method', misfit)
    expect(refused.status).toBe(422)
    expect(await problems(refused)).toContain('a text answer cannot move to yesNo field "wor-coach-offered"')

    expect((await p.agent.call('POST', '/api/method', [versionTwo()])).status).toBe(422)
    expect(await versions()).toEqual([1])
  })

  it('a social worker, a beheerder of an ordinary organisation, the region’s beheerder, and nobody signed in', async () => {
    const region = await regionOrganisation(t.db)
    for (const [who, session] of [
      ['sociaal-werker', await t.signedIn('sociaal-werker')],
      ['beheerder', await t.signedIn('beheerder')],
      ['region beheerder', await t.signedIn('beheerder', { organisationId: region })],
      ['huisarts', await t.signedIn('huisarts')],
    ] as const) {
      const res = await session.agent.call('POST', '/api/method', versionTwo())
      expect({ who, status: res.status }).toEqual({ who, status: 403 })
      expect((await session.agent.call('GET', '/api/method/versions')).status).toBe(403)
    }
    expect((await t.agent().call('POST', '/api/method', versionTwo())).status).toBe(401)
    expect((await t.agent().call('GET', '/api/method/versions')).status).toBe(401)
    expect(await versions()).toEqual([1])
  })

  it('the second of two publishes of one version at the same time: one 201, one 409', async () => {
    const [a, b] = [await programme(), await programme()]
    const other = versionTwo()
    other.note = { nl: 'Een andere versie 2.', en: 'Another version 2.' }
    const statuses = (await Promise.all([a.agent.call('POST', '/api/method', versionTwo()), b.agent.call('POST', '/api/method', other)])).map((r) => r.status)
    expect(statuses.sort()).toEqual([201, 409])
    expect(await versions()).toEqual([1, 2])
  })
})
