/**
 * The team routes' rows of the authorisation matrix (test/server/authorisationMatrix.test.ts;
 * docs/case-sync.md "The team"): a social worker's own device. A's social worker acts on a case
 * they lead (a colleague of A seeded as needed); everyone else on someone else's case, which a
 * social worker elsewhere does not even learn exists.
 */
import { randomUUID } from 'node:crypto'
import type { Database } from '../../src/server/db/types'
import { makeExchangeKey } from '../../src/shared/caseSync/exchange'
import type { Role } from '../../src/shared/accounts/roles'
import { addBody, removeBody, seedExchangeKey, seedInvitation, seedMember } from './caseTeamWorld'
import type { Signer, TestCase } from './caseSyncWorld'

type Identity = { kind: 'anonymous' } | { kind: 'password-only' } | { kind: 'role'; role: Role; org: 'A' | 'B' | 'R'; noDevice?: true }
type Expect = 'ok' | number
interface Ctx {
  id: Identity
  user?: { userId: string }
}
interface Row {
  expect: (id: Identity) => Expect
  prepare?: (ctx: never) => Promise<{ path?: string; body?: unknown }>
}
export interface TeamMatrixEnv<C extends Ctx> {
  db: () => Database
  /** Fully signed in as a sociaal-werker on an approved device (any organisation). */
  onDevice: Row['expect']
  /** Only a member gets an answer (A's social worker, on their own case). */
  caseMember: Row['expect']
  signerOf: (ctx: C) => Promise<Signer>
  caseOf: (ctx: C) => Promise<{ docId: string; c: TestCase; foreign: boolean }>
  memberOfA: () => Promise<string>
}

export function teamMatrixRows<C extends Ctx>(env: TeamMatrixEnv<C>): Record<string, Row> {
  const docs = (id: string) => `/api/case-sync/docs/${id}`
  /** A case the identity is invited to (with an exchange key to accept with); someone else's case when it has no user. */
  const invitedTo = async (ctx: C) => {
    const { docId } = await env.caseOf(ctx)
    if (ctx.user) {
      await seedInvitation(env.db(), docId, ctx.user.userId)
      await seedExchangeKey(env.db(), ctx.user.userId)
    }
    return docId
  }
  return {
    'GET /api/case-sync/exchange-key': { expect: env.onDevice },
    'PUT /api/case-sync/exchange-key': {
      expect: env.onDevice,
      prepare: async (ctx: C) => {
        const s = await env.signerOf(ctx)
        const uk = { keyId: randomUUID(), key: await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']) }
        return { body: (await makeExchangeKey(s.userId, uk, { deviceId: s.device.id, signingKey: s.device.keys.signing.privateKey })).record }
      },
    },
    'GET /api/case-sync/colleagues': { expect: env.onDevice },
    'GET /api/case-sync/docs/:docId/members': { expect: env.caseMember, prepare: async (ctx: C) => ({ path: `${docs((await env.caseOf(ctx)).docId)}/members` }) },
    'POST /api/case-sync/docs/:docId/members': {
      expect: env.caseMember,
      prepare: async (ctx: C) => {
        const { docId, c } = await env.caseOf(ctx)
        return { path: `${docs(docId)}/members`, body: await addBody(env.db(), { docId, dk: c.dk }, await env.signerOf(ctx), await env.memberOfA()) }
      },
    },
    'POST /api/case-sync/docs/:docId/members/:userId/remove': {
      expect: env.caseMember,
      prepare: async (ctx: C) => {
        const { docId, c, foreign } = await env.caseOf(ctx)
        const colleague = await env.memberOfA()
        if (!foreign) await seedMember(env.db(), docId, colleague)
        return { path: `${docs(docId)}/members/${colleague}/remove`, body: await removeBody({ docId, userKey: c.userKey, userKeyId: c.userKeyId }, await env.signerOf(ctx)) }
      },
    },
    'POST /api/case-sync/docs/:docId/lead': {
      expect: env.caseMember,
      prepare: async (ctx: C) => {
        const { docId, foreign } = await env.caseOf(ctx)
        const colleague = await env.memberOfA()
        if (!foreign) await seedMember(env.db(), docId, colleague)
        return { path: `${docs(docId)}/lead`, body: { userId: colleague } }
      },
    },
    // Another organisation (docs/case-sync.md "Another organisation"): only the lead invites; anyone on a device answers their own invitation.
    'POST /api/case-sync/docs/:docId/invitations': {
      expect: env.caseMember,
      prepare: async (ctx: C) => ({ path: `${docs((await env.caseOf(ctx)).docId)}/invitations`, body: { email: `iemand.${randomUUID().slice(0, 8)}@example.org` } }),
    },
    'GET /api/case-sync/invitations': { expect: env.onDevice },
    'POST /api/case-sync/invitations/:docId/accept': { expect: env.onDevice, prepare: async (ctx: C) => ({ path: `/api/case-sync/invitations/${await invitedTo(ctx)}/accept` }) },
    'POST /api/case-sync/invitations/:docId/decline': { expect: env.onDevice, prepare: async (ctx: C) => ({ path: `/api/case-sync/invitations/${await invitedTo(ctx)}/decline` }) },
  }
}
