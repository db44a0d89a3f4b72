import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './support/shared.js';

// Imports run one way, down (docs/decisions.md): no file of src/ may reach itself through its imports,
// whether two files import each other or a longer ring does. Static, re-export and dynamic imports count.

const SRC = resolve(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(specifier)].map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every ring of imports, as the list of files on it (Tarjan's strongly connected components). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const ring: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        ring.push(relative(REPO_ROOT, w));
      } while (w !== v);
      if (ring.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(ring.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test('the graph is read: files under src/ import one another', () => {
  const graph = importGraph();
  assert.ok(graph.size > 50, `found ${graph.size} files`);
  const edges = [...graph.values()].reduce((n, targets) => n + targets.length, 0);
  assert.ok(edges > graph.size, `found ${edges} relative imports`);
  // The check sees the kind of import a cycle hides in: the bulk routes import the bulk repository.
  assert.ok(graph.get(resolve(SRC, 'bulk/bulk-request.routes.ts'))?.includes(resolve(SRC, 'bulk/bulk-request.repository.ts')));
});

test('no file of src/ imports itself through other files', () => {
  assert.deepEqual(cycles(importGraph()), []);
});
