/**
 * GET /api/config (the map's tile source, issue 19 point 1) and the headers that go with it: the
 * CSP lets images come from the tile server and nowhere else; MAP_TILE_URL=none means no tiles;
 * a bad MAP_TILE_URL stops the server at start with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mapTiles, readConfig } from '../../src/server/config'
import { appConfigSchema, DEFAULT_MAP_TILES } from '../../src/shared/api/appConfig'
import { setupServerTest, type ServerTest } from './fixture'

let server: ServerTest
beforeAll(async () => {
  server = await setupServerTest()
})
afterAll(async () => {
  await server.close()
})

const imgSrc = (res: Response) => /img-src ([^;]*)/.exec(res.headers.get('Content-Security-Policy') ?? '')?.[1]

describe('GET /api/config', () => {
  it('names PDOK’s base map by default, and the CSP allows its images', async () => {
    const res = await server.app.request('/api/config')
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=300')
    expect(appConfigSchema.parse(await res.json())).toEqual({ mapTiles: DEFAULT_MAP_TILES })
    expect(imgSrc(res)).toBe("'self' data: https://service.pdok.nl")
    // The same policy on the app's pages, where the map is drawn.
    expect(imgSrc(await server.app.request('/api/health'))).toBe("'self' data: https://service.pdok.nl")
  })

  it('names a configured tile server, and the CSP allows that origin instead', async () => {
    const app = server.appWith({ mapTiles: { url: 'http://127.0.0.1:4321/tegels/{z}/{x}/{y}.png', attribution: 'Testtegels' } })
    const res = await app.request('/api/config')
    expect(await res.json()).toEqual({ mapTiles: { url: 'http://127.0.0.1:4321/tegels/{z}/{x}/{y}.png', attribution: 'Testtegels' } })
    expect(imgSrc(res)).toBe("'self' data: http://127.0.0.1:4321")
  })

  it('says "no tiles" for MAP_TILE_URL=none, and then allows no outside images', async () => {
    const res = await server.appWith({ mapTiles: null }).request('/api/config')
    expect(await res.json()).toEqual({ mapTiles: null })
    expect(imgSrc(res)).toBe("'self' data:")
  })

  it('lets this origin ask for the phone’s location (near me), no other', async () => {
    const res = await server.app.request('/api/config')
    expect(res.headers.get('Permissions-Policy')).toContain('geolocation=(self)')
  })
})

describe('MAP_TILE_URL and MAP_TILE_ATTRIBUTION', () => {
  it('default to PDOK, read "none" as no tiles, and take a URL with its attribution', () => {
    expect(mapTiles(readConfig({}))).toEqual(DEFAULT_MAP_TILES)
    expect(mapTiles(readConfig({ MAP_TILE_URL: 'none' }))).toBeNull()
    expect(mapTiles(readConfig({ MAP_TILE_URL: 'https://tiles.example/{z}/{x}/{y}.png', MAP_TILE_ATTRIBUTION: '© Voorbeeld' }))).toEqual({ url: 'https://tiles.example/{z}/{x}/{y}.png', attribution: '© Voorbeeld' })
  })

  it('refuses a URL that is not http(s) or lacks {z}, {x} or {y}, with the reason', () => {
    expect(() => readConfig({ MAP_TILE_URL: 'ftp://tiles.example/{z}/{x}/{y}.png' })).toThrow(/MAP_TILE_URL/)
    expect(() => readConfig({ MAP_TILE_URL: 'https://tiles.example/{z}/{x}.png' })).toThrow(/must contain \{z\}, \{x\} and \{y\}/)
    expect(() => readConfig({ MAP_TILE_URL: "https://tiles.example/{z}/{x}/{y}.png' 'unsafe-inline" })).toThrow(/MAP_TILE_URL/)
    expect(() => readConfig({ MAP_TILE_ATTRIBUTION: '' })).toThrow(/MAP_TILE_ATTRIBUTION/)
  })
})
