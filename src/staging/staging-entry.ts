import { parentPort, workerData } from 'node:worker_threads';
import { openStore, WARM_CONNECTIONS } from '../db/open-store.js';
import { createBulkRequest } from './create-bulk-request.js';
import type { FromStaging, StagingThreadData, ToStaging } from './messages.js';
import { toThreadError } from './thread-errors.js';
import { IncomingBody } from './upload-channel.js';
import { ingestUpload } from '../uploads/ingest-upload.js';
import { handlerOf } from '../uploads/handlers.js';

// A staging thread of `sluice serve` (see staging-threads.ts for why). It opens its own store
// (better-sqlite3 handles and pg pools cannot cross threads) and stages each body it is sent; every
// failure goes back as the answer to that body, so nothing a client sends can end the thread.

const port = parentPort!;
const { config } = workerData as StagingThreadData;
const post = (message: FromStaging) => port.postMessage(message);

try {
  const store = await openStore(config, { listen: false, migrate: false, warmConnections: WARM_CONNECTIONS });
  let inFlight = 0;
  let stopping = false;
  const stopIfIdle = () => {
    if (!stopping || inFlight > 0) return;
    void store.close().then(
      () => {
        post({ type: 'stopped' });
        port.close();
      },
      (error: unknown) => post({ type: 'failed', message: (error as Error).message }),
    );
  };
  /** Uploads whose body is still arriving, by id. */
  const bodies = new Map<number, IncomingBody>();
  const settle = <T>(id: number, work: Promise<T>, answer: (value: T) => FromStaging) => {
    inFlight++;
    work
      .then((value) => post(answer(value)))
      .catch((error: unknown) => post({ type: 'error', id, error: toThreadError(error) }))
      .finally(() => {
        bodies.delete(id);
        inFlight--;
        stopIfIdle();
      });
  };
  port.on('message', (message: ToStaging) => {
    switch (message.type) {
      case 'stop':
        stopping = true;
        return stopIfIdle();
      case 'create':
        return settle(message.id, createBulkRequest(store, message.input), (result) => ({ type: 'created', id: message.id, result }));
      case 'upload': {
        const { id, input } = message;
        const inflation = input.compressed ? { compressedBytes: 0, bytes: 0 } : undefined;
        const body = new IncomingBody(() => post({ type: 'ack', id }), inflation);
        bodies.set(id, body);
        const work = ingestUpload({ store, config, now: Date.now }, { ...input, handler: handlerOf(input.format, input.refusal), body, inflation });
        return settle(id, work, (outcome) => ({ type: 'uploaded', id, outcome }));
      }
      case 'chunk':
        return bodies.get(message.id)?.push(message.chunk);
      case 'end':
        return bodies.get(message.id)?.end(message.inflation);
      case 'body-error':
        return bodies.get(message.id)?.fail(message.error);
    }
  });
  post({ type: 'started' });
} catch (error) {
  post({ type: 'failed', message: (error as Error).message });
  port.close();
}
