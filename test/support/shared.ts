import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, whatever the working directory. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The read-only fixtures shared beside the repository (`../shared/testdata`), overridable with
 * SLUICE_TESTDATA. Tests that need them say loudly that they skipped when they are absent.
 */
export const TESTDATA_ROOT = process.env.SLUICE_TESTDATA ?? resolve(REPO_ROOT, '..', 'shared', 'testdata');

export const hasTestdata = () => existsSync(TESTDATA_ROOT);
