// A PostgreSQL outage under load, with two server processes: node bench/outage.mjs (as root, from the
// repository root; see bench/README.md).
//
// It creates a PRIVATE PostgreSQL cluster (pg_createcluster 15 invitekit-outage-<pid> on a free port; the
// shared cluster at 5432 is never touched), starts two standalone servers on it (from source, through
// tsx), and runs a create-invitation load on both. Mid-run it stops the cluster (pg_ctlcluster stop -m
// fast: every connection is cut), keeps it down OUTAGE_S seconds, and starts it again. Then it checks:
//   - acknowledged creates lost: every 2xx create's invitation id must be in the database afterwards (0);
//   - during the outage, only clean 503s: service_unavailable, Retry-After, ClerkErrors JSON; no other
//     status, no dropped connection;
//   - the time from the database's return (pg_ctlcluster start returned) to each process's next 2xx create
//     (target: under 5 s);
//   - each process's log: one line when the outage starts, one when it ends, no other error line.
// OUTAGE_MODE=stall instead freezes the cluster's processes (SIGSTOP, then SIGCONT): a database that stops
// answering rather than refusing (connections are accepted by the kernel, nothing replies). The servers
// then run with 2 s connect and statement timeouts (OUTAGE_TIMEOUT_MS), and a further check applies: every
// request is answered within the statement timeout plus one second.
// Settings (environment): OUTAGE_S (seconds down, default 7), OUTAGE_LOAD_S (seconds of load before the
// outage, default 5, and after the return, default 10: OUTAGE_AFTER_S), OUTAGE_WORKERS (concurrent
// clients per server, default 8), OUTAGE_PG_VERSION (default 15), OUTAGE_KEEP=1 (keep the cluster).
// Exit code 1 when a check fails.

import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const OUTAGE_S = Number(process.env.OUTAGE_S ?? 7);
const BEFORE_S = Number(process.env.OUTAGE_LOAD_S ?? 5);
const AFTER_S = Number(process.env.OUTAGE_AFTER_S ?? 10);
const WORKERS = Number(process.env.OUTAGE_WORKERS ?? 8);
const PG_VERSION = process.env.OUTAGE_PG_VERSION ?? '15';
const MODE = process.env.OUTAGE_MODE === 'stall' ? 'stall' : 'stop';
const TIMEOUT_MS = Number(process.env.OUTAGE_TIMEOUT_MS ?? 2000);
const CLUSTER = `invitekit-outage-${process.pid}`;
const KEY = `sk_test_outage_${process.pid}`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sh = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

// ---- the private cluster ---------------------------------------------------------------------------------
const pgPort = await freePort();
const pgctl = (action, ...extra) => sh('pg_ctlcluster', [PG_VERSION, CLUSTER, action, ...extra]);
let clusterMade = false;
function dropCluster() {
  if (!clusterMade || process.env.OUTAGE_KEEP === '1') return;
  try {
    sh('pg_dropcluster', [PG_VERSION, CLUSTER, '--stop']);
  } catch (err) {
    console.error(`could not drop cluster ${CLUSTER}: ${err.message}`);
  }
}

const servers = [];
async function cleanup() {
  for (const s of servers) s.child.kill('SIGTERM');
  await Promise.all(servers.map((s) => s.exited));
  dropCluster();
}
process.once('SIGINT', () => cleanup().then(() => process.exit(130)));

