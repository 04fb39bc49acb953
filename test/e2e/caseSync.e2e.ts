/**
 * One worker, two devices (issue 16 "Done when"; docs/case-sync.md "On the phone"): a phone and a
 * laptop (separate browser contexts), linked by the pasted code; the phone makes a case, the laptop
 * gets it; both go offline and edit — different fields and the same free text — and after coming
 * back both show every typed word and both field edits. Then every server table and file is
 * searched for the case's words, the resident's name and a BSN-like number (raw, base64, hex,
 * UTF-16): nothing, while the organisation's and the worker's names (stored in clear) are found.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openDatabase } from '../../src/server/db/database'
import { describeFindings, findSecrets, scanDatabase } from '../support/secretScan'
import { seriousViolations } from './axe'
import { linkDevices, workerOnTwoDevices } from './linkDevices'
import { useOrganisation } from './socialWorkerPhone'

const world = useOrganisation()
const step = (page: Page, n: number) => page.getByRole('link', { name: new RegExp(`^${n}\\. `) }).click()
const wil = (page: Page) => page.getByLabel('Wat wil ik?')
/** A sync run now (the loop runs on `online`, src/app/sync/flushTriggers.ts), then the field's value. */
async function syncedValue(page: Page, label: string) {
  await page.evaluate(() => window.dispatchEvent(new Event('online')))
  return page.getByLabel(label).inputValue()
}

const NAME = 'Geertruida Zwanenburg'
const BSN = '318273645'
const FIRST = 'Weer fietsen langs de Maas'
const SECRETS = ['Geertruida', 'Zwanenburg', 'fietsen langs', 'Wilgenroosje', 'zwemmen', BSN]

describe('a case on two devices of one worker', () => {
  it('converges after both edit offline, every word kept; the server holds none of it', async () => {
    // Files the server has not written since this moment cannot hold anything of the case (scan below).
    const before = Date.now() - 2_000
    const { phone, laptop } = await workerOnTwoDevices(world, 'sanne@welzijn.example')
    await linkDevices(laptop, phone)
    expect(await seriousViolations(laptop)).toEqual([])
    expect(await seriousViolations(phone)).toEqual([])

    // The phone makes the case.
    await phone.getByRole('link', { name: /casussen/i }).first().click()
    await phone.getByLabel('Route').selectOption('wor')
    await phone.getByRole('button', { name: 'Nieuwe casus' }).click()
    await phone.getByRole('heading', { name: 'Casus: Welzijn op Recept' }).waitFor()
    await phone.getByLabel('Naam van de inwoner').fill(NAME)
    await step(phone, 3)
    await wil(phone).fill(FIRST)

    // The laptop gets it: in its list, then opened at the same step.
    await laptop.getByRole('link', { name: /casussen/i }).first().click()
    const listed = laptop.getByRole('link', { name: NAME })
    await expect.poll(async () => (await laptop.evaluate(() => window.dispatchEvent(new Event('online'))), listed.count()), { timeout: 30_000, interval: 250 }).toBe(1)
    await expect.poll(() => laptop.getByTestId('case-sync-state').textContent(), { timeout: 30_000, interval: 500 }).toMatch(/Alles gesynchroniseerd/)
    expect(await seriousViolations(laptop)).toEqual([])
    await listed.click()
    await laptop.getByRole('heading', { name: 'Casus: Welzijn op Recept' }).waitFor()
    await step(laptop, 3)
    await expect.poll(() => syncedValue(laptop, 'Wat wil ik?'), { interval: 250 }).toBe(FIRST)

    // Both offline: the phone changes the contact and adds to the wish, the laptop the birth year and the same wish.
    await phone.context().setOffline(true)
    await laptop.context().setOffline(true)
    await wil(phone).fill(`${FIRST} en zwemmen`)
    await wil(laptop).fill('Weer fietsen met Wilgenroosje langs de Maas')
    await step(phone, 1)
    await phone.getByLabel('Telefoon of e-mail').fill(BSN)
    await step(laptop, 1)
    await laptop.getByLabel('Geboortejaar').fill('1948')
    await expect.poll(() => phone.getByTestId('save-state').textContent()).toMatch(/Opgeslagen/)
    await expect.poll(() => laptop.getByTestId('save-state').textContent()).toMatch(/Opgeslagen/)

    // Back online: both converge, on screen, with the case still open.
    await phone.context().setOffline(false)
    await laptop.context().setOffline(false)
    for (const page of [phone, laptop]) {
      await expect.poll(() => syncedValue(page, 'Geboortejaar'), { timeout: 30_000, interval: 250 }).toBe('1948')
      await expect.poll(() => syncedValue(page, 'Telefoon of e-mail'), { timeout: 30_000, interval: 250 }).toBe(BSN)
      expect(await page.getByLabel('Naam van de inwoner').inputValue()).toBe(NAME)
      await step(page, 3)
      await expect.poll(() => syncedValue(page, 'Wat wil ik?'), { timeout: 30_000, interval: 250 }).toBe('Weer fietsen met Wilgenroosje langs de Maas en zwemmen')
    }

    // The server's files (copied while it runs) and its tables read through SQL from that copy.
    // Files not written since before the worker was invited are left out of the byte scan (no case
    // existed then); the worker's name, written after, proves the scan reaches the files that were.
    const planted = ['Welzijn Uden', 'Sanne de Wit']
    const copy = mkdtempSync(join(tmpdir(), 'swz-sync-scan-'))
    onTestFinished(() => rmSync(copy, { recursive: true, force: true }))
    cpSync(world.h.dataDir, copy, { recursive: true, preserveTimestamps: true })
    const inFiles = readdirSync(copy, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile() && !/\/pglite\/base\/[14]$/.test(f.parentPath) && statSync(join(f.parentPath, f.name)).mtimeMs >= before)
      .flatMap((f) => findSecrets(readFileSync(join(f.parentPath, f.name)), [...SECRETS, ...planted], join(f.parentPath, f.name)))
    const db = await openDatabase({ kind: 'pglite', dataDir: copy })
    const inTables = await scanDatabase(db, [...SECRETS, ...planted]).finally(() => db.close())
    // The scans see: what is stored in clear on purpose is found.
    for (const secret of planted) expect(inTables.some((f) => f.secret === secret), secret).toBe(true)
    expect(inFiles.some((f) => f.secret === 'Sanne de Wit')).toBe(true)
    expect(describeFindings(inTables.filter((f) => !planted.includes(f.secret))), 'tables').toEqual([])
    expect(describeFindings(inFiles.filter((f) => !planted.includes(f.secret))), 'files').toEqual([])
  })
})
