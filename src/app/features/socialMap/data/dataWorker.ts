/// <reference lib="webworker" />
/** The data worker: the page's only door to the stored map, search and outbox. */
import { initiativeSubmissionSchema } from '../../../../shared/socialMap/initiative'
import { SocialMapDb } from './repository'
import { LocalSocialMap } from './localSocialMap'
import { requestSchema, type WorkerRequest, type WorkerResponse } from './protocol'
import { readFilters } from './searchFilters'
import { formatIn } from './dateLabels'

const map = new LocalSocialMap(new SocialMapDb())
let ready: Promise<unknown> | undefined
const post = (message: WorkerResponse) => (self as unknown as Worker).postMessage(message)

async function handle(request: WorkerRequest): Promise<unknown> {
  if (request.type !== 'init') await (ready ??= map.init())
  switch (request.type) {
    case 'init':
      ready ??= map.init()
      return ready
    case 'refresh':
      return map.refresh()
    case 'search': {
      const { filters, dropped } = readFilters(request.rawFilters)
      return { ...map.search(request.query, filters, request.limit, request.lang, new Date(request.now), request.near), filters, dropped }
    }
    case 'get':
      return { service: map.get(request.id) }
    case 'stamp':
      return { text: formatIn(request.lang, 'stamp', new Date(request.at)) }
    case 'favourites':
      return map.favourites(request.lang, new Date(request.now))
    case 'favouriteIds':
      return { ids: await map.favouriteIds() }
    case 'toggleFavourite':
      return { isFavourite: await map.toggleFavourite(request.id) }
    case 'report': {
      const status = await map.report(request.serviceId, request.message, request.contact)
      post({ event: 'outbox', pending: await map.pending() })
      return { status }
    }
    case 'proposeInitiative': {
      const submission = initiativeSubmissionSchema.safeParse(request.submission)
      if (!submission.success) return { status: 'invalid' }
      const status = await map.propose(submission.data)
      post({ event: 'outbox', pending: await map.pending() })
      return { status }
    }
    case 'reportProblems':
      return { items: await map.problems() }
    case 'retryReport': {
      const result = await map.retry(request.id)
      post({ event: 'outbox', pending: result.pending })
      return result
    }
    case 'discardReport': {
      const pending = await map.discard(request.id)
      post({ event: 'outbox', pending })
      return { pending }
    }
    case 'flush': {
      const result = await map.flush()
      post({ event: 'outbox', pending: result.pending })
      return result
    }
  }
}

self.addEventListener('message', (event: MessageEvent) => {
  const requestId = typeof event.data?.requestId === 'number' ? (event.data.requestId as number) : -1
  const parsed = requestSchema.safeParse(event.data?.request)
  if (!parsed.success) {
    post({ requestId, ok: false, error: 'invalid request', code: 'invalid-request' })
    return
  }
  handle(parsed.data).then(
    (result) => post({ requestId, ok: true, result }),
    (error: unknown) => {
      const name = error instanceof Error ? error.name : ''
      const storageFull = name === 'QuotaExceededError' || (error as { inner?: { name?: string } })?.inner?.name === 'QuotaExceededError'
      post({ requestId, ok: false, error: error instanceof Error ? error.message : String(error), code: storageFull ? 'storage-full' : 'failed' })
    },
  )
})
