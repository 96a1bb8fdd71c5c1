#!/usr/bin/env node
// Limits benchmark: what the invitation limits cost a create, on PostgreSQL, as a ratio to the same
// creates with the limits off, measured in the same run.
//
//   npx -y pnpm@10 run build && node bench/limits.mjs
//
// For each setting (limits off; limits on, raised so that nothing is refused) it recreates the database
// `invitekit_bench_limits`, starts the built server (apps/server/dist/main.js), seeds one admin who
// administers 32 organizations, and drives N Backend API creates with `inviter_user_id` (C connections,
// notify false): once all in one organization (every limited create waits for that organization's row
// lock), once spread over the 32 organizations. Reports creates/s, p50, p99, and limited/unlimited.
//
// Environment: BENCH_LIMITS_N (default 2000), BENCH_CONNECTIONS (default 32), BENCH_PG_URL (default
// postgres://postgres@127.0.0.1:5432/postgres), BENCH_PORT (default 4711). Results also go to
// bench/results/limits-latest.json.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const SERVER_DIR = join(BENCH_DIR, '..', 'apps', 'server');
const N = Number(process.env.BENCH_LIMITS_N ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PORT = Number(process.env.BENCH_PORT ?? 4711);
const DB = 'invitekit_bench_limits';
const KEY = `sk_bench_${randomBytes(12).toString('hex')}`;
const BASE = `http://127.0.0.1:${PORT}`;
const ORGS = 32;

const log = (...args) => console.error('==>', ...args);

async function admin(sql) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function startServer(limitsEnv) {
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB}`);
  const url = new URL(PG_URL);
  url.pathname = `/${DB}`;
  const server = spawn(process.execPath, ['dist/main.js'], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      DATABASE_URL: url.toString(),
      INVITEKIT_SECRET_KEY: KEY,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...limitsEnv,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    if (server.exitCode !== null) throw new Error('server exited; is it built (pnpm run build)?');
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return server;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server not ready after 60 s');
}

async function stopServer(server) {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
}

async function api(method, path, body) {
  const res = await fetch(BASE + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** N creates by one inviter, request i into organization `orgOf(i)`, C connections. */
function creates(label, inviterId, orgOf) {
  let i = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: BASE,
        connections: CONNECTIONS,
        amount: N,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              const n = i++;
              return {
                ...request,
                path: `/v1/organizations/${orgOf(n)}/invitations`,
                body: JSON.stringify({
                  email_address: `${label}-${n}@bench.example.com`,
                  role: 'org:member',
                  inviter_user_id: inviterId,
                  notify: false,
                }),
                headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
              };
            },
          },
        ],
      },
      (err, result) =>
        err
          ? reject(err)
          : resolve({
              per_second: Math.round(result.requests.total / result.duration),
              p50_ms: result.latency.p50,
              p99_ms: result.latency.p99,
              status_2xx: result['2xx'],
              non_2xx: result.non2xx,
            }),
    );
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false });
  });
}

async function measure(setting, limitsEnv) {
  const server = await startServer(limitsEnv);
  try {
    const user = await api('POST', '/v1/users', { email_address: [`admin-${setting}@bench.example.com`] });
    const orgs = [];
    for (let k = 0; k < ORGS; k++) {
      orgs.push((await api('POST', '/v1/organizations', { name: `Org ${k}`, created_by: user.id })).id);
    }
    log(`${setting}: ${N} creates in one organization, ${CONNECTIONS} connections`);
    const one = await creates(`one-${setting}`, user.id, () => orgs[0]);
    log(`${setting}: ${N} creates over ${ORGS} organizations`);
    const spread = await creates(`spread-${setting}`, user.id, (n) => orgs[n % ORGS]);
    return { one_organization: one, spread_over_32: spread };
  } finally {
    await stopServer(server);
  }
}

const off = {
  INVITEKIT_LIMIT_PENDING_PER_ORGANIZATION: '0',
  INVITEKIT_LIMIT_INVITATIONS_PER_INVITER_PER_HOUR: '0',
};
// On, and high enough that every create is checked and none is refused.
const on = {
  INVITEKIT_LIMIT_PENDING_PER_ORGANIZATION: String(2 * N),
  INVITEKIT_LIMIT_INVITATIONS_PER_INVITER_PER_HOUR: String(2 * N),
};
try {
  const unlimited = await measure('off', off);
  const limited = await measure('on', on);
  const ratio = (a, b) => Number((a.per_second / b.per_second).toFixed(3));
  const summary = {
    creates: N,
    connections: CONNECTIONS,
    limits_off: unlimited,
    limits_on: limited,
    limited_vs_unlimited: {
      one_organization: ratio(limited.one_organization, unlimited.one_organization),
      spread_over_32: ratio(limited.spread_over_32, unlimited.spread_over_32),
    },
    load_average: loadavg().map((l) => Number(l.toFixed(2))),
  };
  mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
  writeFileSync(join(BENCH_DIR, 'results', 'limits-latest.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(JSON.stringify(summary, null, 2));
  const all = [unlimited, limited].flatMap((r) => [r.one_organization, r.spread_over_32]);
  if (all.some((r) => r.status_2xx !== N || r.non_2xx !== 0)) {
    console.error('bench: not every create succeeded (see non_2xx)');
    process.exitCode = 1;
  }
} finally {
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
}
