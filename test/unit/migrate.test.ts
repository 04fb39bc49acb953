import { describe, expect, it } from 'vitest'
import { splitStatements } from '../../src/server/db/migrate'

describe('splitting a migration file', () => {
  it('keeps a function body with semicolons inside $$ whole', () => {
    const sql = `-- a comment\nCREATE TABLE a (x text DEFAULT 'a;b');\nCREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  RAISE EXCEPTION 'no';\nEND;\n$$ LANGUAGE plpgsql;\n`
    expect(splitStatements(sql)).toEqual([
      "CREATE TABLE a (x text DEFAULT 'a;b')",
      "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  RAISE EXCEPTION 'no';\nEND;\n$$ LANGUAGE plpgsql",
    ])
  })
})
