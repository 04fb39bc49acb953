/**
 * Vandaag shows a worker the samenwerkplan's actions in their name (workItems.ts caseItems) also now
 * that "wie doet het" is chosen from the participants (issue 17): the name kept in `owner` ties the
 * action to the worker, with or without `ownerId`; a ticked-off action no longer shows.
 */
import { describe, expect, it } from 'vitest'
import { caseItems } from '../../src/app/features/today/workItems'
import { newCase } from '../../src/shared/cases/v2'

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

describe('plan actions on Vandaag', () => {
  it('shows the worker’s own open actions, chosen from the participants or written, and not the done ones', () => {
    const c = newCase(id(1), 'samenwerkwijze', new Date('2026-12-01T10:00:00Z'))
    c.resident.name = 'Jan'
    c.consultation = {
      residentPresent: true,
      participants: [{ id: id(20), name: 'Sanne de Wit', role: 'sociaal werker', organisation: 'ONS welzijn', discipline: 'sociaal-werk' }],
      actions: [
        { id: id(11), what: 'Bel de woningcorporatie', owner: 'Sanne de Wit', ownerId: id(20), due: '2026-12-20' },
        { id: id(12), what: 'Budgetplan maken', owner: 'sanne de wit' },
        { id: id(13), what: 'Al gedaan', owner: 'Sanne de Wit', ownerId: id(20), done: true },
        { id: id(14), what: 'Niet van mij', owner: 'Piet' },
      ],
    }
    expect(caseItems([c], '2026-12-14', 'Sanne de Wit').map((i) => [i.kind, i.what])).toEqual([
      ['action', 'Bel de woningcorporatie'],
      ['action', 'Budgetplan maken'],
    ])
  })
})
