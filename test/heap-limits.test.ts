import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
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
});
