import { describe, expect, it } from 'vitest'
import { pgDumpInvocation, psqlInvocation } from '../../src/server/db/pgCommandLine'

// Every user on the machine can read a process's arguments (ps, /proc/<pid>/cmdline).
describe('the pg_dump and psql command lines', () => {
  const cases = [
    { url: 'postgres://app:s3cret-Pass@db.internal:5433/samenwerkwijze?sslmode=require', password: 's3cret-Pass' },
    { url: 'postgresql://app:p%40ss%2Fw%3Ard@10.0.0.5/sw', password: 'p@ss/w:rd' },
    { url: 'postgres://app@db.internal/sw?password=inquery123&sslmode=verify-full', password: 'inquery123' },
  ]

  for (const { url, password } of cases) {
    it(`hold no password for ${url.replace(/\/\/.*@/, '//…@')}`, () => {
      for (const invocation of [pgDumpInvocation(url, 'public'), psqlInvocation(url)]) {
        for (const arg of invocation.args) {
          expect(arg).not.toContain(password)
          expect(arg).not.toContain(encodeURIComponent(password))
        }
        expect(invocation.env.PGPASSWORD).toBe(password)
      }
    })
  }

  it('still name the host, port, user, database and TLS mode', () => {
    const { args } = pgDumpInvocation(cases[0]!.url, 'public')
    expect(args).toContain('postgres://app@db.internal:5433/samenwerkwijze?sslmode=require')
    expect(psqlInvocation(cases[2]!.url).args).toContain('postgres://app@db.internal/sw?sslmode=verify-full')
  })

  it('leave the password to PGPASSWORD or a pgpass file when the URL has none', () => {
    const { args, env } = psqlInvocation('postgres://app@db.internal/sw')
    expect(args).toContain('postgres://app@db.internal/sw')
    expect(env).toEqual({})
  })
})
