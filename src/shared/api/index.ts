/**
 * The answer of every endpoint, by route (`METHOD /path` as Hono names it): the schema the app
 * reads the 2xx answer with and the server types what it sends with. The contract test
 * (test/server/contract.ts) checks every answer the authorisation matrix receives against it,
 * and fails for a route that has no entry. A route answered with something other than JSON
 * (a file) names the schema of its JSON form.
 */
import type { z } from 'zod'
import * as appConfig from './appConfig'
import * as auth from './auth'
import * as caseRecovery from './caseRecovery'
import * as caseSync from './caseSync'
import * as caseTeam from './caseTeam'
import * as devices from './devices'
import * as kpi from './kpi'
import * as links from './links'
import * as map from './mapEditor'
import * as mapRoom from './mapRoom'
import * as method from './method'
import * as orgs from './organisations'
import * as referrals from './referrals'
import * as help from '../helpRequests/helpRequest'
import * as residentPlans from './residentPlans'
import * as plans from './plans'
import * as pub from './socialMap'

export const RESPONSES = {
  'GET /api/health': pub.healthSchema,
  'GET /api/health/ready': pub.readySchema,
  'GET /api/config': appConfig.appConfigSchema,
  'GET /api/social-map': pub.socialMapAnswerSchema,
  'POST /api/reports': pub.reportReceivedSchema,
  'POST /api/initiatives': pub.initiativeReceivedSchema,
  'GET /api/help-requests/directory': help.helpDirectorySchema,
  'POST /api/help-requests': help.helpRequestStoredSchema,
  'GET /api/help-requests/inbox': help.helpRequestInboxSchema,
  'DELETE /api/help-requests/:id': help.helpRequestDeletedSchema,

  'POST /api/auth/bootstrap': auth.bootstrappedSchema,
  'POST /api/auth/sign-in': auth.signedInSchema,
  'POST /api/auth/totp/setup': auth.totpSetupSchema,
  'POST /api/auth/totp/confirm': auth.secondFactorSchema,
  'POST /api/auth/totp': auth.secondFactorSchema,
  'GET /api/auth/me': auth.meSchema,
  'POST /api/auth/password': auth.passwordChangedSchema,
  'POST /api/auth/sign-out': auth.okSchema,
  'POST /api/auth/sign-out-everywhere': auth.sessionsEndedSchema,

  'POST /api/links/inspect': links.linkInfoSchema,
  'POST /api/links/redeem': links.redeemedSchema,

  'GET /api/region/organisations': orgs.regionOrganisationsSchema,
  'POST /api/region/organisations': orgs.organisationCreatedSchema,
  'GET /api/orgs/:orgId/members': orgs.membersSchema,
  'POST /api/orgs/:orgId/invitations': links.createdLinkSchema,
  'GET /api/orgs/:orgId/invitations': orgs.invitationsSchema,
  'DELETE /api/orgs/:orgId/invitations/:id': auth.okSchema,
  'DELETE /api/orgs/:orgId/members/:userId': auth.okSchema,
  'POST /api/orgs/:orgId/members/:userId/lock': auth.okSchema,
  'POST /api/orgs/:orgId/members/:userId/unlock': auth.okSchema,
  'POST /api/orgs/:orgId/members/:userId/sign-out': auth.sessionsEndedSchema,
  'POST /api/orgs/:orgId/members/:userId/password-reset': links.createdLinkSchema,
  'POST /api/orgs/:orgId/members/:userId/totp-reset': links.createdLinkSchema,
  'GET /api/orgs/:orgId/devices': orgs.organisationDevicesSchema,
  'POST /api/orgs/:orgId/devices/:deviceId/approve': orgs.deviceApprovedSchema,
  'POST /api/orgs/:orgId/devices/:deviceId/revoke': orgs.deviceRevokedSchema,
  'GET /api/orgs/:orgId/chain': orgs.chainAnswerSchema,
  'PUT /api/orgs/:orgId/organisation-key': orgs.organisationKeySetSchema,
  'GET /api/orgs/:orgId/audit': orgs.auditLogSchema,

  'POST /api/devices': devices.deviceRegisteredSchema,
  'GET /api/devices': devices.ownDevicesSchema,
  'GET /api/devices/:id': devices.ownDeviceSchema,
  'POST /api/devices/:id/challenge': devices.challengeSchema,
  'POST /api/devices/:id/status': devices.deviceStatusSchema,
  'POST /api/devices/:id/bind': devices.deviceBoundSchema,

  'GET /api/map/services': map.editorRowsSchema,
  'GET /api/map/organisations': map.mapOrganisationsSchema,
  'GET /api/map/own-services': map.ownServicesSchema,
  'GET /api/map/services/:id': map.editedServiceSchema,
  'POST /api/map/services': map.serviceChangedSchema,
  'PUT /api/map/services/:id': map.serviceChangedSchema,
  'POST /api/map/services/:id/retire': map.serviceChangedSchema,
  'POST /api/map/services/:id/verify': map.serviceVerifiedSchema,
  'GET /api/map/services/:id/versions': map.serviceVersionsSchema,
  'GET /api/map/reports': map.serviceReportsSchema,
  'POST /api/map/reports/:id/resolve': map.reportResolvedSchema,
  'POST /api/map/proposals': map.proposalMadeSchema,
  'GET /api/map/proposals': map.proposalsSchema,
  'POST /api/map/proposals/:id/accept': map.proposalAcceptedSchema,
  'POST /api/map/proposals/:id/reject': map.proposalRejectedSchema,
  'GET /api/map/initiatives': map.initiativesSchema,
  'POST /api/map/initiatives/:id/accept': map.initiativeAcceptedSchema,
  'POST /api/map/initiatives/:id/reject': map.initiativeRejectedSchema,
  'PUT /api/map/services/:id/room': mapRoom.roomSavedSchema,

  'POST /api/kpi/counters': kpi.counterSchema,
  'POST /api/kpi/counters/:id/move': kpi.counterSchema,
  'POST /api/kpi/snapshots': kpi.snapshotAnswerSchema,
  'GET /api/kpi/totals': kpi.totalsSchema,
  'GET /api/kpi/trend': kpi.trendSchema,
  'GET /api/kpi/measures': kpi.measuresSchema,
  'GET /api/kpi/measure-report': kpi.measureReportSchema,
  'GET /api/kpi/evidence': kpi.evidenceFileSchema,
  'GET /api/kpi/targets': kpi.targetsListSchema,
  'PUT /api/kpi/targets': kpi.targetsSavedSchema,
  'GET /api/kpi/periods': kpi.periodsSchema,
  'PUT /api/kpi/periods': kpi.periodsSchema,

  'GET /api/method': method.methodDefinitionSchema,
  'GET /api/method/versions/:version': method.methodDefinitionSchema,
  'GET /api/method/versions': method.methodVersionsSchema,
  'POST /api/method': method.methodPublishedSchema,

  'GET /api/referrals/routes': referrals.routesAnswerSchema,
  'PUT /api/referrals/routes': referrals.routesSavedSchema,
  'GET /api/referrals/directory': referrals.directoryAnswerSchema,
  'POST /api/referrals': referrals.referralStoredSchema,
  'GET /api/referrals/sent': referrals.referralListSchema,
  'GET /api/referrals/inbox': referrals.referralListSchema,
  'GET /api/referrals/:id/keys': referrals.referralKeysAnswerSchema,
  'POST /api/referrals/:id/events': referrals.referralStoredSchema,

  'GET /api/case-sync/access-log': caseSync.accessExportSchema,
  'GET /api/case-sync/user-keys': caseSync.userKeyBoxesSchema,
  'POST /api/case-sync/user-keys': caseSync.storedSchema,
  'GET /api/case-sync/docs': caseSync.docListSchema,
  'POST /api/case-sync/docs': caseSync.storedSchema,
  'GET /api/case-sync/docs/:docId': caseSync.docPullSchema,
  'POST /api/case-sync/docs/:docId/updates': caseSync.updateAcceptedSchema,
  'POST /api/case-sync/docs/:docId/snapshots': caseSync.storedSchema,
  'GET /api/case-sync/docs/:docId/access-log': caseSync.accessLogSchema,
  'GET /api/case-sync/exchange-key': caseTeam.ownExchangeKeySchema,
  'PUT /api/case-sync/exchange-key': caseSync.storedSchema,
  'GET /api/case-sync/colleagues': caseTeam.colleaguesSchema,
  'GET /api/case-sync/docs/:docId/members': caseTeam.membersSchema,
  'POST /api/case-sync/docs/:docId/members': caseSync.storedSchema,
  'POST /api/case-sync/docs/:docId/members/:userId/remove': caseTeam.rekeyedSchema,
  'POST /api/case-sync/docs/:docId/lead': caseSync.storedSchema,
  'POST /api/case-sync/docs/:docId/invitations': caseTeam.invitationSentSchema,
  'GET /api/case-sync/invitations': caseTeam.invitationsSchema,
  'POST /api/case-sync/invitations/:docId/accept': caseSync.storedSchema,
  'POST /api/case-sync/invitations/:docId/decline': caseSync.storedSchema,
  'GET /api/case-sync/recovery/key': caseRecovery.recoveryKeyAnswerSchema,
  'POST /api/case-sync/recovery/key': caseSync.storedSchema,
  'POST /api/case-sync/recovery/user-keys': caseSync.storedSchema,
  'GET /api/case-sync/recovery/requests': caseRecovery.recoveryRequestListSchema,
  'POST /api/case-sync/recovery/requests': caseRecovery.recoveryStartedSchema,
  'GET /api/case-sync/recovery/requests/:id': caseRecovery.recoveryRequestDetailSchema,
  'POST /api/case-sync/recovery/requests/:id/confirm': caseRecovery.recoveryDoneSchema,
  'GET /api/case-sync/recovery/mine': caseRecovery.myRecoveriesSchema,

  'POST /api/resident-plans': residentPlans.residentLinkSavedSchema,
  'PUT /api/resident-plans/:id': residentPlans.residentLinkSavedSchema,
  'POST /api/resident-plans/:id/withdraw': residentPlans.residentLinkWithdrawnSchema,
  'GET /api/resident-plans/:id': residentPlans.residentPlanAnswerSchema,

  'POST /api/plans/:planId/invitations': plans.planInvitationSentSchema,
  'GET /api/plans/invitations': plans.planInvitationsSchema,
  'POST /api/plans/invitations/:planId/accept': plans.planInvitationAnsweredSchema,
  'POST /api/plans/invitations/:planId/decline': plans.planInvitationAnsweredSchema,
  'GET /api/plans/:planId/people': plans.planPeopleSchema,
  'PUT /api/plans/:planId': plans.planStoredSchema,
  'GET /api/plans/mine': plans.myPlansSchema,
  'POST /api/plans/:planId/responses': plans.planResponseStoredSchema,
  'GET /api/plans/:planId/responses': plans.planResponsesSchema,
} as const satisfies Record<string, z.ZodType>

export type Route = keyof typeof RESPONSES
/** The answer a route sends, as the app reads it. */
export type Answer<R extends Route> = z.output<(typeof RESPONSES)[R]>
