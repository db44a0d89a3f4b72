// A one-line progress bar on stderr, redrawn in place; only when stderr is a terminal (scripts and CI logs
// get the summary alone). Small enough not to warrant a dependency.

export interface Bar {
  update(done: number, total: number, label: string): void;
  finish(): void;
}

const WIDTH = 30;

export function progressBar(enabled = process.stderr.isTTY === true): Bar {
  let last = '';
  let drawn = false;
  return {
    update(done, total, label) {
      if (!enabled) return;
      const ratio = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(ratio * WIDTH);
      const line = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${label}`;
      if (line === last) return;
      last = line;
      drawn = true;
      process.stderr.write(`\r${line}\u001b[K`);
    },
    finish() {
      if (enabled && drawn) process.stderr.write('\n');
      drawn = false;
      last = '';
    },
  };
}

export function humanBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
