/**
 * The case record as a Yjs document, both ways (docs/case-sync.md "The case as a document"). The
 * app edits a plain CaseRecord; `writeRecord` applies the difference to the case's Y.Doc in one
 * transaction and `readRecord` turns the doc back into a record.
 *
 * Layout, chosen so that no shared type is ever created twice by two devices at once (in Yjs two
 * concurrent `map.set(key, new Y.Map())` keep only one of the two maps, and everything in the other):
 * - `record` (root Y.Map) holds every plain object FLAT, one key per dotted path
 *   ('resident.name', 'lifeDomains.wonen.score'); an object itself is a marker at its own path
 *   ('consultation' → {k:'object'}), so two devices filling different fields of a section that was
 *   absent both keep theirs. Names, dates, enums, numbers and booleans are plain values: the last
 *   writer wins per key;
 * - a free text (freeText.ts) outside arrays is the root Y.Text 'text:<path>', marked in `record`
 *   by {k:'text'}; an array outside arrays is the root Y.Array 'list:<path>', marked by {k:'list'}.
 *   Root types are merged by name, never replaced;
 * - an array of objects with an `id` holds one Y.Map per element (diffed by id; the element's own
 *   fields are flat keys in it, its free texts Y.Text and its arrays Y.Array inside it: an element
 *   is made by one device). A move never deletes an element (the other device's edits in it would
 *   go with it): the elements get positions (POS, read by elementOrder); any other array holds
 *   plain JSON values, diffed by value sequence;
 * - `meta` (root Y.Map): who counts the case (countingDeviceId) and who leads it (leadUserId).
 *
 * writeRecord makes the doc hold exactly `record`: call it with a record read from the doc after
 * the last remote update was applied, or it undoes what the other device did.
 */
import * as Y from 'yjs'
import { caseRecordSchema, type CaseRecord } from '../cases/v2'
import type { MethodDefinition } from '../method/definition'
import { currentStepOf, type MethodFacts } from '../method/progress'
import { caseTextTree, childTree, ITEM, textChange, type TextTree } from './freeText'

export const RECORD_MAP = 'record'
export const META_MAP = 'meta'
export const TEXT_PREFIX = 'text:'
export const LIST_PREFIX = 'list:'

type Kind = 'object' | 'text' | 'list'
const MARKERS: Record<Kind, { k: Kind }> = { object: { k: 'object' }, text: { k: 'text' }, list: { k: 'list' } }
type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Y.AbstractType)
const markerOf = (v: unknown): Kind | undefined => (isObject(v) && typeof v.k === 'string' && v.k in MARKERS ? (v.k as Kind) : undefined)
/** Keys never hold '.' or '%' raw, so a dotted path splits back into its keys. */
const encodeSegment = (s: string) => (/[.%]/.test(s) ? s.replace(/%/g, '%25').replace(/\./g, '%2E') : s)
const decodeKey = (key: string) => key.split('.').map((s) => (s.includes('%') ? s.replace(/%2E/g, '.').replace(/%25/g, '%') : s))
/** A private copy: the app's record is reactive and mutable, the doc's values must not move with it. */
const copy = <T>(v: T): T => (typeof v === 'object' && v !== null ? (JSON.parse(JSON.stringify(v)) as T) : v)

/**
 * Where flat keys live: the doc's `record` map, or one array element's Y.Map. They differ only in
 * where a key's text or array lives (a root type beside a marker, or the Y type itself).
 */
interface Place {
  map: Y.Map<unknown>
  text(key: string): Y.Text
  list(key: string): Y.Array<unknown>
  readText(key: string, value: unknown): string | undefined
  readList(key: string, value: unknown): Y.Array<unknown> | undefined
  /** Empties what a key holds besides its map value (a root text or list) before it changes kind. */
  drop(key: string, value: unknown): void
}

const kindOf = (v: unknown): Kind | 'value' => markerOf(v) ?? (v instanceof Y.Text ? 'text' : v instanceof Y.Array ? 'list' : 'value')

function setMarker(map: Y.Map<unknown>, key: string, kind: Kind) {
  if (markerOf(map.get(key)) !== kind) map.set(key, MARKERS[kind])
}

