/**
 * Looks for known plaintexts (a name, an e-mail address, a note) in anything a test can read:
 * files, database rows, logs, browser storage, request bodies and headers. It searches the
 * plain text and the forms a value takes on its way to disk or wire, so a leak does not hide
 * behind an encoding:
 * - UTF-8/latin1 text, case-insensitive (search indexes store lower case);
 * - UTF-16 little and big endian (V8 and IndexedDB store strings that way);
 * - JSON-escaped and URL-encoded (%20 and +) text;
 * - base64/base64url and hex runs inside the haystack, decoded (two levels deep), so an
 *   encoded copy is found wherever it starts.
 * Values PostgreSQL compresses (over about 2 KB) are invisible in its files: `scanDatabase`
 * reads every table through SQL, where they come back decompressed.
 * A test using this scanner must also plant a known plaintext and see it found (a scan that
 * cannot find anything proves nothing).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

export interface Finding {
  secret: string
  /** How the secret was written: 'text', 'utf-16le', 'base64 › text', … */
  form: string
  /** Where: a file path, a table name, a label the caller gave. */
  where: string
}

/** Each secret's forms, made once: a scan searches every decoded run for every secret (a long log has thousands of runs). */
const formsOf = new Map<string, [form: string, latin1: string][]>()

/** The byte sequences (as latin1 strings, lower case) a secret may take directly. */
function directForms(secret: string): [form: string, latin1: string][] {
  const known = formsOf.get(secret)
  if (known) return known
  const lower = secret.toLowerCase()
  const utf8 = Buffer.from(lower, 'utf8').toString('latin1')
  const forms: [string, string][] = [
    ['text', utf8],
    ['utf-16le', Buffer.from(lower, 'utf16le').toString('latin1')],
    ['utf-16be', Buffer.from(lower, 'utf16le').swap16().toString('latin1')],
    ['json', Buffer.from(JSON.stringify(lower).slice(1, -1), 'utf8').toString('latin1')],
    ['json-ascii', JSON.stringify(lower).slice(1, -1).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)],
    ['url', encodeURIComponent(lower).toLowerCase()],
    ['form-url', encodeURIComponent(lower).replace(/%20/g, '+').toLowerCase()],
  ]
  // The haystack is lower-cased as latin1, byte by byte: so are the forms, or the UTF-8 of 'ë' (C3 AB) never matches (E3 AB).
  for (const f of forms) f[1] = f[1].toLowerCase()
  // Only distinct forms, so one leak is reported once per form.
  const distinct = forms.filter(([, s], i) => s.length > 0 && forms.findIndex(([, t]) => t === s) === i)
  formsOf.set(secret, distinct)
  return distinct
}

