/**
 * The public social map's transport, for the data worker (features/socialMap/data): it needs the
 * raw response (ETag, 304, gzip) and runs without a session, so it gets `fetch` itself, from here.
 */
/** Wrapped: a bare `fetch` called as a method throws "Illegal invocation". */
export const publicFetch: typeof fetch = (input, init) => fetch(input, init)
