/** A resident's proposed initiative that passes the check (src/shared/socialMap/initiative.ts), for tests. */
import type { InitiativeProposal } from '../../src/shared/socialMap/initiative'

export function initiativeProposal(id: string, over: Partial<InitiativeProposal> = {}): InitiativeProposal {
  return {
    id,
    name: 'Breiclub De Steek',
    description: 'Samen breien en koffie drinken in de buurt, iedereen is welkom.',
    when: 'Elke woensdag van 14 tot 16 uur',
    municipality: 'Bernheze',
    village: 'Heesch',
    place: 'Buurthuis De Pit, Kerkstraat 1',
    lifeDomains: ['sociaal-netwerk', 'meedoen'],
    free: true,
    contactName: 'Els van Dijk',
    phone: '06 12345678',
    consent: true,
    ...over,
  }
}
