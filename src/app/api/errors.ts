/**
 * What a failed call throws: ApiError, with the server's `code` (src/shared/api/errors.ts), or
 * `offline` (no connection) and `bad-answer` (an answer that does not fit its schema). Pages catch
 * it from here; the raw client (core/http.ts) stays inside src/app/api.
 */
export { ApiError } from '../core/http'
