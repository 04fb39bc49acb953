/**
 * Which strings of a case are free text (docs/case-sync.md "The case as a document"): a free text
 * is a Y.Text in the case's Y.Doc, so two devices typing in it both keep their words; every other
 * string (a name, a date, an enum, an id) is one value that the last writer sets.
 *
 * The set is derived from the case schema: every string field whose maximum length is at least
 * FREE_TEXT_MIN_MAX (1,000 characters) is free text, also inside a union (a method answer is
 * free text when it is a string, unless its field in the method is a date or a choice). A new long
 * text field in caseRecordSchema is therefore free text without anyone listing it;
 * test/unit/recordDoc.test.ts walks the schema to hold this.
 */
import type { z } from 'zod'
import { caseRecordSchema } from '../cases/v2'
import { fieldIndex, type FieldKind, type MethodDefinition } from '../method/definition'
import { BUNDLED_METHOD } from '../method/sigMethod'

export const FREE_TEXT_MIN_MAX = 1_000
/** A path segment standing for any element of an array. */
export const ITEM = '[]'

/** A tree of the schema's paths that lead to free text; `any` = any key of a record. */
interface PathNode {
  keys: Map<string, PathNode>
  any?: PathNode
  item?: PathNode
  text: boolean
}

const emptyNode = (): PathNode => ({ keys: new Map(), text: false })
type Def = { type: string; [k: string]: unknown }
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def

function merge(into: PathNode, from: PathNode): PathNode {
  into.text ||= from.text
  for (const [k, n] of from.keys) into.keys.set(k, into.keys.has(k) ? merge(into.keys.get(k)!, n) : n)
  if (from.any) into.any = into.any ? merge(into.any, from.any) : from.any
  if (from.item) into.item = into.item ? merge(into.item, from.item) : from.item
  return into
}

/** The free-text tree of a Zod schema; undefined when nothing below is free text. */
function nodeOf(schema: unknown): PathNode | undefined {
  const def = defOf(schema)
  switch (def.type) {
    case 'string': {
      const max = (schema as z.ZodString).maxLength
      return max !== null && max >= FREE_TEXT_MIN_MAX ? { ...emptyNode(), text: true } : undefined
    }
    case 'object': {
      const node = emptyNode()
      for (const [k, s] of Object.entries(def.shape as Record<string, unknown>)) {
        const child = nodeOf(s)
        if (child) node.keys.set(k, child)
      }
      return node.keys.size ? node : undefined
    }
    case 'record': {
      const any = nodeOf(def.valueType)
      return any ? { ...emptyNode(), any } : undefined
    }
    case 'array': {
      const item = nodeOf(def.element)
      return item ? { ...emptyNode(), item } : undefined
    }
    case 'union': {
      const nodes = (def.options as unknown[]).map(nodeOf).filter((n): n is PathNode => !!n)
      return nodes.length ? nodes.reduce(merge, emptyNode()) : undefined
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return nodeOf(def.innerType)
    case 'pipe':
      return nodeOf(def.in)
    default:
      return undefined
  }
}

/** Free text in a case by the schema alone: every string method answer is free text here. */
const SCHEMA_TEXT_TREE: PathNode = nodeOf(caseRecordSchema) ?? emptyNode()
export type TextTree = PathNode | undefined

/** Method fields whose answer is typed text; a date, a choice's option id, yes/no or a number is one value. */
const TEXT_KINDS: readonly FieldKind[] = ['text', 'longText']

/**
 * The case's free text with the method's answers by their field's kind: a date or a choice set on
 * two devices ends as one of the two, never a mix of characters. A field's kind never changes
 * across method versions (definition.ts), so any definition that has the field gives the same
 * answer; an answer no definition here knows stays free text.
 */
function treeFor(definitions: readonly MethodDefinition[]): PathNode {
  const answers = SCHEMA_TEXT_TREE.keys.get('method')?.keys.get('answers')
  if (!answers) return SCHEMA_TEXT_TREE
  const keys = new Map(answers.keys)
  for (const d of definitions) for (const [id, f] of fieldIndex(d)) if (!TEXT_KINDS.includes(f.kind)) keys.set(id, emptyNode())
  const method = SCHEMA_TEXT_TREE.keys.get('method')!
  const root = { ...SCHEMA_TEXT_TREE, keys: new Map(SCHEMA_TEXT_TREE.keys) }
  root.keys.set('method', { ...method, keys: new Map(method.keys).set('answers', { ...answers, keys }) })
  return root
}

/** Free text in a case under the bundled method. */
export const CASE_TEXT_TREE: PathNode = treeFor([BUNDLED_METHOD])
const treeCache = new WeakMap<MethodDefinition, PathNode>()
/** Free text in a case under a method version (and the bundled one). */
export function caseTextTree(definition: MethodDefinition | undefined): PathNode {
  if (!definition || definition === BUNDLED_METHOD) return CASE_TEXT_TREE
  let tree = treeCache.get(definition)
  if (!tree) treeCache.set(definition, (tree = treeFor([BUNDLED_METHOD, definition])))
  return tree
}

/** The tree below one key (a record's key matches `any`) or below an array's elements. */
export function childTree(node: TextTree, key: string): TextTree {
  if (!node) return undefined
  if (key === ITEM) return node.item
  return node.keys.get(key) ?? node.any
}

/**
 * Whether a path is free text: keys by name (a record's key by any name), array elements as
 * ITEM — ['lifeDomains', 'wonen', 'note'], ['steps', '[]', 'what'].
 */
export function isFreeTextPath(path: readonly string[], tree: TextTree = CASE_TEXT_TREE): boolean {
  let node: TextTree = tree
  for (const key of path) node = childTree(node, key)
  return !!node?.text
}

/** Every free-text path as a pattern ('*' for a record's key): for docs and tests. */
export function freeTextPatterns(tree: TextTree = CASE_TEXT_TREE): string[] {
  const walk = (node: TextTree, prefix: string[]): string[] => {
    if (!node) return []
    const here = node.text ? [prefix.join('.')] : []
    const below = [...node.keys].flatMap(([k, n]) => walk(n, [...prefix, k]))
    return [...here, ...below, ...walk(node.any, [...prefix, '*']), ...walk(node.item, [...prefix, ITEM])]
  }
  return walk(tree, [])
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff

/**
 * The smallest single change from `from` to `to`: keep the common start and end, delete what lies
 * between in `from`, insert what lies between in `to`. Never splits a surrogate pair (an emoji).
 */
export function textChange(from: string, to: string): { at: number; remove: number; insert: string } | null {
  if (from === to) return null
  const max = Math.min(from.length, to.length)
  let start = 0
  while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++
  if (start > 0 && isHigh(from.charCodeAt(start - 1))) start--
  let end = 0
  while (end < max - start && from.charCodeAt(from.length - 1 - end) === to.charCodeAt(to.length - 1 - end)) end++
  if (end > 0 && isLow(from.charCodeAt(from.length - end))) end--
  return { at: start, remove: from.length - start - end, insert: to.slice(start, to.length - end) }
}
