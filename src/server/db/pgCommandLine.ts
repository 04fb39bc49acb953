/**
 * Command lines for pg_dump and psql. Every user on the machine can read a process's
 * arguments (ps, /proc/<pid>/cmdline), so the password leaves the URL and travels in the
 * child's environment as PGPASSWORD. A URL without a password works too: libpq then reads
 * PGPASSWORD or ~/.pgpass itself, as node-postgres does for the server.
 */
export interface PgInvocation {
  args: string[]
  /** Added to the child's environment. */
  env: Record<string, string>
}

/** The URL without its password (also a `?password=` parameter), and that password. */
export function splitPassword(url: string): { url: string; password?: string } {
  const u = new URL(url)
  let password = u.password ? decodeURIComponent(u.password) : undefined
  u.password = ''
  const inQuery = u.searchParams.get('password')
  if (inQuery !== null) {
    password ??= inQuery
    u.searchParams.delete('password')
  }
  return { url: u.toString(), ...(password ? { password } : {}) }
}

function connection(url: string): PgInvocation {
  const split = splitPassword(url)
  return { args: ['--dbname', split.url], env: split.password ? { PGPASSWORD: split.password } : {} }
}

/** pg_dump of one schema as plain SQL to stdout, with DROP … IF EXISTS first. */
export function pgDumpInvocation(url: string, schema: string): PgInvocation {
  const { args, env } = connection(url)
  return { args: ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--schema', schema, ...args], env }
}

/** psql reading SQL from stdin, all in one transaction, stopping at the first error. */
export function psqlInvocation(url: string): PgInvocation {
  const { args, env } = connection(url)
  return { args: ['--quiet', '--no-psqlrc', '--single-transaction', '-v', 'ON_ERROR_STOP=1', '--file', '-', ...args], env }
}
