/**
 * One organisation (bootstrapped through the API, its beheerder signed in) and social workers on
 * approved 360 px phones at "Mijn casussen" with the vault open: the set-up of the case browser
 * tests that are not about signing in or registering a device (kitchenTable, lifeDomains, pathways).
 */
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { ApiClient, bootstrapCode } from './apiClient'
import { approvePending } from './certify'
import { startHarness, type Harness } from './harness'
import { firstSignIn, setUpVault } from './signIn'

const PASSWORD = 'Kraanvogel-Heide-31-Uden'

export interface Organisation {
  h: Harness
  admin: ApiClient
  organisationId: string
}

/** Starts a server and browser for the file and bootstraps Welzijn Uden; stops them after the file. */
export function useOrganisation(): Organisation {
  const world = {} as Organisation
  beforeAll(async () => {
    world.h = await startHarness()
    world.admin = new ApiClient(world.h.baseUrl)
    ;({ organisationId: world.organisationId } = await world.admin.call<{ organisationId: string }>('POST', '/api/auth/bootstrap', { code: bootstrapCode(world.h.dataDir), organisation: 'Welzijn Uden', name: 'Beheer', email: 'beheer@welzijn.example', password: 'Reiger-Plas-40-Volkel' }))
    await world.admin.signInFirstTime('beheer@welzijn.example', 'Reiger-Plas-40-Volkel')
  })
  afterAll(async () => {
    await world.h?.stop()
  })
  return world
}

/** A social worker on an approved 360 px phone, at "Mijn casussen" with the vault open. */
export async function workerOnPhone({ h, admin, organisationId }: Organisation, email: string): Promise<{ context: BrowserContext; page: Page }> {
  await admin.invite(organisationId, { email, name: 'Sanne de Wit', role: 'sociaal-werker' }, PASSWORD)
  const context = await h.browser.newContext({ viewport: { width: 360, height: 740 } })
  const page = await context.newPage()
  await firstSignIn(page, h.baseUrl, email, PASSWORD)
  await page.getByRole('heading', { name: 'Dit apparaat', exact: true }).waitFor()
  await setUpVault(page)
  await page.getByRole('button', { name: 'Apparaat aanmelden' }).click()
  await page.getByTestId('device-status').waitFor()
  await approvePending(admin, organisationId)
  await page.getByRole('link', { name: /casussen/i }).first().click()
  await page.getByRole('button', { name: 'Nieuwe casus' }).waitFor()
  return { context, page }
}

/** Another organisation, made by the region's beheerder (the bootstrapped Welzijn Uden is the region's), its beheerder signed in from Node. */
export async function otherOrganisation(world: Organisation, name: string, email: string, password = PASSWORD): Promise<Pick<Organisation, 'admin' | 'organisationId'>> {
  const { id, invitation } = await world.admin.call<{ id: string; invitation: { link: string } }>('POST', '/api/region/organisations', { name, firstBeheerder: { email, name: `Beheer ${name}` } })
  const admin = new ApiClient(world.h.baseUrl)
  await admin.call('POST', '/api/links/redeem', { token: invitation.link.split('#')[1], password, name: `Beheer ${name}` })
  await admin.signInFirstTime(email, password)
  return { admin, organisationId: id }
}
