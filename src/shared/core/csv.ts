/**
 * CSV the way Dutch Excel reads and writes it (issue 18 point 7): written with semicolons, a UTF-8
 * byte-order mark and CRLF line ends, so it opens in columns with its accents intact; read with
 * semicolons or commas (whichever the first line uses), with or without the mark.
 */

const BOM = '\uFEFF'

/**
 * One cell: quoted when it holds the separator, a quote or a line break. A text that a
 * spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return) gets a
 * leading apostrophe; numbers stay numbers.
 */
function cell(v: string | number): string {
  if (typeof v === 'number') return String(v)
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** A whole file: the header line, then one line a row. */
export function toExcelCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return BOM + [header, ...rows].map((r) => r.map(cell).join(';')).join('\r\n') + '\r\n'
}

export interface CsvLine {
  /** The line number in the file, from 1 (the header is line 1). */
  line: number
  cells: string[]
}

/**
 * The lines of a CSV text, blank lines left out. The separator is the one the first line uses
 * most (semicolon or comma); quoted cells may hold it, quotes ("") and line breaks.
 */
export function parseCsv(text: string): CsvLine[] {
  const body = text.startsWith(BOM) ? text.slice(1) : text
  const firstLine = body.split(/\r?\n/, 1)[0] ?? ''
  const sep = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ','
  const out: CsvLine[] = []
  let cells: string[] = []
  let current = ''
  let quoted = false
  let line = 1
  let startLine = 1
  const endRow = () => {
    cells.push(current)
    if (cells.some((c) => c.trim() !== '')) out.push({ line: startLine, cells })
    cells = []
    current = ''
  }
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        current += '"'
        i++
      } else if (c === '"') quoted = false
      else {
        if (c === '\n') line++
        current += c
      }
    } else if (c === '"' && current.trim() === '') {
      current = ''
      quoted = true
    } else if (c === sep) {
      cells.push(current)
      current = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++
      endRow()
      line++
      startLine = line
    } else current += c
  }
  if (current !== '' || cells.length) endRow()
  return out
}
