import { join, resolve } from 'node:path';

/** The SQLite file inside SLUICE_DATA_DIR. */
export function sqliteFileIn(dataDir: string): string {
  return join(dataDir, 'sluice.db');
}

/**
 * Which database a process works on, as a person can check it: the SQLite file's absolute path, or the
 * PostgreSQL host, port, database and schema. Never the user's password, and no other URL parameter.
 */
export function describeDatabase(options: { databaseUrl?: string | undefined; dataDir: string }): string {
  if (!options.databaseUrl) return `SQLite ${resolve(sqliteFileIn(options.dataDir))}`;
  let url: URL;
  try {
    url = new URL(options.databaseUrl);
  } catch {
    return 'PostgreSQL (DATABASE_URL is not a valid URL)';
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || (url.username ? decodeURIComponent(url.username) : 'postgres');
  const schema = /search_path\s*=\s*([^\s,]+)/.exec(url.searchParams.get('options') ?? '')?.[1];
  // libpq's `?host=/run/postgresql` (a socket directory) stands in for an empty host part.
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  return `PostgreSQL ${host}:${url.port || '5432'}/${database}${schema ? ` (schema ${schema})` : ''}`;
}
