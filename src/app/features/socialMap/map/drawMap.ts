/**
 * The map view's Leaflet part, loaded only when the resident opens the map (a dynamic import from
 * SocialMapMapView.vue): Leaflet 1.9, leaflet.markercluster and their CSS stay out of the start page.
 * Markers are keyboard buttons named after the service; Enter opens a popup with the link.
 */
import 'leaflet/dist/leaflet.css'
import 'leaflet.markercluster/dist/MarkerCluster.css'
import './map.css'
import type { MapTiles } from '../../../api/appConfig'
import type { ServiceSummary } from '../data/protocol'

export type TileState = 'loading' | 'shown' | 'none' | 'failed'

export interface MapTexts {
  cluster: (n: number) => string
  distance: (km: number) => string
}

export interface DrawnMap {
  show(items: readonly ServiceSummary[]): void
  destroy(): void
}

/** Centre of the five municipalities, when there is nothing to show. */
const REGION = { lat: 51.68, lon: 5.55 }

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export async function drawMap(element: HTMLElement, tiles: MapTiles | null, texts: MapTexts, onOpen: (id: string) => void, onTiles: (state: TileState) => void): Promise<DrawnMap> {
  const leaflet = await import('leaflet')
  // leaflet.markercluster is a UMD script that extends the global `L`; the ES namespace itself is frozen.
  const L = { ...leaflet } as typeof leaflet
  ;(globalThis as { L?: unknown }).L = L
  await import('leaflet.markercluster')

  const map = L.map(element, { center: [REGION.lat, REGION.lon], zoom: 10, minZoom: 7, maxZoom: 18, keyboard: true })
  map.attributionControl.setPrefix(false)
  if (tiles) {
    let loaded = 0
    onTiles('loading')
    // The attribution is plain text from the server's settings: never HTML.
    L.tileLayer(tiles.url, { attribution: escapeHtml(tiles.attribution), maxZoom: 18 })
      .on('tileload', () => {
        loaded++
        onTiles('shown')
      })
      .on('tileerror', () => {
        if (loaded === 0) onTiles('failed')
      })
      .addTo(map)
  } else onTiles('none')

  const cluster = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 50,
    iconCreateFunction: (c) =>
      L.divIcon({ className: 'map-cluster', iconSize: [44, 44], html: `<span aria-hidden="true">${c.getChildCount()}</span><span class="visually-hidden">${escapeHtml(texts.cluster(c.getChildCount()))}</span>` }),
  })
  // A cluster opens (zooms in) on Enter too, like a marker's popup.
  cluster.on('clusterkeypress', (e) => {
    const event = e as unknown as { originalEvent: KeyboardEvent; propagatedFrom?: { zoomToBounds?: () => void }; layer?: { zoomToBounds?: () => void } }
    if (event.originalEvent.key === 'Enter') (event.propagatedFrom ?? event.layer)?.zoomToBounds?.()
  })
  map.addLayer(cluster)

  map.on('popupopen', (e) => {
    // Keyboard users land on the link they asked for.
    e.popup.getElement()?.querySelector<HTMLAnchorElement>('a.map-popup__link')?.focus()
  })

  function popupFor(item: ServiceSummary): HTMLElement {
    const box = document.createElement('div')
    // The map itself is left to right; the popup's words follow the page's language.
    box.dir = document.documentElement.dir || 'auto'
    const link = document.createElement('a')
    link.className = 'map-popup__link'
    link.href = `/aanbod/${encodeURIComponent(item.id)}`
    link.textContent = item.name
    link.lang = item.nameLang
    link.dir = 'auto'
    link.addEventListener('click', (event) => {
      event.preventDefault()
      onOpen(item.id)
    })
    const meta = document.createElement('p')
    meta.textContent = [item.distanceKm !== undefined ? texts.distance(item.distanceKm) : '', item.villages.join(', ')].filter(Boolean).join(' · ')
    box.append(link, meta)
    return box
  }

  return {
    show(items) {
      cluster.clearLayers()
      const markers = items.flatMap((item) => {
        if (!item.position) return []
        const icon = L.divIcon({ className: 'map-marker', iconSize: [44, 44], html: `<span class="map-marker__dot" aria-hidden="true"></span><span class="visually-hidden" lang="${escapeHtml(item.nameLang)}">${escapeHtml(item.name)}</span>` })
        return [L.marker([item.position.lat, item.position.lon], { icon, title: item.name, keyboard: true }).bindPopup(() => popupFor(item))]
      })
      cluster.addLayers(markers)
      const bounds = L.latLngBounds(markers.map((m) => m.getLatLng()))
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 })
      else map.setView([REGION.lat, REGION.lon], 10)
    },
    destroy() {
      map.remove()
    },
  }
}
