import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFuzz, sampleRequests, seedFuzzData } from '../../../bench/lib/openapi-fuzz.mjs';
import { testDatabases } from '../../../test/support/databases.js';
import { JWT_SECRET, SECRET_KEY, startTestServer, type TestServer } from './harness.js';

// The seeded fuzz test: requests derived from the server's own OpenAPI document, mutated (see
// bench/lib/openapi-fuzz.mjs), against the real standalone server over HTTP. Every answer must be a
// 4xx or 2xx with a JSON body (errors as ClerkErrors), no connection may drop, and the server must be
// healthy at the end. FUZZ_SEED reproduces a run (FUZZ_SEED=random for a new one); FUZZ_RUNS sets the count.

const seed =
  process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20261130);
const runs = Number(process.env.FUZZ_RUNS ?? 2000);

describe.each(testDatabases())('OpenAPI fuzz on $name', (kind) => {
  let api: TestServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    api = await startTestServer(db.config);
  });
  afterAll(async () => {
    await api?.stop();
    await drop?.();
  });

  it(`answers ${runs} fuzzed requests with no 5xx, no non-JSON error and no dropped connection`, async () => {
    const doc = await (await fetch(`${api.url}/v1/openapi.json`)).json();
    const ctx = await seedFuzzData(api.url, SECRET_KEY, JWT_SECRET);
    const requests = sampleRequests(doc, ctx, seed, runs);
    console.log(
      `OpenAPI fuzz on ${kind.name}: seed ${seed} (FUZZ_SEED=${seed} reproduces), ${runs} requests`,
    );
    const figures = await runFuzz(api.url, requests, { concurrency: 4 });
    console.log(
      `OpenAPI fuzz on ${kind.name}: ${JSON.stringify({ ...figures, problems: figures.problems.length })}`,
    );
    const shown = figures.problems.slice(0, 20).map((p) => `#${p.index} ${p.request}\n    → ${p.problem}`);
    expect(shown, `seed ${seed}`).toEqual([]);
    expect(figures.requests).toBe(runs);
    // Most requests reach validation or the services, not only the auth check.
    expect(figures.statuses['2xx'] ?? 0).toBeGreaterThan(runs / 20);
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);
  }, 600_000);
});
