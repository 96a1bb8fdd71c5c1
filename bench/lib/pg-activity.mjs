// Watches the server's PostgreSQL database during one workload, so a slow result comes with evidence of
// where the time went. Runs next to wrk (bench/run.sh); one extra connection, a few cheap queries a second.
//
//   node pg-activity.mjs <database-url> <seconds> <out.json>
//
// Records:
//   - deltas of pg_stat_database (transactions, rows read/returned) and per-table scan counters; divided
//     by the request count later (report.mjs) they give "transactions per request", "rows read per request"
//   - pg_stat_activity samples every 250 ms: how many server connections are active / idle / idle in
//     transaction, their wait events, and the most frequent statements seen running.

import { writeFileSync } from 'node:fs';
import pg from 'pg';

const [url, secondsArg, outFile] = process.argv.slice(2);
const seconds = Number(secondsArg);

const client = new pg.Client({ connectionString: url });
await client.connect();
const db = (await client.query('SELECT current_database() AS d')).rows[0].d;

async function counters() {
  // A fresh snapshot each time (stats are otherwise cached for the transaction).
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows: dbRows } = await client.query(
    `SELECT xact_commit::bigint, xact_rollback::bigint, tup_returned::bigint, tup_fetched::bigint,
            tup_inserted::bigint, tup_updated::bigint, blks_hit::bigint, blks_read::bigint
       FROM pg_stat_database WHERE datname = $1`,
    [db],
  );
  const { rows: tables } = await client.query(
    `SELECT relname, seq_scan::bigint, seq_tup_read::bigint, COALESCE(idx_scan, 0)::bigint AS idx_scan,
            COALESCE(idx_tup_fetch, 0)::bigint AS idx_tup_fetch, n_tup_ins::bigint
       FROM pg_stat_user_tables`,
  );
  return { db: dbRows[0], tables: Object.fromEntries(tables.map((t) => [t.relname, t])) };
}

const diff = (a, b) => Object.fromEntries(Object.keys(b).map((k) => [k, Number(b[k]) - Number(a[k] ?? 0)]));

const before = await counters();
writeFileSync(`${outFile}.ready`, ''); // tells run.sh it may start wrk
const states = {};
const waits = {};
const queries = {};
let samples = 0;
const until = Date.now() + seconds * 1000;
while (Date.now() < until) {
  const { rows } = await client.query(
    `SELECT state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 220) AS query
       FROM pg_stat_activity
      WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    [db],
  );
  samples++;
  for (const r of rows) {
    const state = r.state ?? 'unknown';
    states[state] = (states[state] ?? 0) + 1;
    if (state === 'active' || state.startsWith('idle in transaction')) {
      const wait = r.wait_event ? `${r.wait_event_type}:${r.wait_event}` : 'CPU (no wait event)';
      waits[wait] = (waits[wait] ?? 0) + 1;
      if (state === 'active') queries[r.query] = (queries[r.query] ?? 0) + 1;
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}
// Backends publish their counters when they go idle (at most once a second): give them time.
await new Promise((resolve) => setTimeout(resolve, 2500));
const after = await counters();
await client.end();

const perSample = (o) =>
  Object.fromEntries(
    Object.entries(o)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [k, Math.round((v / samples) * 100) / 100]),
  );
const tables = {};
for (const [name, t] of Object.entries(after.tables)) {
  const d = diff(before.tables[name] ?? {}, t);
  delete d.relname;
  if (Object.values(d).some((v) => v !== 0)) tables[name] = d;
}
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      database: db,
      seconds,
      samples,
      // Average number of server connections in each state / wait at any instant.
      avg_connections_by_state: perSample(states),
      avg_busy_connections_by_wait: perSample(waits),
      top_active_statements: Object.entries(queries)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([query, n]) => ({ seen: n, query })),
      database_delta: diff(before.db, after.db),
      table_delta: tables,
    },
    null,
    2,
  )}\n`,
);
