import { createRouter, createWebHistory } from 'vue-router'
import SocialMapSearchPage from './features/socialMap/SocialMapSearchPage.vue'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'search', component: SocialMapSearchPage },
    { path: '/aanbod/:id', name: 'service', component: () => import('./features/socialMap/SocialMapServicePage.vue'), props: true },
    { path: '/favorieten', name: 'favourites', component: () => import('./features/favourites/FavouritesPage.vue') },
    { path: '/over', name: 'about', component: () => import('./features/about/AboutPage.vue') },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./features/about/NotFoundPage.vue') },
  ],
  scrollBehavior(_to, _from, saved) {
    return saved ?? { top: 0 }
  },
})
