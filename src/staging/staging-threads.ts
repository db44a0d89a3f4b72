import type { Worker as Thread } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { spawnThread } from '../threads/spawn-thread.js';
import { superviseThread } from '../threads/supervise-thread.js';
import type { BulkCreate, BulkCreated } from './create-bulk-request.js';
import type { FromStaging, StagingThreadData, ToStaging } from './messages.js';
import type { BulkStager, UploadInput } from './stager.js';
import { OutgoingBody } from './upload-channel.js';
import type { Inflation } from '../uploads/decompress.js';
import type { UploadOutcome } from '../uploads/ingest-upload.js';
import { fromThreadError } from './thread-errors.js';

interface Pending {
  resolve: (result: never) => void;
  reject: (error: Error) => void;
  /** An upload's: the parser took a chunk of its body. */
  acked?: () => void;
}

interface Member {
  thread: Thread;
  pending: Map<number, Pending>;
  done: Promise<void>;
}

/**
 * The staging threads of `sluice serve`: they read, check and stage the bodies of `POST /v1/records/bulk`
 * and parse and stage uploaded files, so that the API thread stays free to answer. On the API thread, 8 clients posting 1,000-record bodies
 * back to back kept it about three quarters busy (UTF-8 decoding, the depth scan, JSON.parse, one
 * JSON.stringify per item, the segment's encoding, and on SQLite the synchronous insert and commit), and a
 * status read queued behind whichever bodies were in hand: p99 130-190 ms (docs/performance.md §4). Here the
 * API thread only receives the bytes and sends the answer.
 *
 * Each thread has its own store (PostgreSQL runs several bodies' transactions at once on its pool; SQLite
 * serialises them on its one writer anyway). A body goes to the thread with the fewest in hand. A thread
 * that fails to start fails the start; one that dies later is fatal to the process, as the engine thread's
 * death is: its in-flight requests either committed or did not, and a client that got no `202` retries with
 * its idempotency key.
 */
export class StagingThreads implements BulkStager {
  private readonly members: Member[] = [];
  private nextId = 1;
  private stopping = false;
  private stopped: Promise<void> | undefined;

  private constructor(private readonly logger: Logger) {}

  static async start(config: Config, count: number, logger: Logger, onFatal: (error: Error) => void): Promise<StagingThreads> {
    const pool = new StagingThreads(logger);
    const starts: Promise<void>[] = [];
    for (let i = 0; i < count; i++) starts.push(pool.spawn(config, onFatal));
    try {
      await Promise.all(starts);
    } catch (error) {
      await pool.stop();
      throw error;
    }
    return pool;
  }

  private spawn(config: Config, onFatal: (error: Error) => void): Promise<void> {
    const data: StagingThreadData = { config };
    const thread = spawnThread(import.meta.url, 'staging-entry', data);
    const pending = new Map<number, Pending>();
    const { started, done } = superviseThread<FromStaging>(thread, {
      name: 'staging thread',
      stopping: () => this.stopping,
      onFatal,
      onFailure: (error) => {
        for (const p of pending.values()) p.reject(error);
        pending.clear();
      },
      onMessage: (message) => {
        switch (message.type) {
          case 'created':
          case 'uploaded': {
            const p = pending.get(message.id);
            pending.delete(message.id);
            return p?.resolve((message.type === 'created' ? message.result : message.outcome) as never);
          }
          case 'ack':
            return pending.get(message.id)?.acked?.();
          case 'error': {
            const p = pending.get(message.id);
            pending.delete(message.id);
            return p?.reject(fromThreadError(message.error));
          }
        }
      },
    });
    this.members.push({ thread, pending, done });
    return started;
  }

  /** The thread with the fewest bodies in hand. */
  private pick(): Member {
    if (this.stopping) throw new Error('the staging threads are stopping');
    let member = this.members[0]!;
    for (const m of this.members) if (m.pending.size < member.pending.size) member = m;
    return member;
  }

  async create(input: BulkCreate): Promise<BulkCreated> {
    const member = this.pick();
    const id = this.nextId++;
    return new Promise<BulkCreated>((resolve, reject) => {
      member.pending.set(id, { resolve: resolve as (result: never) => void, reject });
      const message: ToStaging = { type: 'create', id, input };
      member.thread.postMessage(message);
    });
  }

  /**
   * The body is read here and its chunks posted to the thread (upload-channel.ts), which parses and stages
   * them as ingestUpload always has. Once the thread answers, the rest of the body is not read: the route's
   * answer closes the connection of an upload that ended early, as it did when the parse ran here.
   */
  async upload(input: UploadInput, body: AsyncIterable<Buffer>, inflation: Inflation | undefined): Promise<UploadOutcome> {
    const member = this.pick();
    const id = this.nextId++;
    const send = (message: ToStaging) => member.thread.postMessage(message);
    const outgoing = new OutgoingBody((message) => send({ ...message, id }));
    const answer = new Promise<UploadOutcome>((resolve, reject) => {
      member.pending.set(id, { resolve: resolve as (result: never) => void, reject, acked: () => outgoing.acked() });
    });
    send({ type: 'upload', id, input });
    void outgoing.pump(body, inflation);
    try {
      return await answer;
    } finally {
      outgoing.stop();
    }
  }

  /** Graceful: each thread finishes the bodies it has, closes its store and exits. Call after the API stopped accepting. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      await Promise.all(
        this.members.map(async (m) => {
          const message: ToStaging = { type: 'stop' };
          m.thread.postMessage(message);
          await m.done;
          await m.thread.terminate();
        }),
      );
      this.logger.debug('staging threads stopped');
    })();
    return this.stopped;
  }
}
