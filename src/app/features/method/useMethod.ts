/**
 * The method definitions this phone knows (docs/method.md): the version bundled with the app, and
 * later versions received from the server like a map update (methodSync.ts).
 */
import { computed, shallowRef } from 'vue'
import type { MethodDefinition } from '../../../shared/method/definition'
import { BUNDLED_METHOD } from '../../../shared/method/sigMethod'

const known = shallowRef<readonly MethodDefinition[]>([BUNDLED_METHOD])

export function useMethod() {
  const latest = computed(() => known.value.reduce((a, b) => (b.version > a.version ? b : a)))
  return {
    /** The newest version this phone has. */
    latest,
    /** Every version this phone has, oldest first. */
    all: computed(() => [...known.value].sort((a, b) => a.version - b.version)),
    /** A version by number; undefined when this phone never received it. */
    forVersion: (version: number): MethodDefinition | undefined => known.value.find((d) => d.version === version),
  }
}
