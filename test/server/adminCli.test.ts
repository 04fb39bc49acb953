import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PRODUCTION_COST } from '../../src/server/auth/passwords'
import { cli, closeDataDirs, freshDataDir, openDataDir } from './cli'

afterAll(closeDataDirs)

describe('npm run admin', { timeout: 120_000 }, () => {
  it('creates an organisation and a person with a first password shown once, and unlocks them', async () => {
    const dataDir = await freshDataDir()
    // Through tsx, as `npm run admin` runs it (the other commands run from the production bundle: test/server/cli.ts).
    const org = await cli('admin', ['org:create', 'Huisartsenpraktijk De Linde'], dataDir, { tsx: true })
    expect(org.code, org.stderr).toBe(0)
    expect(org.stdout).toMatch(/^Organisation Huisartsenpraktijk De Linde: [0-9a-f-]{36}/)

    const user = await cli('admin', ['user:create', 'dokter@delinde.example', 'Dokter De Linde', 'Huisartsenpraktijk De Linde', 'huisarts'], dataDir)
    expect(user.code, user.stderr).toBe(0)
    expect(user.stdout).toMatch(/Created dokter@delinde\.example as huisarts\. Password \(shown once\): \S{12,}/)

    const again = await cli('admin', ['user:create', 'dokter@delinde.example', 'Dokter De Linde', 'Huisartsenpraktijk De Linde', 'beheerder'], dataDir)
    expect(again.stdout).toMatch(/now also has the role beheerder/)

    expect((await cli('admin', ['user:unlock', 'dokter@delinde.example'], dataDir)).stdout).toMatch(/can sign in again/)

    // The tests' own process hashes with a lower cost (test/server/setup.ts); a real process never does.
    const db = await openDataDir(dataDir)
    const { rows } = await db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = $1', ['dokter@delinde.example'])
    await db.close()
    expect(rows[0]?.password_hash).toMatch(new RegExp(`^scrypt\\$${PRODUCTION_COST}\\$8\\$1\\$`))
  })

  it('says plainly what is wrong with a bad call', async () => {
    const dataDir = await freshDataDir()
    const noOrg = await cli('admin', ['user:create', 'a@b.example', 'A', 'Bestaat Niet', 'huisarts'], dataDir)
    expect(noOrg.code).toBe(2)
    expect(noOrg.stderr).toMatch(/No organisation named "Bestaat Niet"/)
    const badRole = await cli('admin', ['user:create', 'a@b.example', 'A', 'X', 'koning'], dataDir)
    expect(badRole.stderr).toMatch(/Roles: huisarts, sociaal-werker, kaartbeheerder, programma, beheerder/)
    expect((await cli('admin', ['nonsense'], dataDir)).stderr).toMatch(/^Usage: npm run admin/)
  })

  it('puts a new one-time link in a file only its owner can read, not on a stdout that is no terminal', async () => {
    const dataDir = await freshDataDir()
    const result = await cli('admin', ['bootstrap'], dataDir)
    expect(result.code, result.stderr).toBe(0)
    // The code is 24 characters of base64url; nothing that long belongs on stdout.
    expect(result.stdout).not.toMatch(/[A-Za-z0-9_-]{24}/)
    const file = join(dataDir, 'bootstrap-link.txt')
    expect(result.stdout).toContain(file)
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600')
    expect(readFileSync(file, 'utf8')).toMatch(/\/beheer\/start#[A-Za-z0-9_-]{24}\n/)
  })
})
