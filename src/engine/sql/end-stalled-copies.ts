import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/**
 * PostgreSQL: ends the sessions whose `COPY records FROM STDIN` has waited for its client's data for longer
 * than `stalledMs`, and returns their process ids.
 *
 * Why: a worker frozen (SIGSTOP, a paused VM) between the first and the last byte of a chunk's COPY leaves
 * its backend "active", reading from the client, inside the chunk's transaction. No timeout of PostgreSQL
 * ends that: idle_in_transaction_session_timeout is for a session waiting for its next statement, and a
 * statement_timeout is not acted on while the backend is blocked reading COPY data. The session would hold
 * the request's fence lock, and the unique index entries of the rows it had copied, until the worker woke:
 * no other worker could take the request over, whatever its lease said. A COPY's data is sent in one write
 * the moment it starts (src/engine/sql/insert-records.ts), so a live worker keeps one waiting for
 * milliseconds; `stalledMs` is well beyond that and beyond the idle-in-transaction timeout every other
 * state of a frozen worker meets. Ending the session rolls its chunk back, exactly as if it had been
 * killed; a worker that does wake finds its connection gone, and its lease taken.
 *
 * Only this database's sessions running Sluice's own COPY are considered (another program's COPY on the
 * same cluster is not Sluice's to end). A role may end its own sessions without any grant.
 */
export async function endStalledCopies(db: Kysely<Database>, stalledMs: number): Promise<number[]> {
  // MATERIALIZED: the sessions are chosen first, and only those are ended (a planner may otherwise evaluate
  // the volatile pg_terminate_backend before the other conditions).
  const rows = await sql<{ pid: number }>`
    WITH stalled AS MATERIALIZED (
      SELECT pid FROM pg_stat_activity
      WHERE datname = current_database()
        AND pid <> pg_backend_pid()
        AND state = 'active'
        AND wait_event = 'ClientRead'
        AND query LIKE 'COPY records (%'
        AND state_change < now() - make_interval(secs => ${stalledMs / 1000})
    )
    SELECT pid FROM stalled WHERE pg_terminate_backend(pid)`.execute(db);
  return rows.rows.map((r) => Number(r.pid));
}
