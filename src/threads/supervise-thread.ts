import type { Worker as Thread } from 'node:worker_threads';

/** What every Sluice thread reports of its own life: it opened its store, it closed it, or it failed. */
export type LifecycleMessage = { type: 'started' } | { type: 'stopped' } | { type: 'failed'; message: string };

export interface SupervisedThread {
  /** Resolves on `started`; rejects with the reason if the thread fails or exits before. */
  started: Promise<void>;
  /** Resolves once the thread reports its store closed, or exits. */
  done: Promise<void>;
}

export interface Supervision<M> {
  /** Names the thread in the errors it fails with: "engine thread exited with code 1". */
  name: string;
  /** Every message that is not lifecycle. */
  onMessage(message: M): void;
  /** The owner is stopping the thread: its exit from now on is expected, not fatal. */
  stopping(): boolean;
  /** Called once per failure, before it is judged fatal (the staging threads reject the bodies in hand). */
  onFailure?(error: Error): void;
  /**
   * A failure after the start, while nobody is stopping the thread: `serve` exits for its supervisor to
   * restart it, since a process that silently stopped processing or staging would be worse.
   */
  onFatal(error: Error): void;
}

/**
 * The start, end and death of a thread, judged the same way for the engine thread and the staging threads:
 * before `started` a failure fails the start (with its reason); after it, a failure is fatal unless the
 * owner is stopping. Without this one place each owner kept its own copy of the flags and promises.
 */
export function superviseThread<M extends { type: string }>(thread: Thread, how: Supervision<Exclude<M, LifecycleMessage>>): SupervisedThread {
  let running = false;
  let resolveStarted!: () => void;
  let rejectStarted!: (error: Error) => void;
  const started = new Promise<void>((resolve, reject) => {
    resolveStarted = resolve;
    rejectStarted = reject;
  });
  // Without a handler a rejection nobody awaits (the thread failed after stop began) would be reported as unhandled.
  started.catch(() => {});
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const fail = (error: Error) => {
    rejectStarted(error);
    how.onFailure?.(error);
    if (running && !how.stopping()) how.onFatal(error);
  };
  thread.on('message', (message: M | LifecycleMessage) => {
    switch (message.type) {
      case 'started':
        running = true;
        return resolveStarted();
      case 'stopped':
        return resolveDone();
      case 'failed':
        return fail(new Error(`${how.name}: ${(message as { message: string }).message}`));
      default:
        return how.onMessage(message as Exclude<M, LifecycleMessage>);
    }
  });
  thread.on('error', fail);
  thread.on('exit', (code) => {
    resolveDone();
    fail(new Error(`${how.name} exited with code ${code}`));
  });
  return { started, done };
}
