/**
 * What stands in the way of publishing a draft, in words the programme office reads: the same
 * checks as the server (methodDefinitionSchema and successorProblems, src/shared/method/definition.ts),
 * their English messages turned into i18n keys (`methodEditor.problem.*`) with the ids and names
 * as parameters, and where in the method each one is.
 */
import { methodDefinitionSchema, type MethodDefinition } from '../../../shared/method/definition'
import { successorProblems } from '../../../shared/method/succession'

export interface Problem {
  /** Where in the definition: ['pathways', 'wor', 'steps', 2, 'essentials', 0, 'text', 'nl'], ['note'], … */
  path: (string | number)[]
  /** Under methodEditor.problem. */
  key: string
  params: Record<string, string | number>
}

/** The checks' messages (definition.ts), most specific first. */
const MESSAGES: [RegExp, string, string[]][] = [
  [/^Dutch text is empty$/, 'emptyNl', []],
  [/^English text is empty$/, 'emptyEn', []],
  [/^a step needs at least one essential$/, 'needEssential', []],
  [/^(\w+) must keep the "([^"]+)" part/, 'keepPart', ['pathway', 'part']],
  [/^the samenwerkoverleg step must hold/, 'consultationPart', []],
  [/^(?:step|field|essential) id "([^"]+)" is used twice/, 'idTwice', ['id']],
  [/^choice field "([^"]+)" needs options/, 'needOptions', ['id']],
  [/^only a choice field has options/, 'onlyChoice', []],
  [/^"answers\.([^"]+)" is not a field of this method/, 'unknownField', ['id']],
  [/^(?:field|essential) "([^"]+)" does not exist in this version/, 'missingTarget', ['id']],
  [/^an answer cannot move onto itself/, 'moveSelf', []],
  [/^field "([^"]+)" moves away but is still asked/, 'stillAsked', ['id']],
  [/^essential "([^"]+)" is met by the case's data/, 'metByData', ['id']],
  [/^essential "([^"]+)" is retired but still asked/, 'retiredAsked', ['id']],
  [/^version must be (\d+), not (\d+)/, 'version', ['expected', 'got']],
  [/^(?:field|essential) "([^"]+)" did not exist in version (\d+)/, 'notBefore', ['id', 'version']],
  [/^a (\w+) answer cannot move to (\w+) field "([^"]+)"/, 'kindMove', ['from', 'to', 'id']],
  [/^field "([^"]+)" lacks the options (.+) of "([^"]+)"/, 'lacksOptions', ['id', 'options', 'from']],
  [/^field "([^"]+)" changed from (\w+) to (\w+)/, 'kindChanged', ['id', 'from', 'to']],
]

/** Every key problemOf can give (each needs its text under methodEditor.problem, in Dutch and English). */
export const PROBLEM_KEYS = [...MESSAGES.map(([, key]) => key), 'tooFew', 'tooMany', 'other']

/** One message of the checks (or of the server's 422) as a key and its parameters. */
export function problemOf(message: string, path: (string | number)[] = [], code?: string, limit?: number): Problem {
  for (const [re, key, names] of MESSAGES) {
    const m = re.exec(message)
    if (m) return { path, key, params: Object.fromEntries(names.map((n, i) => [n, m[i + 1]!])) }
  }
  if (code === 'too_small' && limit !== undefined) return { path, key: 'tooFew', params: { n: limit } }
  if (code === 'too_big' && limit !== undefined) return { path, key: 'tooMany', params: { n: limit } }
  return { path, key: 'other', params: { message } }
}

/** Everything the server would refuse, plus an empty note (it says what changed on every phone). */
export function draftProblems(prev: MethodDefinition, draft: MethodDefinition): Problem[] {
  const parsed = methodDefinitionSchema.safeParse(draft)
  if (!parsed.success) {
    return parsed.error.issues.map((i) => {
      const limit = 'minimum' in i ? Number(i.minimum) : 'maximum' in i ? Number(i.maximum) : undefined
      return problemOf(i.message, i.path.filter((p) => typeof p !== 'symbol'), i.code, limit)
    })
  }
  return successorProblems(prev, parsed.data).map((m) => problemOf(m, m.startsWith('version') ? ['version'] : []))
}
