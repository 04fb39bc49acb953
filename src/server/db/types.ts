/**
 * What the rest of the server sees of a database, apart from how it is opened (database.ts) and
 * migrated (migrate.ts): both import these types from here, so neither imports the other for them.
 */
export interface Queryable {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>
}
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres'
  exec(sql: string): Promise<void>
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
}
