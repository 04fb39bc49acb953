/** The members answer has one row per role; the page shows one entry per person. */
import type { Role } from '../../../shared/accounts/roles'
import type { Member } from '../../api/organisations'

export interface Person {
  id: string
  name: string
  email: string
  roles: Role[]
  locked: boolean
  totpEnabled: boolean
  isHome: boolean
}

export function groupPeople(rows: readonly Member[]): Person[] {
  const people = new Map<string, Person>()
  for (const row of rows) {
    const person = people.get(row.id)
    if (person) person.roles.push(row.role)
    else people.set(row.id, { id: row.id, name: row.name, email: row.email, roles: [row.role], locked: row.locked, totpEnabled: row.totpEnabled, isHome: row.isHome })
  }
  return [...people.values()]
}