const BASE64_RUN = /[A-Za-z0-9+/_-]{12,}={0,2}/g
const HEX_RUN = /[0-9a-fA-F]{16,}/g
/** Printable text without spaces or quotes that holds at least one %XX escape: a URL, a query, a form body, a header value. */
const PRINTABLE_RUN = /[!#-&(-;=?-~]{3,}/g
const ESCAPE = /%[0-9a-fA-F]{2}/

/**
 * Decoded copies of the base64 and hex runs in a text (each base64 run at its four alignments, each
 * hex run at its two: a stray hex digit before it, like a length byte, shifts it),
 * one text per kind with the copies on lines of their own: a data directory has tens of thousands
 * of runs, and one search of their concatenation costs what one search of one run does.
 */
function decodedRuns(text: string): [form: string, latin1: string][] {
  const hex: string[] = []
  const base64: string[] = []
  for (const [run] of text.matchAll(HEX_RUN)) {
    for (const offset of [0, 1]) hex.push(Buffer.from(run.slice(offset, offset + ((run.length - offset) & ~1)), 'hex').toString('latin1'))
  }
  for (const [run] of text.matchAll(BASE64_RUN)) {
    for (let offset = 0; offset < 4 && run.length - offset >= 12; offset++) {
      const part = run.slice(offset).replace(/-/g, '+').replace(/_/g, '/')
      base64.push(Buffer.from(part.slice(0, part.length - (part.replace(/=+$/, '').length % 4 === 1 ? 1 : 0)), 'base64').toString('latin1'))
    }
  }
  const out: [string, string][] = []
  // A newline is in neither alphabet, so no run spans two copies.
  if (hex.length > 0) out.push(['hex', hex.join('\n')])
  if (base64.length > 0) out.push(['base64', base64.join('\n')])
  return out
}

/** The longest run of ASCII letters and digits in a secret (lower case), if it has one of 3 or more. */
function longestWord(secret: string): string | undefined {
  const words = secret.toLowerCase().match(/[a-z0-9]{3,}/g) ?? []
  return words.sort((a, b) => b.length - a.length)[0]
}

function search(latin1: string, secrets: string[], where: string, prefix: string, depth: number, found: Finding[]) {
  const lower = latin1.toLowerCase()
  // Accented capitals change more than one UTF-8 byte ('É' C3 89, 'é' C3 A9): such secrets are also sought in the text read as UTF-8.
  let utf8: string | undefined
  for (const secret of secrets) {
    // Every form but UTF-16 keeps the secret's letters and digits as they are: one search for its
    // longest plain word rules most forms out at once (a data directory is tens of megabytes).
    const word = longestWord(secret)
    const wordThere = word === undefined || lower.includes(word)
    for (const [form, needle] of directForms(secret)) {
      // UTF-16 interleaves zero bytes; every other form (and the text read as UTF-8) holds the word.
      if (!wordThere && !form.startsWith('utf-16')) continue
      const asUtf8 = () => /[^ -~]/.test(secret) && (utf8 ??= Buffer.from(latin1, 'latin1').toString('utf8').toLowerCase()).includes(secret.toLowerCase())
      if (lower.includes(needle) || (form === 'text' && asUtf8())) found.push({ secret, form: prefix + form, where })
    }
  }
  if (depth > 0 && lower.includes('%')) {
    // Percent-encoding of anything else (a body, a header): decode the whole text, and look inside it again (base64 sent as %2B, %2F).
    // A literal + is a space in a form body; %2B is a +.
    // Only the printable runs that hold an escape are decoded (a data file has % bytes everywhere), one per line.
    const runs = [...latin1.matchAll(PRINTABLE_RUN)].filter(([run]) => ESCAPE.test(run)).map(([run]) => run.replace(/\+/g, ' ').replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))))
    if (runs.length > 0) search(runs.join('\n'), secrets, where, `${prefix}percent › `, depth - 1, found)
  }
  if (depth > 0 && lower.includes('\\u')) {
    // JSON's \u escapes of any text (an accented capital stays \u00cb where the secret's form has \u00eb): unescape, as UTF-8.
    const unescaped = latin1.replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => Buffer.from(String.fromCharCode(parseInt(h, 16)), 'utf8').toString('latin1'))
    if (unescaped !== latin1) search(unescaped, secrets, where, `${prefix}json-unescaped › `, depth - 1, found)
  }
  if (depth > 0) {
    for (const [form, decoded] of decodedRuns(latin1)) search(decoded, secrets, where, `${prefix}${form} › `, depth - 1, found)
  }
}

/** Every form of every secret found in one haystack (a Buffer is read byte for byte). */
export function findSecrets(haystack: string | Uint8Array, secrets: string[], where = ''): Finding[] {
  const latin1 = typeof haystack === 'string' ? Buffer.from(haystack, 'utf8').toString('latin1') : Buffer.from(haystack).toString('latin1')
  const found: Finding[] = []
  search(latin1, secrets, where, '', 2, found)
  // One line per secret, form and place.
  return found.filter((f, i) => found.findIndex((g) => g.secret === f.secret && g.form === f.form && g.where === f.where) === i)
}

/** Every file under a directory, each searched on its own (the path is the finding's `where`). */
export function scanDirectory(dir: string, secrets: string[]): Finding[] {
  const found: Finding[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) found.push(...scanDirectory(path, secrets))
    else found.push(...findSecrets(readFileSync(path), secrets, path))
  }
  return found
}

interface Queryable {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>
}

/**
 * Every row of every table in the current schema, read through SQL (so compressed and
 * out-of-line values come back whole) and searched as JSON; bytea columns arrive as hex.
 */
export async function scanDatabase(db: Queryable, secrets: string[]): Promise<Finding[]> {
  const { rows: tables } = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
  )
  const found: Finding[] = []
  for (const { table_name } of tables) {
    const { rows } = await db.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`)
    for (const { row } of rows) found.push(...findSecrets(row, secrets, table_name))
  }
  return found
}

/** The findings as lines a failing assertion can show. */
export function describeFindings(found: Finding[]): string[] {
  return found.map((f) => `${f.secret} as ${f.form} in ${f.where}`)
}
