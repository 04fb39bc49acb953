/** The page's side of the data worker: typed request/answer calls over postMessage. */
import type { WorkerAnswers, WorkerRequest, WorkerResponse } from './protocol'

export class DataError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void }

export class DataClient {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  onOutbox: (pending: number) => void = () => {}

  constructor(private readonly worker: Worker) {
    worker.addEventListener('message', (event: MessageEvent<WorkerResponse>) => {
      const data = event.data
      if ('event' in data) {
        this.onOutbox(data.pending)
        return
      }
      const waiting = this.pending.get(data.requestId)
      if (!waiting) return
      this.pending.delete(data.requestId)
      if (data.ok) waiting.resolve(data.result)
      else waiting.reject(new DataError(data.error, data.code ?? 'failed'))
    })
  }

  call<T extends WorkerRequest['type']>(request: Extract<WorkerRequest, { type: T }>): Promise<WorkerAnswers[T]> {
    const requestId = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject })
      this.worker.postMessage({ requestId, request })
    })
  }
}

let client: DataClient | undefined

export function dataClient(): DataClient {
  client ??= new DataClient(new Worker(new URL('./dataWorker.ts', import.meta.url), { type: 'module', name: 'data' }))
  return client
}
