/** What `analyzeChangedTables` needs of PGlite: its plain query. */
interface Queryable {
  query<R>(sql: string): Promise<{ rows: R[] }>;
  exec(sql: string): Promise<unknown>;
}

/** How often the embedded database looks for tables to analyze, in ms. */
export const PGLITE_ANALYZE_INTERVAL_MS = 10_000;

/**
 * PGlite runs PostgreSQL without its autovacuum daemon, so nothing ever analyzes its tables and the planner
 * guesses from their size alone. The prepared statements' generic plans are then made for a table that
 * looks empty: a first page sorted an organization's every invitation (30 ms for 10,000, against 0.2 ms
 * with statistics; bench/README.md, "Memory"). This is autovacuum's analyze step, with a higher threshold:
 * tables changed by more than 50 rows plus the size they had when last analyzed (autovacuum's is a
 * tenth). Here ANALYZE runs in the thread that serves requests, and with a tenth it ran every few seconds
 * under a create load (p99 174 ms); the plans need the order of magnitude, which doubling keeps.
 * ANALYZE invalidates the cached plans that read a table, so the next execution plans again.
 */
export async function analyzeChangedTables(client: Queryable): Promise<string[]> {
  // Counts of this session's last statements are flushed at the next statement's end.
  await client.query('SELECT pg_stat_force_next_flush()');
  const { rows } = await client.query<{ name: string }>(
    `SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname) AS name
     FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
     WHERE s.n_mod_since_analyze > 50 + greatest(c.reltuples, 0)`,
  );
  // A sample of 3,000 rows rather than 30,000 (statistics target 10, not 100): a tenth of the pause, and
  // enough for an embedded database's plans.
  for (const { name } of rows) {
    await client.exec(`BEGIN; SET LOCAL default_statistics_target = 10; ANALYZE ${name}; COMMIT`);
  }
  return rows.map((r) => r.name);
}

/** Runs analyzeChangedTables every `intervalMs` until stopped; errors (a closed database) are ignored. */
export function analyzePeriodically(client: Queryable, intervalMs = PGLITE_ANALYZE_INTERVAL_MS): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    analyzeChangedTables(client)
      .catch(() => {})
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
