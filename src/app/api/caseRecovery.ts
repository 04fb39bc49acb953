/** The recovery routes (src/shared/api/caseRecovery.ts; docs/case-sync.md "Recovery"): answers taken as they come, the phone checks them. */
import { z } from 'zod'
import {
  myRecoveriesSchema,
  recoveryDoneSchema,
  recoveryKeyAnswerSchema,
  recoveryRequestDetailSchema,
  recoveryRequestListSchema,
  recoveryStartedSchema,
  type RecoveryStart,
  type RecoveryUserKeyBox,
  type SetUpRecovery,
} from '../../shared/api/caseRecovery'
import type { UserKeyBox } from '../../shared/api/caseSync'
import { api } from '../core/http'

const R = '/api/case-sync/recovery'
export const getRecoveryKey = () => api('GET', `${R}/key`, recoveryKeyAnswerSchema)
export const postRecoveryKey = (body: SetUpRecovery) => api('POST', `${R}/key`, z.unknown(), body)
export const postRecoveryBox = (body: RecoveryUserKeyBox) => api('POST', `${R}/user-keys`, z.unknown(), body)
export const listRecoveryRequests = async () => (await api('GET', `${R}/requests`, recoveryRequestListSchema)).requests
export const startRecoveryRequest = (start: RecoveryStart) => api('POST', `${R}/requests`, recoveryStartedSchema, { start })
export const getRecoveryRequest = (id: string) => api('GET', `${R}/requests/${encodeURIComponent(id)}`, recoveryRequestDetailSchema)
export const confirmRecoveryRequest = (id: string, boxes: UserKeyBox[]) => api('POST', `${R}/requests/${encodeURIComponent(id)}/confirm`, recoveryDoneSchema, { boxes })
export const getMyRecoveries = () => api('GET', `${R}/mine`, myRecoveriesSchema)
