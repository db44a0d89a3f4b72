import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { superviseThread } from '../src/threads/supervise-thread.js';

// The engine thread and the staging threads are judged by this one function: a thread that fails before it
// starts fails the start; one that dies once running takes `serve` down, unless `serve` is stopping it.

type Message = { type: 'started' } | { type: 'stopped' } | { type: 'failed'; message: string } | { type: 'hello'; n: number };

function thread(body: string): Worker {
  return new Worker(`const { parentPort } = require('node:worker_threads'); ${body}`, { eval: true });
}

function watch(worker: Worker, stopping = () => false) {
  const fatal: Error[] = [];
  const failures: Error[] = [];
  const messages: Message[] = [];
  const supervised = superviseThread<Message>(worker, {
    name: 'test thread',
    stopping,
    onFatal: (error) => fatal.push(error),
    onFailure: (error) => failures.push(error),
    onMessage: (message) => messages.push(message),
  });
  return { ...supervised, fatal, failures, messages };
}

describe('thread supervision', () => {
  test('a thread that reports failure before it starts fails the start with its reason, and is not fatal', async () => {
    const w = watch(thread(`parentPort.postMessage({ type: 'failed', message: 'no database' });`));
    await assert.rejects(w.started, /test thread: no database/);
    await w.done;
    assert.deepEqual(w.fatal, []);
    assert.ok(w.failures.length >= 1);
  });

  test('a thread that exits before it starts fails the start with its exit code', async () => {
    const w = watch(thread(`process.exit(3);`));
    await assert.rejects(w.started, /test thread exited with code 3/);
    assert.deepEqual(w.fatal, []);
  });

  test('once started, other messages reach the owner, and dying is fatal', async () => {
    const w = watch(thread(`parentPort.postMessage({ type: 'started' }); parentPort.postMessage({ type: 'hello', n: 7 }); setTimeout(() => { throw new Error('boom'); }, 20);`));
    await w.started;
    await w.done;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(w.messages, [{ type: 'hello', n: 7 }]);
    assert.ok(w.fatal.some((e) => /boom/.test(e.message)), w.fatal.map((e) => e.message).join('; '));
  });

  test('a thread the owner is stopping ends without being fatal', async () => {
    let stopping = false;
    const worker = thread(`parentPort.postMessage({ type: 'started' }); parentPort.on('message', () => { parentPort.postMessage({ type: 'stopped' }); process.exit(0); });`);
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    const w = watch(worker, () => stopping);
    await w.started;
    stopping = true;
    worker.postMessage('stop');
    await w.done;
    await exited;
    assert.deepEqual(w.fatal, []);
  });
});
