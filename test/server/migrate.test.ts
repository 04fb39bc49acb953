import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../src/server/db/database'
import { migrationFiles, runMigrations } from '../../src/server/db/migrate'
import { TEST_DATABASE_URL } from './helpers'

async function recorded(db: Database) {
  return (await db.query<{ name: string; n: number }>('SELECT name, count(*)::int AS n FROM schema_migrations GROUP BY name ORDER BY name')).rows
}

// Several server processes started together on one database must not race each other's migrations.
describe('migrations started at the same moment', () => {
  it('are applied once each, and every starter opens the database', async () => {
    const expected = migrationFiles().map((name) => ({ name, n: 1 }))
    const url = TEST_DATABASE_URL
    if (url) {
      // Two processes on one fresh schema: two pools, each migrating on its own connection.
      const schema = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`
      const admin = new pg.Client({ connectionString: url })
      await admin.connect()
      await admin.query(`CREATE SCHEMA ${schema}`)
      try {
        const [a, b] = await Promise.all([0, 1].map(() => openDatabase({ kind: 'postgres', url, schema })))
        expect(await recorded(a!)).toEqual(expected)
        await Promise.all([a!.close(), b!.close()])
      } finally {
        await admin.query(`DROP SCHEMA ${schema} CASCADE`)
        await admin.end()
      }
    } else {
      // PGlite is one connection per process: two runs at once on one fresh instance.
      const db = await openDatabase(undefined)
      await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public')
      const applied = await Promise.all([runMigrations(db), runMigrations(db)])
      expect([...applied[0]!, ...applied[1]!].sort()).toEqual(migrationFiles())
      expect(await recorded(db)).toEqual(expected)
      await db.close()
    }
  })
})
