/** What a route may say about itself. */
import 'vue-router'
declare module 'vue-router' {
  interface RouteMeta {
    /** The page needs a full sign-in (password and second factor). */
    signedIn?: boolean
  }
}
