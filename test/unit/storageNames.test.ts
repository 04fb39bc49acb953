/**
 * A revoked device keeps nothing of what a professional held (docs/device-trust.md): every database
 * the app opens is named in src/app/core/storageNames.ts, and the wipe deletes every one that list
 * does not keep on purpose. A database added without registering it fails here twice: its module
 * does not take its name from storageNames.ts, and it is left behind after the wipe.
 */
import 'fake-indexeddb/auto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { recordContact } from '../../src/app/core/deviceIdentity'
import { wipeEverything } from '../../src/app/core/deviceStatus'
import { pinOnFirstUse } from '../../src/app/core/pinnedKeys'
import { DATABASES, ON_WIPE, WIPED_DATABASES } from '../../src/app/core/storageNames'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { referralDb } from '../../src/app/features/referrals/referralDb'
import { SocialMapDb } from '../../src/app/features/socialMap/data/repository'
import { MethodDb } from '../../src/app/features/method/methodDb'
import { sharedPlanDb } from '../../src/app/features/sharedPlan/planDb'
import { helpRequestDb } from '../../src/app/features/helpRequest/helpRequestDb'

const ORG_ID = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(ts|vue)$/.test(name) ? [path] : []
  })
}

async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? '').sort()
}

describe('storage names', () => {
  it('every module that defines a database takes its name from storageNames.ts', () => {
    const defining = sourceFiles('src/app').filter((path) => /extends Dexie\b|new Dexie\(/.test(readFileSync(path, 'utf8')))
    expect(defining.length).toBeGreaterThanOrEqual(Object.keys(DATABASES).length)
    for (const path of defining) {
      const text = readFileSync(path, 'utf8')
      expect(text, `${path} defines a database: import its name from core/storageNames.ts`).toMatch(/from '[./]*(core\/)?storageNames'/)
      expect(text, `${path} names a database in place`).not.toMatch(/(super|new Dexie)\(\s*['"`]|constructor\(name[^)]*=\s*['"`]/)
    }
  })

  it('a wipe after the device is revoked leaves no app database behind but the public social map', async () => {
    setActivePinia(createPinia())
    // Each database opened the way the app opens it.
    await new SocialMapDb().open()
    await new MethodDb().open()
    await new CaseDb().open()
    await referralDb.open()
    await sharedPlanDb.open()
    await helpRequestDb.open()
    await pinOnFirstUse(ORG_ID, '12345 12345 12345 12345 12345 12345')
    await recordContact(30)
    expect(await databaseNames()).toEqual(Object.values(DATABASES).sort())

    await wipeEverything()

    const kept = (Object.keys(ON_WIPE) as (keyof typeof ON_WIPE)[]).filter((key) => ON_WIPE[key] === 'keep').map((key) => DATABASES[key])
    expect(kept).toEqual([DATABASES.socialMap])
    expect(await databaseNames()).toEqual(kept)
    for (const name of WIPED_DATABASES) expect(await databaseNames()).not.toContain(name)
  })
})
