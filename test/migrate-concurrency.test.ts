import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BACKENDS, createTestDatabase } from './support/backends.js';
import { sluice } from './support/processes.js';

// Processes started together on a fresh database (a deploy of several replicas) all migrate on start:
// exactly one must do the work and none may fail.
for (const backend of BACKENDS) {
  describe(`concurrent migrations [${backend}]`, () => {
    test('four processes migrating a fresh database at once all succeed', async () => {
      const database = await createTestDatabase(backend);
      try {
        const runs = Array.from({ length: 4 }, () => sluice(['migrate'], database.env));
        const codes = await Promise.all(runs.map((r) => r.exited));
        assert.deepEqual(codes, [0, 0, 0, 0], runs.map((r) => r.output()).join('\n---\n'));
        const again = sluice(['migrate'], database.env);
        assert.equal(await again.exited, 0, again.output());
      } finally {
        await database.drop();
      }
    });
  });
}
