import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BACKENDS } from './support/backends.js';
import { collectPlans, planProblems } from './support/query-plans.js';

// Issue 12 item 5: every list the API serves reads an index of each large table it touches, and a page of
// records is one ordered index walk (no sort of everything the filter matches). The plans are the ones the
// databases choose on ANALYZEd tables of tens of thousands of rows, for the queries the routes really run.
// docs/query-plans.md shows them (npm run docs:plans).
for (const backend of BACKENDS) {
  describe(`query plans [${backend}]`, () => {
    test('every list route reads large tables through an index, and record pages never sort', async () => {
      const all = await collectPlans(backend);
      const failures: string[] = [];
      for (const { route, status, queries } of all) {
        assert.equal(status, 200, `${route.name}: ${route.url} answered ${status}`);
        assert.ok(queries.length > 0, `${route.name}: no query captured`);
        for (const q of queries) {
          const problems = planProblems(backend, route, q.plan);
          if (problems.length > 0) failures.push(`${route.name} (${route.url}): ${problems.join('; ')}\n  ${q.sql}\n  ${q.plan.join('\n  ')}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  });
}
