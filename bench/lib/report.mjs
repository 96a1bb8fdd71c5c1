// Turns the raw files of one bench/run.sh run into a summary table (stdout) and a JSON document.
//
//   node report.mjs <run-dir> <out.json>
//
// Reads from <run-dir>: pgbench.out + pgbench_log.* (per-transaction latencies), <backend>-<workload>.wrk
// (wrk output with a BENCH_RESULT line), <backend>-<workload>.rss (peak RSS), <backend>-<workload>.pg.json
// (PostgreSQL activity, PostgreSQL backend only), <backend>-server.rss, <backend>-seed.json, env.json.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const [dir, outFile] = process.argv.slice(2);
const read = (name) => readFileSync(join(dir, name), 'utf8');
const readJson = (name) => (existsSync(join(dir, name)) ? JSON.parse(read(name)) : null);

// Targets, from the project's performance goals (issue 15: create ≥ 0.75 and list ≥ 1.0 of the reference).
const TARGETS = {
  postgresCreateVsReference: 0.75,
  postgresListVsReference: 1.0,
  p99Ms: 25,
  peakRssMb: 150,
  pgliteCreateRps: 1000,
};

/** "BENCH_RESULT k=v k=v" -> { k: number|string } */
function parseWrk(name) {
  const line = read(name)
    .split('\n')
    .find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`${name}: no BENCH_RESULT line (did wrk fail?)`);
  const out = {};
  for (const pair of line.slice('BENCH_RESULT '.length).trim().split(/\s+/)) {
    const [k, v] = pair.split('=');
    out[k] = Number.isNaN(Number(v)) ? v : Number(v);
  }
  return out;
}

/** "key value" lines written by run.sh's RSS sampler, in kB. */
function parseRss(name) {
  if (!existsSync(join(dir, name))) return null;
  return Object.fromEntries(
    read(name)
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/))
      .map(([k, v]) => [k, Number(v)]),
  );
}