class RootPlace implements Place {
  readonly map: Y.Map<unknown>
  constructor(private readonly doc: Y.Doc) {
    this.map = doc.getMap<unknown>(RECORD_MAP)
  }
  text(key: string) {
    const t = this.doc.getText(TEXT_PREFIX + key)
    if (markerOf(this.map.get(key)) !== 'text') {
      this.map.set(key, MARKERS.text)
      if (t.length) t.delete(0, t.length) // left over from a field removed while another device typed in it
    }
    return t
  }
  list(key: string) {
    const a = this.doc.getArray<unknown>(LIST_PREFIX + key)
    if (markerOf(this.map.get(key)) !== 'list') {
      this.map.set(key, MARKERS.list)
      if (a.length) a.delete(0, a.length)
    }
    return a
  }
  readText(key: string, value: unknown) {
    return markerOf(value) === 'text' ? this.doc.getText(TEXT_PREFIX + key).toString() : undefined
  }
  readList(key: string, value: unknown) {
    return markerOf(value) === 'list' ? this.doc.getArray<unknown>(LIST_PREFIX + key) : undefined
  }
  drop(key: string, value: unknown) {
    const kind = markerOf(value)
    const shared = kind === 'text' ? this.doc.getText(TEXT_PREFIX + key) : kind === 'list' ? this.doc.getArray(LIST_PREFIX + key) : undefined
    if (shared?.length) shared.delete(0, shared.length)
  }
}

class ElementPlace implements Place {
  constructor(readonly map: Y.Map<unknown>) {}
  text(key: string) {
    const cur = this.map.get(key)
    return cur instanceof Y.Text ? cur : this.map.set(key, new Y.Text())
  }
  list(key: string) {
    const cur = this.map.get(key)
    return cur instanceof Y.Array ? (cur as Y.Array<unknown>) : this.map.set(key, new Y.Array<unknown>())
  }
  readText(_key: string, value: unknown) {
    return value instanceof Y.Text ? value.toString() : undefined
  }
  readList(_key: string, value: unknown) {
    return value instanceof Y.Array ? (value as Y.Array<unknown>) : undefined
  }
  drop() {} // its Y types go with the map value that replaces them
}

// ---------------------------------------------------------------------------------------------
// Writing

function writePlace(place: Place, value: Json, tree: TextTree) {
  const expected = new Set<string>()
  writeEntries(place, '', value, tree, expected)
  for (const key of [...place.map.keys()]) {
    if (expected.has(key) || key === POS) continue
    place.drop(key, place.map.get(key))
    place.map.delete(key)
  }
}

/** `prefix`: the flat key of the object `value` is at ('' for the place itself). */
function writeEntries(place: Place, prefix: string, value: Json, tree: TextTree, expected: Set<string>) {
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue // absent
    const key = prefix ? `${prefix}.${encodeSegment(k)}` : encodeSegment(k)
    const below = childTree(tree, k)
    expected.add(key)
    const current = place.map.get(key)
    const kind: Kind | 'value' = isObject(v) ? 'object' : Array.isArray(v) ? 'list' : typeof v === 'string' && below?.text ? 'text' : 'value'
    if (kindOf(current) !== kind) place.drop(key, current)
    if (kind === 'object') {
      setMarker(place.map, key, 'object')
      writeEntries(place, key, v as Json, below, expected)
    } else if (kind === 'list') {
      writeArray(place.list(key), v as unknown[], childTree(below, ITEM))
    } else if (kind === 'text') {
      const t = place.text(key)
      const change = textChange(t.toString(), v as string)
      if (change?.remove) t.delete(change.at, change.remove)
      if (change?.insert) t.insert(change.at, change.insert)
    } else if (current !== v) {
      place.map.set(key, v)
    }
  }
}

const hasId = (v: unknown): v is Json & { id: string } => isObject(v) && typeof v.id === 'string'

/**
 * An element's position (a number) in its Y.Map, set only when elements were moved. A key no field
 * can have: encodeSegment writes a field's '%' as '%25'.
 */
export const POS = '%pos'
/**
 * The order of an array's elements: by POS, an element without one right after the element before
 * it in the Y.Array (an element added on a device that did not see the move stays where it was put).
 */
function elementOrder(values: readonly unknown[]): number[] {
  let last = 0
  const at = values.map((v, i) => {
    const pos = v instanceof Y.Map ? v.get(POS) : undefined
    last = typeof pos === 'number' ? pos : last
    return { i, pos: last }
  })
  return at.sort((a, b) => a.pos - b.pos || a.i - b.i).map((a) => a.i)
}
const idOf = (v: unknown) => (v instanceof Y.Map ? v.get('id') : undefined)
const sameJson = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b)

