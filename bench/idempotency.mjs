#!/usr/bin/env node
// Idempotency-key benchmark: what an `Idempotency-Key` costs a create (its claim and the stored answer:
// two more single-row statements), as a ratio to the same creates without a key, measured in the same run.
//
//   node --conditions=invitekit-source --import tsx bench/idempotency.mjs
//
// For each database (PostgreSQL in a fresh database `invitekit_bench_idempotency`, then in-memory PGlite) it
// opens core in this process, seeds one organization, and drives N Backend API creates through `handle`
// (C in flight, `notify: false`, each to a new address): once without a key, once with a fresh key each,
// then N replays of those keys. Reports creates/s, p50, p99 and keyed/unkeyed.
//
// Environment: BENCH_IDEMPOTENCY_N (default 1000), BENCH_CONNECTIONS (default 16), BENCH_PG_URL (default
// postgres://postgres@127.0.0.1:5432/postgres).

import { loadavg } from 'node:os';
import { createInvitekit } from '@invitekit/core';
import pg from 'pg';

const N = Number(process.env.BENCH_IDEMPOTENCY_N ?? 1000);
const C = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'invitekit_bench_idempotency';
const KEY = 'sk_bench_idempotency';

async function admin(sql) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs `n` calls of `call(i)`, `C` at a time; returns rate and latency percentiles. */
async function drive(n, call) {
  const latencies = [];
  let next = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        const res = await call(i);
        if (res.status !== 200) throw new Error(`call ${i}: ${res.status} ${JSON.stringify(res.body)}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { perSecond: Math.round(n / seconds), p50: at(0.5).toFixed(1), p99: at(0.99).toFixed(1) };
}

async function measure(name, database) {
  // Limits off: creates take the batched single-statement path, the fastest there is to compare with.
  const ik = await createInvitekit({
    database,
    secretKeys: [KEY],
    limits: { maxPendingPerOrganization: 0, maxPerInviterPerHour: 0 },
  });
  try {
    const org = await ik.services.organizations.create({ name: 'Bench' });
    const create = (label, i, key) =>
      ik.handle({
        method: 'POST',
        path: `/v1/organizations/${org.id}/invitations`,
        query: {},
        headers: { authorization: `Bearer ${KEY}`, ...(key ? { 'idempotency-key': key } : {}) },
        body: { email_address: `${label}-${i}@example.com`, role: 'org:member', notify: false },
      });
    // Warm-up: statements prepared, pools filled.
    await drive(100, (i) => create('warm', i, `warm-${i}`));
    const plain = await drive(N, (i) => create('plain', i));
    const keyed = await drive(N, (i) => create('keyed', i, `key-${i}`));
    const replay = await drive(N, (i) => create('keyed', i, `key-${i}`));
    return { name, plain, keyed, replay, ratio: (keyed.perSecond / plain.perSecond).toFixed(2) };
  } finally {
    await ik.close();
  }
}

const results = [];
await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
await admin(`CREATE DATABASE ${DB}`);
const url = new URL(PG_URL);
url.pathname = `/${DB}`;
try {
  results.push(await measure('postgres', { url: url.toString() }));
} finally {
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
}
results.push(await measure('pglite', { dataDir: 'memory://' }));

console.log(
  `N=${N}, ${C} in flight, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(
  '| database | no key: /s, p50, p99 | fresh key: /s, p50, p99 | replay: /s, p50, p99 | key / no key |',
);
console.log('| --- | --- | --- | --- | --- |');
const cell = (r) => `${r.perSecond}, ${r.p50} ms, ${r.p99} ms`;
for (const r of results) {
  console.log(`| ${r.name} | ${cell(r.plain)} | ${cell(r.keyed)} | ${cell(r.replay)} | ${r.ratio} |`);
}
