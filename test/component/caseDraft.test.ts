import 'fake-indexeddb/auto'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { describe, expect, it } from 'vitest'
import { useCaseDraft } from '../../src/app/features/cases/useCaseDraft'
import { useCaseVault } from '../../src/app/features/cases/useCaseVault'
import { newCase, type CaseRecord } from '../../src/shared/cases/v1'

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('a case draft when the device is full', () => {
  it('keeps the typed text as unsaved work, says the phone is full, and saves it on retry', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const vault = useCaseVault()
    const saved: CaseRecord[] = []
    let full = true
    vault.store.save = async (r: CaseRecord) => {
      if (full) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' })
      saved.push(structuredClone(r))
    }
    let draft!: ReturnType<typeof useCaseDraft>
    const Host = defineComponent({
      setup() {
        draft = useCaseDraft(newCase('9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d', 'wor', new Date()))
        return () => h('div')
      },
    })
    mount(Host, { global: { plugins: [pinia] } })
    draft.record.questions.wil = 'Weer fietsen'
    await wait(120)
    await flushPromises()
    expect(draft.state.error).toBe('storage-full')
    expect(saved).toEqual([])
    full = false
    await draft.flush()
    expect(draft.state.error).toBe('')
    expect(saved.at(-1)?.questions.wil).toBe('Weer fietsen')
  })
})
