/** The programme office's side of /api/method: the latest version to start from, the history, publishing the next. */
import type { MethodDefinition } from '../../shared/method/definition'
import { methodDefinitionSchema, methodPublishedSchema, methodVersionsSchema } from '../../shared/api/method'
import { api } from '../core/http'

export type { MethodVersionRow } from '../../shared/api/method'

export const getLatestMethod = () => api('GET', '/api/method', methodDefinitionSchema)
export const listMethodVersions = async () => (await api('GET', '/api/method/versions', methodVersionsSchema)).versions
/** 422 'bad-request' when the server finds problems, 409 'conflict' when someone published this version first. */
export const publishMethod = (definition: MethodDefinition) => api('POST', '/api/method', methodPublishedSchema, definition)
