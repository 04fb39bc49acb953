import { createMemoryHistory, createRouter, createWebHistory, START_LOCATION, type Router } from 'vue-router'
import SocialMapSearchPage from './features/socialMap/SocialMapSearchPage.vue'
import { loadPageTexts, loadProfessionalMessages } from './i18n'

/**
 * The app's router, made when called rather than when this module runs: reading its 38 paths and taking over the
 * browser's history is a task of its own at start (boot.ts; docs/performance.md, "The router made in a task of its own").
 */
export function createAppRouter(): Router {
  const router = createRouter({
    // Rendered at build time for the start page's first paint (build/prerender.ts): no address bar there.
    history: import.meta.env.SSR ? createMemoryHistory() : createWebHistory(),
    routes: [
      { path: '/', name: 'search', component: SocialMapSearchPage },
      { path: '/aanbod/:id', name: 'service', component: () => import('./features/socialMap/SocialMapServicePage.vue'), props: true },
      { path: '/favorieten', name: 'favourites', component: () => import('./features/favourites/FavouritesPage.vue') },
      { path: '/over', name: 'about', component: () => import('./features/about/AboutPage.vue') },
      { path: '/zelf-organiseren', name: 'initiative', component: () => import('./features/initiatives/InitiativeProposePage.vue') },
      // One route for the form and its confirmation (/ik-wil-hulp/<id>): sent offline, the confirmation needs no chunk of its own.
      { path: '/ik-wil-hulp/:id?', name: 'help-request', component: () => import('./features/helpRequest/HelpRequestPage.vue'), props: true },
      // The way of working and the three interventions, explained to residents in plain words.
      { path: '/samenwerkwijze', name: 'way-of-working', component: () => import('./features/about/WayOfWorkingPage.vue'), beforeEnter: () => loadPageTexts('explainer') },
      // The resident's own plan: opened without an account; the key is in the fragment (docs/resident-plan.md).
      { path: '/mijn-plan/:id', name: 'resident-plan', component: () => import('./features/residentPlan/ResidentPlanPage.vue'), props: true },
      { path: '/beheer/start', name: 'pro-start', component: () => import('./features/auth/AuthStartPage.vue') },
      { path: '/beheer/inloggen', name: 'pro-sign-in', component: () => import('./features/auth/AuthSignInPage.vue') },
      // Opened without signing in: the token in the fragment is what counts (invitation, resets).
      { path: '/beheer/link', name: 'pro-link', component: () => import('./features/auth/AccountLinkPage.vue') },
      { path: '/beheer/account', name: 'pro-account', component: () => import('./features/auth/AccountPasswordPage.vue'), meta: { signedIn: true } },
      { path: '/beheer/regio', name: 'pro-region', component: () => import('./features/organisations/RegionOrganisationsPage.vue'), meta: { signedIn: true } },
      { path: '/beheer/meer', name: 'pro-more', component: () => import('./shell/MorePage.vue'), meta: { signedIn: true } },
      { path: '/beheer', name: 'pro-home', component: () => import('./features/auth/ProfessionalHomePage.vue'), meta: { signedIn: true } },
      { path: '/beheer/organisatie/:orgId/leden', name: 'pro-members', component: () => import('./features/organisations/OrganisationMembersPage.vue'), props: true, meta: { signedIn: true } },
      { path: '/beheer/organisatie/:orgId/apparaten', name: 'pro-devices', component: () => import('./features/organisations/OrganisationDevicesPage.vue'), props: true, meta: { signedIn: true } },
      { path: '/beheer/kaart', name: 'pro-editor', component: () => import('./features/mapEditor/MapEditorListPage.vue'), meta: { signedIn: true } },
      { path: '/beheer/kaart/:id', name: 'pro-edit', component: () => import('./features/mapEditor/MapEditorServicePage.vue'), props: true, meta: { signedIn: true } },
      { path: '/beheer/ons-aanbod', name: 'pro-own', component: () => import('./features/mapEditor/MapEditorOwnServicesPage.vue'), meta: { signedIn: true } },
      { path: '/beheer/ons-aanbod/:id', name: 'pro-propose', component: () => import('./features/mapEditor/MapEditorServicePage.vue'), props: (r) => ({ id: r.params.id, propose: true }), meta: { signedIn: true } },
      { path: '/beheer/kpi', name: 'pro-kpi', component: () => import('./features/kpi/KpiDashboardPage.vue'), meta: { signedIn: true } },
      { path: '/beheer/kpi/rapport/:period', name: 'pro-kpi-report', component: () => import('./features/kpi/KpiReportPage.vue'), props: true, meta: { signedIn: true } },
      { path: '/beheer/werkwijze', name: 'pro-method', component: () => import('./features/methodEditor/MethodEditorPage.vue'), meta: { signedIn: true } },
      { path: '/verwijzen', name: 'refer', component: () => import('./features/referrals/ReferPage.vue'), meta: { signedIn: true } },
      { path: '/verwijzen/overzicht', name: 'my-referrals', component: () => import('./features/referrals/MyReferralsPage.vue'), meta: { signedIn: true } },
      { path: '/werk/verwijzingen', name: 'referral-inbox', component: () => import('./features/referrals/ReferralInboxPage.vue'), meta: { signedIn: true } },
      { path: '/beheer/verwijsroutes', name: 'pro-routes', component: () => import('./features/referrals/ReferralRoutesPage.vue'), meta: { signedIn: true } },
      { path: '/werk', name: 'cases', component: () => import('./features/cases/CasesHomePage.vue') },
      { path: '/werk/koppelen', name: 'link-this-device', component: () => import('./features/caseSync/LinkThisDevicePage.vue'), meta: { signedIn: true } },
      { path: '/werk/koppelen/nieuw', name: 'link-new-device', component: () => import('./features/caseSync/LinkNewDevicePage.vue'), meta: { signedIn: true } },
      { path: '/werk/casus/:id', name: 'case', component: () => import('./features/cases/CasePage.vue'), props: true },
      { path: '/werk/casus/:id/plan', name: 'case-plan', component: () => import('./features/cases/CasePlanPage.vue'), props: true },
      { path: '/werk/plan/:planId', name: 'shared-plan', component: () => import('./features/sharedPlan/ParticipantPlanPage.vue'), props: true, meta: { signedIn: true } },
      { path: '/beheer/meldingen', name: 'pro-reports', component: () => import('./features/mapEditor/MapEditorReportsPage.vue'), meta: { signedIn: true } },
      { path: '/beheer/initiatieven', name: 'pro-initiatives', component: () => import('./features/mapEditor/MapEditorInitiativesPage.vue'), meta: { signedIn: true } },
      { path: '/beheer/voorstellen', name: 'pro-proposals', component: () => import('./features/mapEditor/MapEditorProposalsPage.vue'), meta: { signedIn: true } },
      { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./features/about/NotFoundPage.vue') },
    ],
    scrollBehavior(to, from, saved) {
      // Vandaag links to an inbox card (#verwijzing-…); once the list is there, the browser finds it.
      if (!saved && to.hash) return { el: to.hash, top: 16 }
      // A visit's first page is at the top already: scrolling there would force a layout before the first paint.
      if (!saved && from === START_LOCATION) return false
      return saved ?? { top: 0 }
    },
  })

  // Professional pages need a full sign-in. Loaded on demand: residents never download this code.
  router.beforeEach(async (to) => {
    if (to.path.startsWith('/beheer') || to.path.startsWith('/werk') || to.path.startsWith('/verwijzen')) await loadProfessionalMessages()
    if (!to.meta.signedIn) return true
    const { useSessionStore } = await import('./core/useSessionStore')
    const session = useSessionStore()
    if (!session.loaded || !session.isSignedIn) {
      try {
        await session.load()
      } catch (e) {
        // No answer (offline): the page opens and says what still works on this phone, instead of a blank screen.
        const { ApiError } = await import('./api/errors')
        if (e instanceof ApiError && e.status === 0) return true
        throw e
      }
    }
    return session.isSignedIn ? true : { name: 'pro-sign-in', query: { terug: to.fullPath } }
  })

  // The GP's overview opened: Vandaag shows news from now on only (features/today/gpSeen.ts).
  router.afterEach(async (to, from) => {
    if (from.name === 'my-referrals' && to.name !== 'my-referrals') (await import('./features/today/gpSeen')).markGpSeen()
  })
  return router
}
