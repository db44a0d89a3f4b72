/**
 * Thrown inside a chunk written ahead (docs/engine.md "Two chunks in flight") to roll it back unwritten:
 * the chunk before it did not commit, or the run ends at the boundary between them.
 */
export class NotAfter extends Error {}

/**
 * Where a chunk written ahead waits, inside its open transaction, between writing its records and writing
 * its results and checkpoint statement: opened once the chunk before it committed and was counted, shut when that chunk failed or the
 * run ends. Opening or shutting a second time does nothing.
 */
export interface ChunkGate {
  passed: Promise<void>;
  open(): void;
  shut(): void;
}

export function chunkGate(): ChunkGate {
  let open!: () => void;
  let shut!: () => void;
  const passed = new Promise<void>((resolve, reject) => {
    open = resolve;
    shut = () => reject(new NotAfter());
  });
  // Seen where it is awaited; a gate shut before anyone waits at it is not an unhandled rejection.
  passed.catch(() => {});
  return { passed, open, shut };
}
