import { parentPort, workerData } from 'node:worker_threads';
import { openStore, WARM_CONNECTIONS } from '../db/open-store.js';
import { createBulkRequest } from './create-bulk-request.js';
import type { FromStaging, StagingThreadData, ToStaging } from './messages.js';
import { toThreadError } from './thread-errors.js';

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
  port.on('message', (message: ToStaging) => {
    if (message.type === 'stop') {
      stopping = true;
      return stopIfIdle();
    }
    inFlight++;
    createBulkRequest(store, message.input)
      .then((result) => post({ type: 'created', id: message.id, result }))
      .catch((error: unknown) => post({ type: 'error', id: message.id, error: toThreadError(error) }))
      .finally(() => {
        inFlight--;
        stopIfIdle();
      });
  });
  post({ type: 'started' });
} catch (error) {
  post({ type: 'failed', message: (error as Error).message });
  port.close();
}
