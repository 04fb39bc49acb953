/**
 * shell/historyState.ts writes the history state Vue's router would write for a tab's first page, before the router
 * is made; the router, finding it, writes nothing (docs/performance.md, "The router made in a task of its own").
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createWebHistory } from 'vue-router'
import { writeFirstHistoryState } from '../../src/app/shell/historyState'

afterEach(() => vi.restoreAllMocks())

function freshTab(path: string) {
  history.replaceState(null, '', path)
  expect(history.state).toBeNull()
}

describe("the router's first history state", () => {
  it('is the state the router writes itself on a first visit, for a plain address and one with a query and a fragment', () => {
    for (const path of ['/', '/aanbod/3f9c2b9e?q=wandelen&gemeente=Oss#kaart']) {
      freshTab(path)
      createWebHistory().destroy()
      const routers = history.state as unknown
      freshTab(path)
      writeFirstHistoryState()
      expect(history.state).toEqual(routers)
    }
  })

  it('leaves the router nothing to write, and is not written over a state the tab already has', () => {
    freshTab('/?q=koor')
    writeFirstHistoryState()
    const replace = vi.spyOn(history, 'replaceState')
    createWebHistory().destroy()
    expect(replace).not.toHaveBeenCalled()
    history.replaceState({ kept: true, position: 3 }, '')
    writeFirstHistoryState()
    expect(history.state).toEqual({ kept: true, position: 3 })
  })
})