function writeArray(arr: Y.Array<unknown>, items: readonly unknown[], tree: TextTree) {
  if (items.length && items.every(hasId)) return writeById(arr, items, tree)
  let current = arr.toArray()
  if (current.some((v) => v instanceof Y.AbstractType)) {
    arr.delete(0, arr.length) // it held elements by id: now plain values
    current = []
  }
  const max = Math.min(current.length, items.length)
  let start = 0
  while (start < max && sameJson(current[start], items[start])) start++
  let end = 0
  while (end < max - start && sameJson(current[current.length - 1 - end], items[items.length - 1 - end])) end++
  if (current.length - start - end) arr.delete(start, current.length - start - end)
  const insert = items.slice(start, items.length - end)
  if (insert.length) arr.insert(start, insert.map(copy))
}

/**
 * Elements by id: removed ids are deleted, new ones inserted after the element before them, kept
 * ones updated in place (so a concurrent edit of one and an add elsewhere both survive). A move
 * sets every element's POS instead of deleting and inserting the moved one, so what another device
 * typed in it meanwhile stays.
 */
function writeById(arr: Y.Array<unknown>, items: readonly (Json & { id: string })[], tree: TextTree) {
  const wanted = new Set(items.map((i) => i.id))
  const values = arr.toArray()
  const maps = new Map<string, Y.Map<unknown>>()
  for (const i of elementOrder(values)) {
    const id = idOf(values[i])
    if (typeof id === 'string' && wanted.has(id) && !maps.has(id)) maps.set(id, values[i] as Y.Map<unknown>)
  }
  const kept = new Set<unknown>(maps.values())
  for (let i = values.length - 1; i >= 0; i--) if (!kept.has(values[i])) arr.delete(i, 1)
  items.forEach((item, i) => {
    if (maps.has(item.id)) return
    const map = new Y.Map<unknown>()
    arr.insert(i === 0 ? 0 : arr.toArray().indexOf(maps.get(items[i - 1]!.id)) + 1, [map])
    maps.set(item.id, map)
  })
  const now = arr.toArray()
  const order = elementOrder(now)
  const moved = items.some((item, i) => now[order[i]!] !== maps.get(item.id))
  items.forEach((item, i) => {
    const map = maps.get(item.id)!
    if (moved && map.get(POS) !== i + 1) map.set(POS, i + 1)
    writePlace(new ElementPlace(map), item, tree)
  })
}

/** Root texts and lists no marker points at any more (a field removed while another device typed in it). */
function sweepOrphans(doc: Y.Doc, map: Y.Map<unknown>) {
  // An update waiting for another one may hold the marker of a text that already arrived.
  if (doc.store.pendingStructs || doc.store.pendingDs) return
  for (const name of [...doc.share.keys()]) {
    const kind = name.startsWith(TEXT_PREFIX) ? 'text' : name.startsWith(LIST_PREFIX) ? 'list' : undefined
    if (!kind || markerOf(map.get(name.slice(kind.length + 1))) === kind) continue
    const shared = kind === 'text' ? doc.getText(name) : doc.getArray(name)
    if (shared.length) shared.delete(0, shared.length)
  }
}

/**
 * Applies the difference between the doc and `record` in one transaction; no change, no update.
 * `definitionFor` gives the case's method version, so a newer version's date or choice answers are
 * single values too (the bundled method's are without it).
 */
export function writeRecord(doc: Y.Doc, record: CaseRecord, origin?: unknown, definitionFor?: (version: number) => MethodDefinition | undefined): void {
  const tree = caseTextTree(definitionFor?.(record.method.version))
  doc.transact(() => {
    const place = new RootPlace(doc)
    writePlace(place, record as unknown as Json, tree)
    sweepOrphans(doc, place.map)
  }, origin)
}

// ---------------------------------------------------------------------------------------------
// Reading

function readArray(arr: Y.Array<unknown>): unknown[] {
  const seen = new Set<unknown>()
  const out: unknown[] = []
  const values = arr.toArray()
  for (const v of elementOrder(values).map((i) => values[i])) {
    if (!(v instanceof Y.Map)) {
      out.push(v instanceof Y.AbstractType ? v.toJSON() : copy(v))
      continue
    }
    const element = readPlace(new ElementPlace(v as Y.Map<unknown>))
    // An element there twice (moved on two devices at once before POS): the first stays.
    if (seen.has(element.id)) continue
    seen.add(element.id)
    out.push(element)
  }
  return out
}

