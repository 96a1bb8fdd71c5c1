// Seeding and sanity checks for bench/run.sh, through the server's own Backend API (no SQL shortcuts, so
// seeding exercises the same code paths the server ships with).
//
//   node seed.mjs admin                       -> {"user":"user_…","org":"org_…"}  an admin and their org
//   node seed.mjs org <user>                  -> {"org":"org_…"}                  another org, same admin
//   node seed.mjs invitations <org> <user> N  -> {"created":N,"seconds":…}        N invitations, bulk API
//   node seed.mjs check-list <org> N          -> {"total_count":N,"page":10,…}    first page is what we expect
//   node seed.mjs count <org>                 -> {"total_count":…}
//   node seed.mjs check-create <org> <wrk output prefix> <max in flight>
//                                             -> rows in the org vs. 2xx answers wrk counted
//
// Environment: BENCH_URL (e.g. http://127.0.0.1:4700), BENCH_KEY (secret key), BENCH_RUN_ID.

import { existsSync, readFileSync } from 'node:fs';

const base = process.env.BENCH_URL;
const key = process.env.BENCH_KEY;
const runId = process.env.BENCH_RUN_ID ?? String(Date.now());
if (!base || !key) throw new Error('BENCH_URL and BENCH_KEY are required');

async function api(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> HTTP ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

async function createOrg(userId, name) {
  const org = await api('POST', '/v1/organizations', { name, created_by: userId });
  return org.id;
}

/** N invitations in bulk requests of 10, with a few requests in flight (the server has a pool of 16). */
async function seedInvitations(orgId, userId, total, concurrency = 8) {
  const batches = Math.ceil(total / 10);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < batches) {
      const b = next++;
      const items = [];
      for (let i = b * 10; i < Math.min(total, b * 10 + 10); i++) {
        items.push({
          email_address: `seed-${runId}-${i}@bench.example.com`,
          role: 'org:member',
          inviter_user_id: userId,
          // Setup, not the workload: 10,000 emails delivered in the background would load the machine
          // during the list measurement that follows.
          notify: false,
        });
      }
      await api('POST', `/v1/organizations/${orgId}/invitations/bulk`, items);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { created: total, requests: batches, seconds: (performance.now() - started) / 1000 };
}

const [command, ...args] = process.argv.slice(2);
let out;
switch (command) {
  case 'admin': {
    const user = await api('POST', '/v1/users', {
      email_address: [`admin-${runId}@bench.example.com`],
      first_name: 'Bench',
      last_name: 'Admin',
    });
    out = { user: user.id, org: await createOrg(user.id, `Bench create ${runId}`) };
    break;
  }
  case 'org':
    out = { org: await createOrg(args[0], `Bench ${runId} ${Math.random().toString(36).slice(2, 8)}`) };
    break;
  case 'invitations':
    out = await seedInvitations(args[0], args[1], Number(args[2]));
    break;
  case 'check-list': {
    // The list workload only means something if the org really holds N rows and a page has 10.
    const expected = Number(args[1]);
    const page = await api('GET', `/v1/organizations/${args[0]}/invitations?limit=10`);
    out = { total_count: page.total_count, page: page.data.length };
    if (page.total_count !== expected || page.data.length !== 10) {
      throw new Error(
        `list check failed: expected total_count=${expected} and 10 rows, got ${JSON.stringify(out)}`,
      );
    }
    break;
  }
  case 'count': {
    const page = await api('GET', `/v1/organizations/${args[0]}/invitations?limit=1`);
    out = { total_count: page.total_count };
    break;
  }
  case 'check-create': {
    // Every 2xx answer must be a stored row. Rows may exceed answers by the requests still in flight when
    // wrk closed its connections (the server finishes them), at most one per connection.
    const [org, prefix, maxInFlight] = args;
    const ok2xx = (file) => {
      if (!existsSync(file)) return 0; // no warm-up
      const line = readFileSync(file, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('BENCH_RESULT'));
      const get = (k) => Number(line.match(new RegExp(` ${k}=(\\d+)`))[1]);
      return get('requests') - get('non2xx');
    };
    const answered = ok2xx(`${prefix}.warmup`) + ok2xx(`${prefix}.wrk`);
    const page = await api('GET', `/v1/organizations/${org}/invitations?limit=1`);
    out = {
      total_count: page.total_count,
      wrk_2xx: answered,
      unaccounted: page.total_count - answered,
      max_in_flight: Number(maxInFlight),
    };
    break;
  }
  default:
    throw new Error(`unknown command ${command}`);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
