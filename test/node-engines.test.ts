import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import semver from 'semver';

// The README promises Node.js 20. `npm ci` warns EBADENGINE for every locked package whose `engines.node`
// excludes the running Node; npm copies that field into package-lock.json, so the lockfile alone says
// whether a fresh install on Node 20 is clean. The check is npm's own: semver.satisfies, prereleases included.

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

// The oldest Node the project promises, the newest 20.x known here, and the running one when it is a 20.
const lowest = semver.minVersion(manifest.engines.node)?.version ?? '';
const node20 = [lowest, '20.19.0', ...(semver.major(process.version) === 20 ? [process.version] : [])];

test('package.json promises Node 20', () => {
  assert.equal(semver.major(lowest), 20, `engines.node is "${manifest.engines.node}"`);
});

test('no locked package excludes Node 20 in engines.node (npm ci prints no EBADENGINE)', () => {
  const excluding: string[] = [];
  let checked = 0;
  for (const [path, entry] of Object.entries(lock.packages)) {
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (!path || !range) continue;
    checked++;
    for (const version of node20) {
      if (!semver.satisfies(version, range, { includePrerelease: true })) excluding.push(`${path}@${entry.version} wants node "${range}" (not ${version})`);
    }
  }
  assert.ok(checked >= 10, `only ${checked} locked packages declare engines.node: has the lockfile's shape changed?`);
  assert.deepEqual(excluding, []);
});