function readPlace(place: Place): Json {
  const out: Json = {}
  const entries = new Map(place.map.entries())
  // Shorter paths first, so an object exists before its fields are put in it.
  const keys = [...entries.keys()].map((key) => ({ key, path: decodeKey(key) })).sort((a, b) => a.path.length - b.path.length)
  for (const { key, path } of keys) {
    if (key === POS) continue
    const value = entries.get(key)
    let parent: Json | undefined = out
    for (const k of path.slice(0, -1)) parent = parent && Object.hasOwn(parent, k) && isObject(parent[k]) ? (parent[k] as Json) : undefined
    if (!parent) continue // its object was removed on another device: the field goes with it
    if (path.includes('__proto__')) continue
    const kind = markerOf(value)
    const list = place.readList(key, value)
    const last = path.at(-1)!
    if (kind === 'object') parent[last] = {}
    else if (list) parent[last] = readArray(list)
    else if (kind === 'text' || value instanceof Y.Text) parent[last] = place.readText(key, value)
    else parent[last] = value instanceof Y.AbstractType ? value.toJSON() : copy(value)
  }
  return out
}

/**
 * Arrays that are sets (support categories ticked as checkboxes): the app appends a ticked value and
 * removes an unticked one, and the doc merges them like any plain array, so a value ticked on two
 * devices at once is there twice. It is read once (the first), so both devices read the same set
 * and the schema's "each at most once" holds; the next save removes the extra copy. Unticking
 * removes every copy the device holds, and a tick on the other device meanwhile stays (add wins).
 */
export const SET_PATHS: readonly (readonly string[])[] = [
  ['support', 'beforeCategories'],
  ['support', 'afterCategories'],
]

function readSetsOnce(record: Json) {
  for (const path of SET_PATHS) {
    let parent: unknown = record
    for (const k of path.slice(0, -1)) parent = isObject(parent) && Object.hasOwn(parent, k) ? parent[k] : undefined
    const last = path.at(-1)!
    if (isObject(parent) && Array.isArray(parent[last])) parent[last] = [...new Set(parent[last] as unknown[])]
  }
}

export type ReadResult = { record: CaseRecord } | { record: unknown; problems: string[] }

/**
 * The doc as a record, validated. A merge can break a limit (two devices each added text to a
 * field of at most 5,000 characters): then the record comes back as it is, with the problems in
 * words, and nothing is dropped. With `definitionFor`, where the case stands (`method.step`) is
 * worked out again from the merged data; without it the stored step is kept.
 */
export function readRecord(doc: Y.Doc, definitionFor?: (version: number) => MethodDefinition | undefined): ReadResult {
  const record = readPlace(new RootPlace(doc))
  readSetsOnce(record)
  const method = record.method
  if (definitionFor && isObject(method) && typeof method.version === 'number') {
    const definition = definitionFor(method.version)
    const pathway = record.pathway
    if (definition && typeof pathway === 'string' && Object.hasOwn(definition.pathways, pathway) && isObject(method.answers) && isObject(method.essentials)) {
      method.step = currentStepOf(definition, record as unknown as MethodFacts).id
    }
  }
  const parsed = caseRecordSchema.safeParse(record)
  if (parsed.success) return { record: parsed.data }
  return { record, problems: parsed.error.issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(record)'}: ${i.message}`) }
}

// ---------------------------------------------------------------------------------------------
// Meta

export interface CaseMeta {
  /** The device that counts the case for the KPIs (set once when the case is made; a handover moves it). */
  countingDeviceId?: string
  /** The worker who leads the case. */
  leadUserId?: string
}

export function readMeta(doc: Y.Doc): CaseMeta {
  const map = doc.getMap<unknown>(META_MAP)
  const out: CaseMeta = {}
  for (const key of ['countingDeviceId', 'leadUserId'] as const) {
    const v = map.get(key)
    if (typeof v === 'string') out[key] = v
  }
  return out
}

/** Sets the given fields (undefined leaves one as it is); no change, no update. */
export function writeMeta(doc: Y.Doc, meta: CaseMeta, origin?: unknown): void {
  const map = doc.getMap<unknown>(META_MAP)
  doc.transact(() => {
    for (const [key, v] of Object.entries(meta)) if (v !== undefined && map.get(key) !== v) map.set(key, v)
  }, origin)
}
