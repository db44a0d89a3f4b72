/** Holds a run after its n-th chunk until released: makes "in the middle of processing" deterministic. */
export function pauseAfter(n: number) {
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const paused = new Promise<void>((r) => (reached = r));
  let chunks = 0;
  return {
    afterChunk: async () => {
      if (++chunks === n) {
        reached();
        await gate;
      }
    },
    paused,
    release: () => release(),
  };
}
