/**
 * HSDS import: reads a JSON array of compiled services or an HSDS API page
 * (`{ "contents": [...] }`) or a single service object, validates each record on its own and reports every
 * rejected one with its index, id and a readable reason. Duplicate ids in the file are
 * rejected too. Storing is one transaction: a failed run leaves the old map intact.
 */
import { z } from 'zod'
import { describeIssues } from '../../shared/core/zodIssues'
import { serviceSchema, type Service } from '../../shared/socialMap/hsds'

export interface Rejection {
  index: number
  id: string | undefined
  reason: string
}
export interface ParsedImport {
  valid: Service[]
  rejected: Rejection[]
  total: number
}

const pageSchema = z.looseObject({ contents: z.array(z.unknown()) })

export class ImportFileError extends Error {}

/** Turns the file's text into the list of raw records, or throws a readable ImportFileError. */
export function recordsOf(text: string): unknown[] {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new ImportFileError(`The file is not valid JSON: ${(e as Error).message}`)
  }
  if (Array.isArray(data)) return data
  const page = pageSchema.safeParse(data)
  if (page.success) return page.data.contents
  // A single compiled service (like the HSDS example service_full.json) is a list of one.
  if (typeof data === 'object' && data !== null && 'id' in data && 'name' in data) return [data]
  throw new ImportFileError('The file must hold a JSON array of HSDS services or an HSDS API page with a "contents" array.')
}

export function validateRecords(records: readonly unknown[], onProgress?: (done: number) => void): ParsedImport {
  const valid: Service[] = []
  const rejected: Rejection[] = []
  const firstIndexOf = new Map<string, number>()
  records.forEach((record, index) => {
    const rawId = typeof record === 'object' && record !== null && 'id' in record ? (record as { id: unknown }).id : undefined
    const id = typeof rawId === 'string' ? rawId : undefined
    const parsed = serviceSchema.safeParse(record)
    if (!parsed.success) {
      rejected.push({ index, id, reason: describeIssues(parsed.error) })
    } else {
      const key = parsed.data.id.toLowerCase()
      const first = firstIndexOf.get(key)
      if (first !== undefined) rejected.push({ index, id, reason: `duplicate id: the same id is already used by record ${first}` })
      else {
        firstIndexOf.set(key, index)
        valid.push(parsed.data)
      }
    }
    if (onProgress && (index + 1) % 500 === 0) onProgress(index + 1)
  })
  onProgress?.(records.length)
  return { valid, rejected, total: records.length }
}
