/** One-time links (/api/links): what a link is for, and using it. */
import { linkInfoSchema, redeemedSchema } from '../../shared/api/links'
import { api } from '../core/http'

export type { CreatedLink, LinkInfo, LinkKind } from '../../shared/api/links'

export const inspectLink = (token: string) => api('POST', '/api/links/inspect', linkInfoSchema, { token })
/** `password` is left out when a signed-in account joins with an invitation. */
export const redeemLink = (token: string, password?: string, name?: string) =>
  api('POST', '/api/links/redeem', redeemedSchema, { token, ...(password ? { password } : {}), ...(name ? { name } : {}) })

/** The address to hand over: the server gives a path, the person needs the whole address. */
export const absoluteLink = (path: string, origin = window.location.origin) => new URL(path, origin).href
