import { sql, type Transaction } from 'kysely';
import type pg from 'pg';
import type { Database } from './database.js';

// Kysely keeps the pg client of a transaction to itself, but a few statements (COPY) need the client: they
// must run on the transaction's own connection, inside it. Every client the pool opens is remembered by
// its server process id, which the transaction can ask its server for.
const clientsOf = new WeakMap<pg.Pool, Map<number, pg.PoolClient>>();

/** Called for every client the pool connects (src/db/connect.ts). */
export function rememberClient(pool: pg.Pool, client: pg.PoolClient): void {
  const pid = (client as unknown as { processID: number | null }).processID;
  if (pid === null) return;
  let clients = clientsOf.get(pool);
  if (!clients) {
    clients = new Map();
    clientsOf.set(pool, clients);
  }
  clients.set(pid, client);
  client.once('end', () => {
    if (clients.get(pid) === client) clients.delete(pid);
  });
}

/**
 * The pg client that runs `trx`. Use it only between the transaction's own statements (Kysely holds the
 * connection for the transaction, so nothing else runs on it meanwhile). One round trip.
 */
export async function transactionClient(pool: pg.Pool, trx: Transaction<Database>): Promise<pg.PoolClient> {
  const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
  const client = clientsOf.get(pool)?.get(Number(rows[0]?.pid));
  if (!client) throw new Error('the transaction runs on a connection this pool did not open');
  return client;
}
