import { afterAll, describe, expect, it } from 'vitest'
import { cli, closeDataDirs, freshDataDir } from './cli'

afterAll(closeDataDirs)

describe('npm run admin', () => {
  it('creates an organisation and a person with a first password shown once, and unlocks them', async () => {
    const dataDir = await freshDataDir()
    const org = await cli('admin', ['org:create', 'Huisartsenpraktijk De Linde'], dataDir)
    expect(org.code, org.stderr).toBe(0)
    expect(org.stdout).toMatch(/^Organisation Huisartsenpraktijk De Linde: [0-9a-f-]{36}/)

    const user = await cli('admin', ['user:create', 'dokter@delinde.example', 'Dokter De Linde', 'Huisartsenpraktijk De Linde', 'huisarts'], dataDir)
    expect(user.code, user.stderr).toBe(0)
    expect(user.stdout).toMatch(/Created dokter@delinde\.example as huisarts\. Password \(shown once\): \S{12,}/)

    const again = await cli('admin', ['user:create', 'dokter@delinde.example', 'Dokter De Linde', 'Huisartsenpraktijk De Linde', 'beheerder'], dataDir)
    expect(again.stdout).toMatch(/now also has the role beheerder/)

    expect((await cli('admin', ['user:unlock', 'dokter@delinde.example'], dataDir)).stdout).toMatch(/can sign in again/)
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
})
