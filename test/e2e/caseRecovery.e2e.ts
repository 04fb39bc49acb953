/**
 * A lost phone loses nothing (issue 16 point 2; docs/case-sync.md "Recovery"): a worker's only
 * phone has a case; beheerder Bram sets up the recovery key on his phone (the recovery group is
 * Bram and the organisation's first beheerder, whose device is made in Node); the phone is lost; a
 * new device is approved; the first beheerder starts the recovery (API), Bram confirms it on his
 * phone; the new device shows the case with its words and tells the worker who restored it. Then
 * the server's tables are searched for the case's words: nothing. The programme's totals count the
 * case once throughout: the new device takes the counting over under the lost phone's counting id
 * (docs/case-sync.md "Recovery"), and the intake it records is counted, once.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openDatabase } from '../../src/server/db/database'
import { describeFindings, scanDatabase } from '../support/secretScan'
import { seriousViolations } from './axe'
import { approveBeheerderDevice, approvePending, recoveryStartBody } from './certify'
import { signInAgain } from './linkDevices'
import { firstSignIn, registerThisDevice, unlockVault } from './signIn'
import { useOrganisation } from './socialWorkerPhone'
import { programmeTotals } from './programmeTotals'
import { regionDate } from '../../src/shared/core/clock'

const world = useOrganisation()
const PASSWORD = 'Kraanvogel-Heide-31-Uden'
const NAME = 'Hendrika Wolterink'
const WISH = 'Weer zingen in het koor van Heesch'
const phoneSize = { viewport: { width: 360, height: 740 } }

/** A sync run now (the loop runs on `online`), then what the server says through this page's session. */
const serverSays = (page: Page, path: string) =>
  page.evaluate(async (p) => {
    window.dispatchEvent(new Event('online'))
    return (await (await fetch(p)).json()) as Record<string, unknown[]>
  }, path)
const pendingDevice = async () => (await world.admin.call<{ devices: { id: string; status: string; userId: string }[] }>('GET', `/api/orgs/${world.organisationId}/devices`)).devices.find((d) => d.status === 'pending')!

