/**
 * Addresses of the app's pages, for links that need no resolving by the router (ui/PageLink.vue). Each matches a path
 * in router.ts; test/component/PageLink.test.ts has the router read them back.
 */

/** A service's page (the route named `service`, `/aanbod/:id`). */
export const servicePath = (id: string) => `/aanbod/${encodeURIComponent(id)}`
