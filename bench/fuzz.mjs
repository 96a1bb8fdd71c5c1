// The OpenAPI fuzz run: at least 10,000 seeded, mutated requests (lib/openapi-fuzz.mjs) against the
// standalone server on PostgreSQL, then the figures: 5xx, non-JSON error bodies, dropped connections,
// error-level log lines, and whether the server is healthy at the end.
//
//   node bench/fuzz.mjs
//
// Environment:
//   PGURL             PostgreSQL to create the database `invitekit_fuzz` in (default postgres://postgres@127.0.0.1:5432/postgres)
//   FUZZ_SEED         the seed (default 20261130; `random` for a new one); the same seed sends the same requests
//   FUZZ_RUNS         requests (default 10000)
//   FUZZ_CONCURRENCY  requests in flight (default 8)
//
// Exits 1 when any figure is not 0 or the server is not healthy at the end.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runFuzz, sampleRequests, seedFuzzData } from './lib/openapi-fuzz.mjs';

const SECRET_KEY = 'sk_fuzz';
const JWT_SECRET = 'fuzz-jwt-secret-0123456789abcdef';
const DB = 'invitekit_fuzz';
const pgUrl = process.env.PGURL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const seed =
  process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20261130);
const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
const concurrency = Number(process.env.FUZZ_CONCURRENCY ?? 8);
const serverDir = fileURLToPath(new URL('../apps/server/', import.meta.url));

async function recreateDatabase() {
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DB}`);
  } finally {
    await admin.end();
  }
  const url = new URL(pgUrl);
  url.pathname = `/${DB}`;
  return url.toString();
}

/** The standalone server from source (as `pnpm start` runs it), on a free port; resolves once it listens. */
async function startServer(databaseUrl) {
  const child = spawn(process.execPath, ['--conditions=invitekit-source', '--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      INVITEKIT_SECRET_KEY: SECRET_KEY,
      INVITEKIT_JWT_SECRET: JWT_SECRET,
      INVITEKIT_ACCEPT_URL: 'https://app.example.com/accept',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const errors = [];
  const exited = new Promise((done) => child.once('exit', done));
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.url && /listening/.test(entry.msg ?? '')) resolve(entry.url);
      if (entry.level >= 50) errors.push(entry);
    });
    void exited.then(() => reject(new Error('the server exited before it listened')));
  });
  return {
    url,
    errors,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const databaseUrl = await recreateDatabase();
const server = await startServer(databaseUrl);
let failed = true;
try {
  const doc = await (await fetch(`${server.url}/v1/openapi.json`)).json();
  const ctx = await seedFuzzData(server.url, SECRET_KEY, JWT_SECRET);
  const requests = sampleRequests(doc, ctx, seed, runs);
  console.log(
    `OpenAPI fuzz: seed ${seed} (FUZZ_SEED=${seed} reproduces), ${runs} requests, ${concurrency} in flight, PostgreSQL`,
  );
  const started = performance.now();
  const figures = await runFuzz(server.url, requests, {
    concurrency,
    onProblem: (p) => console.log(`  #${p.index} ${p.request}\n      -> ${p.problem}`),
  });
  const seconds = (performance.now() - started) / 1000;
  const health = await fetch(`${server.url}/healthz`).then(
    (r) => r.status,
    () => 0,
  );
  const summary = {
    seed,
    requests: figures.requests,
    seconds: Number(seconds.toFixed(1)),
    statuses: figures.statuses,
    '5xx': figures.fiveXX,
    non_json_error_bodies: figures.nonJson,
    dropped_connections: figures.dropped,
    error_log_lines: server.errors.length,
    healthz_at_end: health,
  };
  console.log(JSON.stringify(summary, null, 2));
  failed =
    figures.requests < runs ||
    figures.fiveXX + figures.nonJson + figures.dropped + server.errors.length > 0 ||
    health !== 200;
  console.log(failed ? 'FAIL' : 'PASS');
} finally {
  await server.stop();
}
process.exit(failed ? 1 : 0);