const OTHER_CPU_LIMIT = 0.25; // cores used by non-bench processes before a workload is flagged as disturbed
const mb = (kb) => Math.round(((kb * 1024) / 1e6) * 10) / 10; // decimal megabytes, 1 MB = 10^6 bytes
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function parsePgbench() {
  const out = read('pgbench.out');
  const num = (re) => {
    const m = out.match(re);
    return m ? Number(m[1]) : null;
  };
  // Per-transaction log lines: client_id transaction_no latency_us script_no epoch_s epoch_us
  const latencies = [];
  for (const f of readdirSync(dir).filter((f) => f.startsWith('pgbench_log.'))) {
    for (const line of read(f).split('\n')) {
      const us = Number(line.split(' ')[2]);
      if (line && Number.isFinite(us)) latencies.push(us / 1000);
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    tps: num(/tps = ([\d.]+) \(without initial connection time\)/),
    transactions: num(/number of transactions actually processed: (\d+)/),
    failed: num(/number of failed transactions: (\d+)/) ?? 0,
    latency_avg_ms: num(/latency average = ([\d.]+) ms/),
    p50_ms: latencies.length ? round(percentile(latencies, 50)) : null,
    p99_ms: latencies.length ? round(percentile(latencies, 99)) : null,
  };
}

function workload(backend, name) {
  const file = `${backend}-${name}.wrk`;
  if (!existsSync(join(dir, file))) return null;
  const w = parseWrk(file);
  const rss = parseRss(`${backend}-${name}.rss`);
  const result = {
    rps: round(w.rps, 1),
    requests: w.requests,
    p50_ms: w.p50_ms,
    p90_ms: w.p90_ms,
    p99_ms: w.p99_ms,
    max_ms: w.max_ms,
    non_2xx: w.non2xx,
    socket_errors: w.connect_err + w.read_err + w.write_err + w.timeout_err,
    // VmHWM after resetting it (clear_refs) just before the workload: the exact peak during it.
    peak_rss_mb: rss ? mb(Math.max(rss.hwm_kb ?? 0, rss.polled_max_kb ?? 0)) : null,
    rss_at_start_mb: rss?.start_kb ? mb(rss.start_kb) : null,
    // Average cores busy during the run (lib/cpu.mjs). "other" is CPU used by processes that are not part
    // of the bench (another test run, a build): above ~0.25 on this 2-core machine the numbers are skewed.
    cpu_cores:
      rss?.cpu_server_cores === undefined
        ? null
        : {
            server: rss.cpu_server_cores,
            postgres: rss.cpu_postgres_cores,
            wrk: rss.cpu_wrk_cores,
            other: rss.cpu_other_cores,
            machine: rss.cpu_machine_cores,
          },
  };
  result.machine_quiet = result.cpu_cores ? result.cpu_cores.other <= OTHER_CPU_LIMIT : null;
  if (w.bytes_per_req !== undefined) result.bytes_per_response = w.bytes_per_req;
  const pgStats = readJson(`${backend}-${name}.pg.json`);
  if (pgStats && w.requests > 0) {
    const d = pgStats.database_delta;
    // Per HTTP request: how many PostgreSQL transactions (~statements outside explicit transactions) and
    // how many rows the database read to answer it. Computed from pg_stat_* deltas, so approximate.
    result.postgres_per_request = {
      transactions: round((d.xact_commit + d.xact_rollback) / w.requests, 2),
      rows_read: round((d.tup_returned + d.tup_fetched) / w.requests, 1),
    };
    result.postgres_activity = pgStats;
  }
  const check = readJson(`${backend}-${name}.check.json`);
  if (check) result.check = check;
  return result;
}

const env = readJson('env.json') ?? {};
const reference = parsePgbench();
const backends = {};
for (const backend of ['postgres', 'pglite']) {
  const create = workload(backend, 'create');
  const list = workload(backend, 'list');
  if (!create && !list) continue;
  const server = parseRss(`${backend}-server.rss`);
  backends[backend] = {
    create,
    list,
    // RSS of the server one second after it became ready, before any load.
    idle_rss_mb: server?.idle_kb ? mb(server.idle_kb) : null,
    seed: readJson(`${backend}-seed.json`),
    server_log_lines_at_warn_or_above: env[`${backend}_log_lines`] ?? null,
  };
}

const ratio = (w) => (w && reference.tps ? round(w.rps / reference.tps, 3) : null);
const ratios = {};
for (const [b, r] of Object.entries(backends)) {
  ratios[`${b}_create_vs_reference`] = ratio(r.create);
  ratios[`${b}_list_vs_reference`] = ratio(r.list);
}

// Pass/fail against the targets. p99 and RSS apply to the server on PostgreSQL (the production setup).
const pgB = backends.postgres ?? {};
const targets = [];
const target = (name, measured, goal, pass) => targets.push({ name, measured, target: goal, pass });
if (pgB.create) {
  const r = ratios.postgres_create_vs_reference;
  target(
    'PostgreSQL create ≥ 75% of reference tps',
    r,
    `≥ ${TARGETS.postgresCreateVsReference}`,
    r >= TARGETS.postgresCreateVsReference,
  );
  target('PostgreSQL create p99 < 25 ms', pgB.create.p99_ms, '< 25 ms', pgB.create.p99_ms < TARGETS.p99Ms);
  target(
    'PostgreSQL create peak RSS < 150 MB',
    pgB.create.peak_rss_mb,
    '< 150 MB',
    pgB.create.peak_rss_mb < TARGETS.peakRssMb,
  );
}
if (pgB.list) {
  const r = ratios.postgres_list_vs_reference;
  target(
    'PostgreSQL list ≥ 100% of reference tps',
    r,
    `≥ ${TARGETS.postgresListVsReference}`,
    r >= TARGETS.postgresListVsReference,
  );
  target('PostgreSQL list p99 < 25 ms', pgB.list.p99_ms, '< 25 ms', pgB.list.p99_ms < TARGETS.p99Ms);
  target(
    'PostgreSQL list peak RSS < 150 MB',
    pgB.list.peak_rss_mb,
    '< 150 MB',
    pgB.list.peak_rss_mb < TARGETS.peakRssMb,
  );
}
if (backends.pglite?.create) {
  const rps = backends.pglite.create.rps;
  target('PGlite create ≥ 1,000 req/s', rps, '≥ 1000 req/s', rps >= TARGETS.pgliteCreateRps);
}
for (const [b, r] of Object.entries(backends)) {
  const check = r.create?.check;
  if (check) {
    // Rows stored in the create org vs. 2xx responses: more rows than answers is fine up to one request in
    // flight per connection when wrk stops (warm-up + measured run); fewer rows would mean 2xx answers for
    // writes that did not happen.
    const n = check.unaccounted;
    const max = check.max_in_flight;
    target(`${b} create: every 2xx is a stored row`, n, `0..${max} extra rows`, n >= 0 && n <= max);
  }
  for (const w of ['create', 'list']) {
    if (!r[w]) continue;
    const bad = r[w].non_2xx + r[w].socket_errors;
    target(`${b} ${w}: no non-2xx responses or socket errors`, bad, '0', bad === 0);
  }
}

const doc = {
  date: new Date().toISOString(),
  run_id: env.run_id,
  machine: {
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model,
    memory_gb: round(os.totalmem() / 1e9, 1),
    kernel: os.release(),
    node: process.version,
    postgres: env.postgres_version,
    wrk: env.wrk_version,
  },
  load: env.load,
  // The server code measured: the last commit touching packages/ or apps/ when the run started, and how
  // many files there were uncommitted at that moment.
  code: { git_commit: env.git_commit, uncommitted_server_files: env.git_dirty_paths },
  cpu_profiling: env.cpu_profile === '1',
  reference: { what: 'pgbench, one single-row INSERT per transaction, -M extended -c 32 -j 2', ...reference },
  ...backends,
  ratios,
  targets,
  all_targets_pass: targets.every((t) => t.pass),
  // Workloads during which processes outside the bench used CPU: their numbers are not trustworthy.
  machine_quiet: Object.values(backends).every((r) =>
    [r.create, r.list].every((w) => w?.machine_quiet !== false),
  ),
};
writeFileSync(outFile, `${JSON.stringify(doc, null, 2)}\n`);

// ---- human-readable summary -------------------------------------------------------------------------
const pad = (s, n) => String(s ?? '—').padEnd(n);
const lpad = (s, n) => String(s ?? '—').padStart(n);
const header = ['req/s', 'vs ref', 'p50 ms', 'p99 ms', 'non-2xx', 'peak RSS MB', 'CPU srv/pg/wrk/other'];
const widths = [9, 8, 8, 8, 9, 13, 22];
console.log(`\nInvitekit bench ${doc.date}  (${doc.machine.cpus} cores, ${doc.machine.node}; ${env.load})`);
console.log(
  `PostgreSQL reference (pgbench INSERT): ${reference.tps?.toFixed(0)} tps, ` +
    `p50 ${reference.p50_ms} ms, p99 ${reference.p99_ms} ms\n`,
);
console.log(pad('workload', 18) + header.map((h, i) => lpad(h, widths[i])).join(''));
for (const [b, r] of Object.entries(backends)) {
  for (const w of ['create', 'list']) {
    const x = r[w];
    if (!x) continue;
    const c = x.cpu_cores;
    const cells = [
      x.rps.toFixed(0),
      ratios[`${b}_${w}_vs_reference`]?.toFixed(3),
      x.p50_ms.toFixed(2),
      x.p99_ms.toFixed(2),
      x.non_2xx + x.socket_errors,
      x.peak_rss_mb,
      c ? `${c.server}/${c.postgres}/${c.wrk}/${c.other}${x.machine_quiet ? '' : ' !'}` : null,
    ];
    console.log(pad(`${b} ${w}`, 18) + cells.map((v, i) => lpad(v, widths[i])).join(''));
  }
}
console.log('CPU = average cores busy: server process / its PostgreSQL processes / wrk / everything else');
const disturbed = Object.entries(backends).flatMap(([b, r]) =>
  ['create', 'list'].filter((w) => r[w] && r[w].machine_quiet === false).map((w) => `${b} ${w}`),
);
if (disturbed.length) {
  console.log(
    `WARNING: other processes used > ${OTHER_CPU_LIMIT} cores during: ${disturbed.join(', ')} (marked !)`,
  );
}
for (const [b, r] of Object.entries(backends))
  console.log(`${b} server RSS when idle after start: ${r.idle_rss_mb} MB`);
console.log('');
for (const t of targets)
  console.log(`${t.pass ? 'PASS' : 'FAIL'}  ${pad(t.name, 58)} measured ${t.measured}`);
console.log(`\nwritten: ${outFile}`);
