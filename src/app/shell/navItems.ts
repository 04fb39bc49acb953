/**
 * The professionals' navigation per role (docs in ProShell.vue): Vandaag first, Meer last, the
 * roles' own items in between. Several roles make the union; at most five items in the bar, the
 * rest are on the Meer page. Pure, so the choice is tested without a browser.
 */
import type { Role } from '../../shared/accounts/roles'

export type NavKey = 'today' | 'cases' | 'inbox' | 'map' | 'refer' | 'referrals' | 'members' | 'devices' | 'editor' | 'reports' | 'proposals' | 'figures' | 'more'

export interface NavItem {
  key: NavKey
  to: string
  /** Paths (prefixes) that count as this item being the current one. */
  match: string[]
  /** Only the path itself counts, not the pages under it. */
  exact?: boolean
}

export interface NavMembership {
  organisationId: string
  role: Role
}

/** The bar holds at most this many items, Vandaag and Meer included. */
export const MAX_ITEMS = 5

function roleItems(role: Role, adminOrg: string | undefined): NavItem[] {
  switch (role) {
    case 'sociaal-werker':
      return [
        { key: 'cases', to: '/werk', match: ['/werk/casus', '/werk'] },
        { key: 'inbox', to: '/werk/verwijzingen', match: ['/werk/verwijzingen'] },
        { key: 'map', to: '/', match: [] },
      ]
    case 'huisarts':
      return [
        { key: 'refer', to: '/verwijzen', match: ['/verwijzen'] },
        { key: 'referrals', to: '/verwijzen/overzicht', match: ['/verwijzen/overzicht'] },
        { key: 'map', to: '/', match: [] },
      ]
    case 'beheerder':
      return adminOrg
        ? [
            { key: 'members', to: `/beheer/organisatie/${adminOrg}/leden`, match: [`/beheer/organisatie/${adminOrg}/leden`] },
            { key: 'devices', to: `/beheer/organisatie/${adminOrg}/apparaten`, match: [`/beheer/organisatie/${adminOrg}/apparaten`] },
          ]
        : []
    case 'kaartbeheerder':
      return [
        { key: 'editor', to: '/beheer/kaart', match: ['/beheer/kaart'] },
        { key: 'reports', to: '/beheer/meldingen', match: ['/beheer/meldingen'] },
        { key: 'proposals', to: '/beheer/voorstellen', match: ['/beheer/voorstellen'] },
      ]
    case 'programma':
      return [{ key: 'figures', to: '/beheer/kpi', match: ['/beheer/kpi'] }]
  }
}

const ROLE_ORDER: Role[] = ['sociaal-werker', 'huisarts', 'beheerder', 'kaartbeheerder', 'programma']

/** The bar's items and the ones that did not fit (listed on the Meer page). */
export function navItems(memberships: readonly NavMembership[]): { bar: NavItem[]; overflow: NavItem[] } {
  const roles = new Set(memberships.map((m) => m.role))
  const adminOrg = memberships.find((m) => m.role === 'beheerder')?.organisationId
  const seen = new Set<NavKey>()
  const middle: NavItem[] = []
  for (const role of ROLE_ORDER) {
    if (!roles.has(role)) continue
    for (const item of roleItems(role, adminOrg)) {
      if (seen.has(item.key)) continue
      seen.add(item.key)
      middle.push(item)
    }
  }
  // The public map is in reach from every page's header too: with several roles it goes last.
  const ordered = [...middle.filter((i) => i.key !== 'map'), ...middle.filter((i) => i.key === 'map')]
  const room = MAX_ITEMS - 2
  return {
    bar: [{ key: 'today', to: '/beheer', match: ['/beheer'], exact: true }, ...ordered.slice(0, room), { key: 'more', to: '/beheer/meer', match: ['/beheer/meer'] }],
    overflow: ordered.slice(room),
  }
}

/**
 * The item the path belongs to: the longest matching prefix wins (a case page is under Casussen);
 * other /beheer pages (account, region, own listings) are reached from Meer.
 */
export function activeKey(items: readonly NavItem[], path: string): NavKey | undefined {
  let best: { key: NavKey; length: number } | undefined
  for (const item of items) {
    for (const m of item.match) {
      const hit = path === m || (!item.exact && path.startsWith(`${m}/`))
      if (hit && (!best || m.length > best.length)) best = { key: item.key, length: m.length }
    }
  }
  return best?.key ?? (path.startsWith('/beheer/') && items.some((i) => i.key === 'more') ? 'more' : undefined)
}
