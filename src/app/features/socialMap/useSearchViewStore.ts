/**
 * How the resident looks at the results: as a list or on the map, and sorted by distance from
 * which point. Held in memory only: never in the URL, storage or a request (docs/social-map-location.md).
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'

export interface NearOrigin {
  lat: number
  lon: number
  /** What the resident sees: "je locatie", "5341 (Oss)" or a village name. */
  label: string
  source: 'device' | 'typed'
}

export const useSearchViewStore = defineStore('socialMapView', () => {
  const view = ref<'list' | 'map'>('list')
  const origin = shallowRef<NearOrigin | null>(null)
  return { view, origin }
})
