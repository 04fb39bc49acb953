/**
 * What the social worker's phone holds of its cases, read from its storage (deviceDump.ts): the
 * stored cases' clear index, to wait for a save to land instead of sleeping, and the vault's
 * records, to check before a wipe that they are there and after it that nothing of them is left.
 */
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { dumpIndexedDb, scanDump, storeValues, type DeviceDump } from './deviceDump'
import { describeFindings } from '../support/secretScan'
import { DATABASES, LOCAL_KEYS } from '../../src/app/core/storageNames'

/**
 * What localStorage may still hold after a device wipe: the language, the case settings, the
 * notice that says why the data went, and when counts were last sent and under which snapshot
 * version (no case, no counting id: the vault's wipe forgets the id, features/cases/kpiSync.ts).
 */
export const KEPT_THROUGH_WIPE: string[] = [LOCAL_KEYS.locale, LOCAL_KEYS.caseSettings, LOCAL_KEYS.deviceNotice, LOCAL_KEYS.kpiLastSent, LOCAL_KEYS.kpiVersion]

/** The case the page shows (its id is the last part of the address). */
export const caseIdOf = (page: Page) => new URL(page.url()).pathname.split('/').pop()!
/** Every stored case's clear index and envelope (bytes as base64). */
export async function storedCases(page: Page): Promise<Record<string, unknown>[]> {
  return storeValues(await dumpIndexedDb(page, [DATABASES.cases]), DATABASES.cases, 'cases') as Record<string, unknown>[]
}
/** Waits until the stored case `id` matches: the observable end of a save (useCaseDraft writes a moment after typing stops). */
export async function untilStored(page: Page, id: string, match: (stored: Record<string, unknown>) => boolean) {
  await expect.poll(async () => (await storedCases(page)).some((c) => c.id === id && match(c)), { message: `case ${id} stored as expected` }).toBe(true)
}
/** The `updatedAt` of the stored case `id` right now, to wait for the next save after it. */
export async function storedAt(page: Page, id: string): Promise<unknown> {
  await untilStored(page, id, () => true)
  return (await storedCases(page)).find((c) => c.id === id)!.updatedAt
}

/** The vault's records as the dump gives them: the case ids, their ciphertexts and the wrapped key (bytes as base64), to look for after a wipe. */
export function vaultRecords(dbs: DeviceDump['indexedDb']) {
  const cases = storeValues(dbs, DATABASES.cases, 'cases') as { id: string; ciphertext: { $bytes: string } }[]
  const keys = storeValues(dbs, DATABASES.cases, 'keys') as { name: string; wrappedKey?: { $bytes: string } }[]
  return { caseIds: cases.map((c) => c.id), sealed: [...cases.map((c) => c.ciphertext.$bytes), ...keys.flatMap((k) => (k.wrappedKey ? [k.wrappedKey.$bytes] : []))] }
}
/** The stores of a database that still hold a row, with their counts ([] when the database is gone or empty). */
export function storesWithRows(dbs: DeviceDump['indexedDb'], database: string): string[] {
  return (dbs.find((d) => d.name === database)?.stores ?? []).filter((s) => s.rows.length > 0).map((s) => `${s.name}: ${s.rows.length}`)
}
/**
 * Where the wiped vault's records still are: its ciphertexts and key anywhere on the device, its
 * case ids anywhere but vue-router's scroll positions. The router keeps those in the tab's
 * sessionStorage by address, and a case page's address names the case's random id, as the tab's
 * history does; it writes them back from memory as the page unloads, so the app cannot take them out.
 */
export function wipeLeftovers(after: DeviceDump, records: ReturnType<typeof vaultRecords>): string[] {
  const withoutScroll = { ...after, sessionStorage: after.sessionStorage.filter(([key]) => key !== 'vue-router:scroll') }
  return describeFindings([...scanDump(after, records.sealed), ...scanDump(withoutScroll, records.caseIds)])
}
