/**
 * The draft the method editor works on, shared by its parts (provide in MethodEditorPage, inject
 * in the step, block and text editors): texts are typed straight into the draft; every other edit
 * is one of methodEdits.ts's pure operations, whose result replaces the draft.
 */
import { inject, provide, ref, type InjectionKey, type Ref } from 'vue'
import type { MethodDefinition, MethodText } from '../../../shared/method/definition'
import { startDraft } from './methodEdits'

export interface MethodDraft {
  /** The version the draft follows: the latest published one. */
  prev: Ref<MethodDefinition>
  draft: Ref<MethodDefinition>
  /** Starts over: a fresh draft after `latest` (on opening, after publishing, after someone else published). */
  start: (latest: MethodDefinition) => void
  /** Applies a pure edit (methodEdits.ts) to the draft. */
  apply: (edit: (d: MethodDefinition, prev: MethodDefinition) => MethodDefinition) => void
  /** The text at `path` in the draft (undefined when there is none, such as a field without hint). */
  textAt: (path: readonly (string | number)[]) => MethodText | undefined
  /** Sets one language of the text at `path`, creating the text when it is missing (a new hint). */
  setText: (path: readonly (string | number)[], lang: keyof MethodText, value: string) => void
}

const KEY: InjectionKey<MethodDraft> = Symbol('method-draft')

function walk(root: unknown, path: readonly (string | number)[]): unknown {
  let at: unknown = root
  for (const p of path) at = at && typeof at === 'object' ? (at as Record<string | number, unknown>)[p] : undefined
  return at
}

export function provideMethodDraft(latest: MethodDefinition): MethodDraft {
  const prev = ref(latest) as Ref<MethodDefinition>
  const draft = ref(startDraft(latest)) as Ref<MethodDefinition>
  const store: MethodDraft = {
    prev,
    draft,
    start(next) {
      prev.value = next
      draft.value = startDraft(next)
    },
    apply: (edit) => void (draft.value = edit(draft.value, prev.value)),
    textAt: (path) => walk(draft.value, path) as MethodText | undefined,
    setText(path, lang, value) {
      const parent = walk(draft.value, path.slice(0, -1)) as Record<string | number, MethodText | undefined> | undefined
      const key = path.at(-1)
      if (!parent || key === undefined) return
      const text = (parent[key] ??= { nl: '', en: '' })
      text[lang] = value
      // An optional text (a hint) emptied in both languages is no text: the schema wants none then.
      if (key === 'hint' && !text.nl.trim() && !text.en.trim()) delete parent[key]
    },
  }
  provide(KEY, store)
  return store
}

export function useMethodDraft(): MethodDraft {
  const store = inject(KEY)
  if (!store) throw new Error('useMethodDraft outside the method editor')
  return store
}