describe('a worker whose only phone is lost', () => {
  it('gets every case back on a new device when two beheerders restore it, is told, and the server reads none of it', async () => {
    const { h, admin, organisationId: org } = world
    await admin.invite(org, { email: 'bram@welzijn.example', name: 'Bram Beheer', role: 'beheerder' }, PASSWORD)
    await admin.invite(org, { email: 'sanne@welzijn.example', name: 'Sanne de Wit', role: 'sociaal-werker' }, PASSWORD)
    const bram = await (await h.browser.newContext(phoneSize)).newPage()
    await firstSignIn(bram, h.baseUrl, 'bram@welzijn.example', PASSWORD)
    await registerThisDevice(bram)
    // Certified with the organisation key, as the first beheerder's phone does: a device that
    // beheerder certified could be a person they made up, so it could not confirm their start.
    await approveBeheerderDevice(admin, org, (await pendingDevice()).id)
    const lost = await h.browser.newContext(phoneSize)
    const phone = await lost.newPage()
    const secret = await firstSignIn(phone, h.baseUrl, 'sanne@welzijn.example', PASSWORD)
    await registerThisDevice(phone)
    await approvePending(admin, org)

    // Bram sets up the recovery key on his phone: the group is him and the first beheerder.
    await bram.goto(`${h.baseUrl}/beheer/organisatie/${org}/apparaten`)
    await unlockVault(bram)
    await bram.getByRole('button', { name: 'Herstelsleutel instellen' }).click()
    await expect.poll(() => bram.getByTestId('recovery-key-set').textContent()).toMatch(/Bram Beheer/)
    expect(await seriousViolations(bram)).toEqual([])

    // Sanne's only phone makes a case; it syncs, and her user key is sealed to the recovery key.
    await phone.goto(`${h.baseUrl}/werk`)
    await unlockVault(phone)
    await phone.getByLabel('Route').selectOption('wor')
    await phone.getByRole('button', { name: 'Nieuwe casus' }).click()
    await phone.getByLabel('Naam van de inwoner').fill(NAME)
    await phone.getByRole('link', { name: /^3\. / }).click()
    await phone.getByLabel('Wat wil ik?').fill(WISH)
    await expect.poll(() => phone.getByTestId('save-state').textContent()).toMatch(/Opgeslagen/)
    await expect.poll(async () => (await serverSays(phone, '/api/case-sync/recovery/key')).sealedKeyIds?.length, { timeout: 30_000, interval: 250 }).toBe(1)
    await expect.poll(async () => (await serverSays(phone, '/api/case-sync/docs')).docs?.length, { timeout: 30_000, interval: 250 }).toBe(1)
    // Counted once, by this phone: referred today.
    const wor = await programmeTotals(world, PASSWORD)
    await expect.poll(async () => (await serverSays(phone, '/api/case-sync/docs'), wor()), { timeout: 30_000, interval: 250 }).toEqual({ referred: 1, included: 0 })

    // The phone is lost, and the beheerder revokes it. A new device signs in and is approved; it holds no key yet.
    await lost.close()
    const devices = (await admin.call<{ devices: { id: string; status: string; userName: string }[] }>('GET', `/api/orgs/${org}/devices`)).devices
    await admin.call('POST', `/api/orgs/${org}/devices/${devices.find((d) => d.userName === 'Sanne de Wit')!.id}/revoke`)
    const fresh = await (await h.browser.newContext(phoneSize)).newPage()
    await signInAgain(fresh, h.baseUrl, 'sanne@welzijn.example', PASSWORD, secret)
    await registerThisDevice(fresh)
    const newDevice = await pendingDevice()
    await approvePending(admin, org)

    // The first beheerder starts the recovery; Bram (another beheerder of the group) confirms on his phone.
    await admin.call('POST', '/api/case-sync/recovery/requests', await recoveryStartBody(admin, org, { deviceId: newDevice.id, userId: newDevice.userId }))
    await bram.getByRole('button', { name: 'Lijst bijwerken' }).click()
    await bram.getByRole('button', { name: 'Bevestigen: casussen van Sanne de Wit herstellen' }).click()
    await expect.poll(() => bram.getByTestId('recovery-done').textContent()).toMatch(/Sanne de Wit zijn hersteld/)
    expect(await seriousViolations(bram)).toEqual([])

    // The new device: every case back, with its words, and the worker is told.
    await fresh.goto(`${h.baseUrl}/werk`)
    await unlockVault(fresh)
    const notice = fresh.getByTestId('recovery-notice')
    await expect.poll(() => notice.textContent()).toMatch(/Je casussen zijn hersteld door Beheer en Bram Beheer/)
    const listed = fresh.getByRole('link', { name: NAME })
    await expect.poll(async () => (await fresh.evaluate(() => window.dispatchEvent(new Event('online'))), listed.count()), { timeout: 30_000, interval: 250 }).toBe(1)
    expect(await seriousViolations(fresh)).toEqual([])
    await notice.getByRole('button', { name: 'Begrepen' }).click()
    await notice.waitFor({ state: 'detached' })
    await listed.click()
    await fresh.getByRole('link', { name: /^3\. / }).click()
    await expect.poll(() => fresh.getByLabel('Wat wil ik?').inputValue()).toBe(WISH)
    // The new device records the intake: the lost phone's counting moved here, so it counts once.
    await fresh.getByLabel('Intake gehouden op').fill(regionDate(new Date()))
    await expect.poll(async () => (await serverSays(fresh, '/api/case-sync/docs'), wor()), { timeout: 30_000, interval: 250 }).toEqual({ referred: 1, included: 1 })

    // The server's tables (read from a copy of its files): none of the case's words.
    const copy = mkdtempSync(join(tmpdir(), 'swz-recovery-scan-'))
    onTestFinished(() => rmSync(copy, { recursive: true, force: true }))
    cpSync(h.dataDir, copy, { recursive: true })
    const db = await openDatabase({ kind: 'pglite', dataDir: copy })
    const found = await scanDatabase(db, ['Hendrika', 'Wolterink', 'zingen in het koor', 'Sanne de Wit']).finally(() => db.close())
    expect(found.some((f) => f.secret === 'Sanne de Wit'), 'the scan sees what is stored in clear').toBe(true)
    expect(describeFindings(found.filter((f) => f.secret !== 'Sanne de Wit'))).toEqual([])
  })
})
