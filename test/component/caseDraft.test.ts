import 'fake-indexeddb/auto'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushUnsaved } from '../../src/app/features/cases/unsavedWork'
import { useCaseDraft } from '../../src/app/features/cases/useCaseDraft'
import { useCaseVault } from '../../src/app/features/cases/useCaseVault'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'

describe('a case draft when the device is full', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('keeps the typed text as unsaved work, says the phone is full, and saves it on retry', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const vault = useCaseVault()
    const saved: CaseRecord[] = []
    let full = true
    let attempts = 0
    vault.store.save = async (r: CaseRecord) => {
      attempts++
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
    // Only the debounce timer is faked: IndexedDB (fake-indexeddb) keeps its own real scheduling.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    mount(Host, { global: { plugins: [pinia] } })
    draft.record.questions.wil = 'Weer fietsen'
    await flushPromises()
    vi.advanceTimersByTime(49)
    await flushPromises()
    expect(attempts, 'not written while typing goes on').toBe(0)
    vi.advanceTimersByTime(1)
    await vi.waitFor(() => expect(draft.state.error).toBe('storage-full'))
    expect(attempts, 'written once, a moment after typing stopped').toBe(1)
    expect(draft.state.error).toBe('storage-full')
    expect(saved).toEqual([])
    full = false
    await draft.flush()
    expect(draft.state.error).toBe('')
    expect(saved.at(-1)?.questions.wil).toBe('Weer fietsen')
  })

  it('tells whoever would reopen the case that typed work is not stored: an invalid field, a full phone (review: "Casus bijwerken")', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const vault = useCaseVault()
    const saved: CaseRecord[] = []
    let full = false
    vault.store.save = async (r: CaseRecord) => {
      if (full) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' })
      saved.push(structuredClone(r))
    }
    let draft!: ReturnType<typeof useCaseDraft>
    const Host = defineComponent({
      setup() {
        draft = useCaseDraft(newCase('9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d', 'vg', new Date()))
        return () => h('div')
      },
    })
    const host = mount(Host, { global: { plugins: [pinia] } })
    draft.record.resident.birthYear = 19
    draft.record.questions.wil = 'Rust in mijn hoofd'
    await flushPromises()
    expect(await flushUnsaved(), 'a birth year of 19 keeps the whole draft from being stored').toBe(false)
    expect(saved).toEqual([])
    draft.record.resident.birthYear = 1961
    await flushPromises()
    expect(await flushUnsaved()).toBe(true)
    expect(saved.at(-1)?.questions.wil).toBe('Rust in mijn hoofd')
    full = true
    draft.record.questions.kan = 'Wandelen'
    await flushPromises()
    expect(await flushUnsaved(), 'a write the phone refused').toBe(false)
    host.unmount()
  })
})
