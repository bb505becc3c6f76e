import { parentPort, workerData } from 'node:worker_threads'
import { Store } from '../db/store'
import type { WorkerData, WorkerReply, WorkerRequest } from './request-log-sink'
import { RequestLogWriter } from './request-log-writer'

/**
 * The request-log writer's thread: its own connection to the store, and the only writer of the
 * request-log tables (request_log, usage_minute). It writes the batches the main thread sends, in order,
 * and answers each on the reply port, bumping the shared signal so a closing main thread can wait.
 */
const { databaseFile, nativeBinding, replies, signal } = workerData as WorkerData
const store = Store.attach({ file: databaseFile, nativeBinding })
const writer = new RequestLogWriter(store)

function reply(message: WorkerReply): void {
  replies.postMessage(message)
  Atomics.add(signal, 0, 1)
  Atomics.notify(signal, 0)
}

const describe = (error: unknown) => ({
  code: String((error as { code?: unknown } | null)?.code ?? ''),
  message: error instanceof Error ? error.message : String(error),
})

parentPort!.on('message', (request: WorkerRequest) => {
  if (request.type === 'close') {
    store.close()
    reply({ id: request.id, ok: true, result: 0 })
    parentPort!.close()
    replies.close()
    return
  }
  try {
    reply({ id: request.id, ok: true, result: request.type === 'write' ? writer.writeJson(request.json) : writer.prune(request.cutoffMs) })
  } catch (error) {
    reply({ id: request.id, ok: false, error: describe(error) })
  }
})