try {
  console.error(`==> private cluster ${PG_VERSION}/${CLUSTER} on port ${pgPort}`);
  sh('pg_createcluster', [PG_VERSION, CLUSTER, '-p', String(pgPort), '--', '--auth=trust']);
  clusterMade = true;
  pgctl('start');
  const url = `postgres://postgres@${HOST}:${pgPort}/postgres`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('CREATE DATABASE invitekit');
  await admin.end();
  const dbUrl = `postgres://postgres@${HOST}:${pgPort}/invitekit`;

  // ---- two server processes -----------------------------------------------------------------------------
  for (const name of ['a', 'b']) {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--conditions=invitekit-source', '--import', 'tsx', 'apps/server/src/main.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          PORT: String(port),
          HOST,
          DATABASE_URL: dbUrl,
          INVITEKIT_SECRET_KEY: KEY,
          LOG_LEVEL: 'info',
          NODE_ENV: 'production',
          ...(MODE === 'stall'
            ? {
                DATABASE_CONNECT_TIMEOUT_MS: String(TIMEOUT_MS),
                DATABASE_STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS),
              }
            : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines = [];
    createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
    createInterface({ input: child.stderr }).on('line', (l) => lines.push(l));
    const exited = new Promise((r) => child.once('exit', r));
    servers.push({ name, url: `http://${HOST}:${port}`, child, lines, exited });
  }
  for (const s of servers) {
    for (let i = 0; ; i++) {
      if (s.child.exitCode !== null) throw new Error(`server ${s.name} exited:\n${s.lines.join('\n')}`);
      const ok = await fetch(`${s.url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 300) throw new Error(`server ${s.name} not ready`);
      await sleep(200);
    }
  }
  const api = async (server, method, path, body) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: await res.json().catch(() => undefined) };
  };
  const org = await api(servers[0], 'POST', '/v1/organizations', { name: 'Outage bench' });
  if (org.status !== 200) throw new Error(`creating the organization: ${org.status}`);
  const orgId = org.body.id;

  // ---- load -----------------------------------------------------------------------------------------------
  const results = []; // { server, t, status, id?, clean503?, error? }
  const acknowledged = [];
  let running = true;
  let counter = 0;
  const started = Date.now();
  const worker = async (server) => {
    while (running) {
      const email = `outage-${process.pid}-${counter++}@bench.example.com`;
      const t = Date.now() - started;
      try {
        const res = await api(server, 'POST', `/v1/organizations/${orgId}/invitations`, {
          email_address: email,
          role: 'org:member',
          notify: false,
        });
        const r = { server: server.name, t, done: Date.now() - started, status: res.status };
        if (res.status === 200) acknowledged.push(res.body.id);
        if (res.status === 503) {
          r.clean503 =
            res.headers.get('retry-after') === '1' && res.body?.errors?.[0]?.code === 'service_unavailable';
        } else if (res.status !== 200) {
          r.body = JSON.stringify(res.body).slice(0, 300);
        }
        results.push(r);
        // A client that honours Retry-After would wait; this one retries after 50 ms to see recovery early.
        if (res.status === 503) await sleep(50);
      } catch (err) {
        results.push({
          server: server.name,
          t,
          done: Date.now() - started,
          status: 0,
          error: String(err.cause ?? err),
        });
        await sleep(50);
      }
    }
  };
  const load = servers.flatMap((s) => Array.from({ length: WORKERS }, () => worker(s)));

  // The cluster's processes, by pid: the postmaster (first line of postmaster.pid) and its children.
  const clusterPids = () => {
    const dataDir = sh('pg_conftool', [PG_VERSION, CLUSTER, 'show', '-s', 'data_directory']).trim();
    const postmaster = sh('head', ['-1', join(dataDir, 'postmaster.pid')]).trim();
    const children = sh('ps', ['-o', 'pid=', '--ppid', postmaster]).split(/\s+/).filter(Boolean);
    return [postmaster, ...children].map(Number);
  };
  await sleep(BEFORE_S * 1000);
  const frozen = MODE === 'stall' ? clusterPids() : [];
  const downAt = Date.now() - started;
  if (MODE === 'stall') {
    console.error(`==> freezing PostgreSQL (SIGSTOP; t=${downAt} ms)`);
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
  } else {
    console.error(`==> stopping PostgreSQL (t=${downAt} ms)`);
    pgctl('stop', '-m', 'fast');
  }
  const stoppedAt = Date.now() - started;
  await sleep(OUTAGE_S * 1000);
  if (MODE === 'stall') {
    console.error('==> thawing PostgreSQL (SIGCONT)');
    for (const pid of frozen) process.kill(pid, 'SIGCONT');
  } else {
    console.error('==> starting PostgreSQL');
    pgctl('start');
  }
  const backAt = Date.now() - started; // pg_ctlcluster start waits until the server accepts connections
  console.error(`==> PostgreSQL back (t=${backAt} ms); load goes on for ${AFTER_S} s`);
  await sleep(AFTER_S * 1000);
  running = false;
  await Promise.all(load);

  // ---- checks ---------------------------------------------------------------------------------------------
  const check = new pg.Client({ connectionString: dbUrl });
  await check.connect();
  const { rows } = await check.query(
    'SELECT count(*)::int AS n FROM organization_invitations WHERE id = ANY($1::text[])',
    [acknowledged],
  );
  await check.end();
  const lost = acknowledged.length - rows[0].n;

  // Requests sent after the stop began and answered before the database was back.
  const during = results.filter((r) => r.t >= downAt && r.done <= backAt);
  // Stall: how long any request took (sent during the freeze, or in flight when it began).
  const latencies = results.filter((r) => r.done >= downAt && r.t <= backAt).map((r) => r.done - r.t);
  const slowest = latencies.length ? Math.max(...latencies) : 0;
  const byStatus = (list) =>
    list.reduce((acc, r) => {
      acc[r.status] = (acc[r.status] ?? 0) + 1;
      return acc;
    }, {});
  const unclean = during.filter((r) => r.status !== 503 || !r.clean503);
  const recovery = Object.fromEntries(
    servers.map((s) => {
      const first = results
        .filter((r) => r.server === s.name && r.status === 200 && r.t >= backAt)
        .sort((x, y) => x.done - y.done)[0];
      return [s.name, first ? first.done - backAt : null];
    }),
  );
  const logs = Object.fromEntries(
    servers.map((s) => {
      const parsed = s.lines.map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return { level: 60, msg: l };
        }
      });
      return [
        s.name,
        {
          total_lines: parsed.length,
          outage_start: parsed.filter((l) => l.msg?.startsWith('database unavailable')).length,
          outage_end: parsed.filter((l) => l.msg === 'database available again').length,
          other_error_lines: parsed.filter((l) => l.level >= 50 && !l.msg?.startsWith('database unavailable'))
            .length,
          downtime_ms: parsed.find((l) => l.msg === 'database available again')?.downtime_ms ?? null,
        },
      ];
    }),
  );
  const summary = {
    command: `${MODE === 'stall' ? 'OUTAGE_MODE=stall ' : ''}node bench/outage.mjs (OUTAGE_S=${OUTAGE_S}, ${WORKERS} clients per server, 2 servers)`,
    ...(MODE === 'stall'
      ? {
          timeouts_ms: { connect: TIMEOUT_MS, statement: TIMEOUT_MS },
          slowest_answer_during_stall_ms: slowest,
        }
      : {}),
    timeline_ms: { stop_sent: downAt, stopped: stoppedAt, back: backAt, end: Date.now() - started },
    requests: results.length,
    acknowledged_creates: acknowledged.length,
    acknowledged_creates_lost: lost,
    statuses_overall: byStatus(results),
    during_outage: { answered: during.length, statuses: byStatus(during), not_clean_503: unclean.length },
    dropped_connections: results.filter((r) => r.status === 0).length,
    other_statuses: results.filter((r) => ![200, 503].includes(r.status)).slice(0, 5),
    recovery_ms_after_database_back: recovery,
    logs,
  };
  const pass =
    lost === 0 &&
    unclean.length === 0 &&
    summary.dropped_connections === 0 &&
    summary.other_statuses.length === 0 &&
    Object.values(recovery).every((ms) => ms !== null && ms < 5000) &&
    Object.values(logs).every(
      (l) => l.outage_start === 1 && l.outage_end === 1 && l.other_error_lines === 0,
    ) &&
    (MODE !== 'stall' || slowest < TIMEOUT_MS + 1000);
  summary.pass = pass;
  console.log(JSON.stringify(summary, null, 2));
  await cleanup();
  process.exit(pass ? 0 : 1);
} catch (err) {
  console.error(err);
  for (const s of servers) console.error(`--- server ${s.name} log tail:\n${s.lines.slice(-20).join('\n')}`);
  await cleanup();
  process.exit(1);
}
