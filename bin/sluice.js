#!/usr/bin/env node
// Runs the compiled CLI (`npm run build` writes dist/). During development and in tests the same entry
// point runs from source with `node --import tsx src/cli/main.ts`.
import('../dist/cli/main.js');
