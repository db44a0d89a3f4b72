import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { boundHeapGrowth } from '../src/threads/heap-growth.js';
import { THREAD_YOUNG_GENERATION_MB, threadResourceLimits } from '../src/threads/spawn-thread.js';

// Peak memory of `sluice serve` is mostly three V8 heaps' young generations (docs/performance.md §6): the
// threads bound theirs from inside, the API thread's is bounded on node's command line, in every place
// Sluice is started from.

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const MAIN_FLAG = '--max-semi-space-size=4';

describe('heap limits', () => {
  test("a thread's young generation is bounded by default, and by the operator's flags when given", () => {
    assert.deepEqual(threadResourceLimits([]), { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB });
    assert.deepEqual(threadResourceLimits(['--max-old-space-size=128']), { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB });
    assert.deepEqual(threadResourceLimits(['--max-semi-space-size=16', '--max-old-space-size=512']), { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 48 });
    assert.deepEqual(threadResourceLimits(['--max-old-space-size=64', '--max-old-space-size=256']).maxOldGenerationSizeMb, 256, 'the last flag wins, as in node');
  });

  test('a thread started with those limits runs under them', async () => {
    const limits = threadResourceLimits([]);
    const thread = new Worker('require("node:worker_threads").parentPort.postMessage("up")', { eval: true, resourceLimits: limits });
    try {
      await new Promise((resolve, reject) => thread.once('message', resolve).once('error', reject));
      assert.equal(thread.resourceLimits?.maxYoungGenerationSizeMb, THREAD_YOUNG_GENERATION_MB);
    } finally {
      await thread.terminate();
    }
  });

  test('npm start, npm run sluice and the systemd unit bound the API thread the same way; the README says how for the rest', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'sluice']) assert.ok(scripts[name]!.split(/\s+/).includes(MAIN_FLAG), `package.json ${name}: ${scripts[name]}`);
    // The first line stays plain: `env -S` is not in BusyBox, and the README says what to set instead.
    assert.equal(read('bin/sluice.js').split('\n')[0], '#!/usr/bin/env node');
    assert.ok(read('README.md').includes(`NODE_OPTIONS=${MAIN_FLAG}`), 'the README says how to bound sluice run from the PATH');
    const execStart = read('docs/operations.md').split('\n').find((line) => line.startsWith('ExecStart=') && line.endsWith(' serve'));
    assert.ok(execStart?.includes(MAIN_FLAG), `docs/operations.md: ${execStart}`);
  });

  test("every heap's growth is bounded at the start of every command, unless node's command line sets its own", () => {
    assert.equal(boundHeapGrowth(['--heap-growing-percent=20']), false, "the operator's flag wins");
    assert.equal(boundHeapGrowth(['--heap_growing_percent=20']), false);
    assert.ok(read('src/cli/main.ts').includes('boundHeapGrowth();'), 'the CLI sets it before it does anything');
    // What the bound does: a thread churning through short-lived batches, keeping a few, with and without it.
    // Its heap's peak is the outcome: bounded, it stays well below what V8's own growth lets it reach.
    const churn = `
      const { Worker } = require('node:worker_threads');
      const work = \`
        const keep = []; let peak = 0;
        for (let round = 0; round < 300; round++) {
          const batch = []; for (let i = 0; i < 20000; i++) batch.push({ a: 'x'.repeat(20) + i, b: i });
          keep.push(batch); if (keep.length > 5) keep.shift();
          peak = Math.max(peak, process.memoryUsage().heapTotal);
        }
        require('node:worker_threads').parentPort.postMessage(peak);\`;
      const start = () => new Worker(work, { eval: true }).once('message', (peak) => console.log(Math.round(peak / 1e6)));
      if (process.argv[1] === 'bound') import(process.argv[2]).then((m) => { m.boundHeapGrowth(); start(); });
      else start();`;
    const module = new URL('../src/threads/heap-growth.ts', import.meta.url).href;
    const peak = (mode: string) => Number(spawnSync(process.execPath, ['--import', 'tsx', '-e', churn, mode, module], { encoding: 'utf8' }).stdout.trim());
    const free = peak('free');
    const bounded = peak('bound');
    assert.ok(Number.isFinite(free) && Number.isFinite(bounded) && bounded > 0, `peaks: ${free} and ${bounded} MB`);
    assert.ok(bounded < free * 0.85, `bounded ${bounded} MB against ${free} MB with V8's own growth`);
  });
});
