import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { configFromEnv } from '../src/config.js';
import { SECRET_KEY, seedOrganization, startTestServer, type TestServer } from './harness.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const csvOf = (n: number, prefix = 'u') =>
  `email_address,role\n${Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}@example.com,org:member`).join('\n')}\n`;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Imports through the standalone server (Express adapter): CSV bodies arrive as text, large bodies pass.
describe.each(testDatabases())('imports over HTTP on $name', (kind) => {
  let api: TestServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    api = await startTestServer(db.config, {
      limits: { maxPendingPerOrganization: 0, maxPerInviterPerHour: 0 },
      imports: { emailsPerSecond: 0, pollIntervalMs: 50 },
    });
  });
  afterAll(async () => {
    await api?.stop();
    await drop?.();
  });

  it('takes a text/csv body larger than the JSON limit, answers 202, and reports progress', async () => {
    const { orgId, adminId } = await seedOrganization(api);
    const csv = csvOf(4_000);
    expect(Buffer.byteLength(csv)).toBeGreaterThan(100 * 1024);
    const res = await fetch(
      `${api.url}/v1/organizations/${orgId}/invitations/import?inviter_user_id=${adminId}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'text/csv; charset=utf-8' },
        body: `\uFEFF${csv}`,
      },
    );
    expect(res.status).toBe(202);
    const started = (await res.json()) as { id: string; total_rows: number; object: string };
    expect(started).toMatchObject({ object: 'invitation_import', total_rows: 4_000 });
    const done = await waitFor('the import', async () => {
      const r = await api.call(
        'GetOrganizationInvitationImport',
        'GET',
        `/v1/organizations/${orgId}/invitations/imports/${started.id}?limit=2&offset=3998`,
      );
      return r.body.status === 'completed' ? r.body : undefined;
    });
    expect(done).toMatchObject({
      processed_rows: 4_000,
      counts: { created: 4_000 },
      rows: {
        total_count: 4_000,
        data: [{ row: 3_999 }, { row: 4_000, email_address: 'u03999@example.com' }],
      },
    });
  });

  it('takes a large JSON array there too, but other routes keep the 100 kb limit', async () => {
    const { orgId } = await seedOrganization(api, 'json');
    const rows = Array.from({ length: 3_000 }, (_, i) => ({
      email_address: `j${i}@example.com`,
      role: 'org:member',
    }));
    const res = await api.call(
      'CreateOrganizationInvitationImport',
      'POST',
      `/v1/organizations/${orgId}/invitations/import`,
      rows,
    );
    expect(res.status).toBe(202);
    const big = await fetch(`${api.url}/v1/organizations/${orgId}/invitations/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(rows),
    });
    expect(big.status).toBe(413);
  });

  it('reads the import settings from the environment, refusing bad values', () => {
    const c = configFromEnv({ INVITEKIT_IMPORT_EMAILS_PER_SECOND: '5', INVITEKIT_IMPORT_BATCH_SIZE: '100' });
    expect(c.invitekit.imports).toEqual({ emailsPerSecond: 5, batchSize: 100 });
    expect(configFromEnv({}).invitekit.imports).toBeUndefined();
    expect(() => configFromEnv({ INVITEKIT_IMPORT_EMAILS_PER_SECOND: 'fast' })).toThrow(
      /INVITEKIT_IMPORT_EMAILS_PER_SECOND/,
    );
    expect(() => configFromEnv({ INVITEKIT_IMPORT_BATCH_SIZE: '0' })).toThrow(/INVITEKIT_IMPORT_BATCH_SIZE/);
  });
});

/** The real server process on a PostgreSQL database, its worker polling often. */
async function spawnServer(databaseUrl: string) {
  const child = spawn(process.execPath, ['--conditions=invitekit-source', '--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      INVITEKIT_SECRET_KEY: SECRET_KEY,
      INVITEKIT_IMPORT_BATCH_SIZE: '50',
      INVITEKIT_IMPORT_EMAILS_PER_SECOND: '0',
      INVITEKIT_IMPORT_POLL_INTERVAL_MS: '50',
      INVITEKIT_DELIVERY_POLL_INTERVAL_MS: '50',
      INVITEKIT_LIMIT_PENDING_PER_ORGANIZATION: '0',
      INVITEKIT_LIMIT_INVITATIONS_PER_INVITER_PER_HOUR: '0',
    },
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await waitFor(
    'the server to listen',
    async () => /"url":"(http:[^"]+)"/.exec(out)?.[1],
    90_000,
  );
  return { child, url, exited, kill: () => child.kill('SIGKILL') };
}

const postgres = testDatabases().find((k) => k.name === 'postgres');

// Two real server processes share one PostgreSQL; one is killed in the middle of a batch. Every row must
// still be done exactly once: one invitation and one email per created row, none twice.
describe.skipIf(!postgres)('an import worker killed mid-batch, on PostgreSQL', () => {
  it('leaves its batch to the other process, and every row is done once', async () => {
    const db = await postgres!.create();
    const url = (db.config as { url: string }).url;
    const a = await spawnServer(url);
    const b = await spawnServer(url);
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      const call = async (
        base: string,
        method: string,
        path: string,
        body?: unknown,
        type = 'application/json',
      ) => {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${SECRET_KEY}`, ...(body ? { 'content-type': type } : {}) },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as any };
      };
      // A membership quota makes each batch lock the organization's row (FOR UPDATE) before counting.
      const org = await call(a.url, 'POST', '/v1/organizations', {
        name: 'Crash',
        max_allowed_memberships: 100_000,
      });
      expect(org.status).toBe(200);
      const orgId = org.body.id as string;
      // Hold the organization's row (NO KEY UPDATE: the upload's foreign-key checks still pass), so the
      // workers' batches stop inside their transactions, their rows claimed.
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM organizations WHERE id = $1 FOR NO KEY UPDATE', [orgId]);
      const started = await call(
        a.url,
        'POST',
        `/v1/organizations/${orgId}/invitations/import`,
        csvOf(400),
        'text/csv',
      );
      expect(started.status).toBe(202);
      // Both processes' workers have each claimed a batch and wait, mid-transaction: one on the
      // organization's row, the other on the import's (batches of one import go one after another).
      await waitFor('two workers mid-batch', async () => {
        const { rows } = await locker.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return rows[0].n >= 2 ? true : undefined;
      });
      a.kill();
      await a.exited;
      await locker.query('COMMIT');

      const done = await waitFor('the import to complete', async () => {
        const r = await call(
          b.url,
          'GET',
          `/v1/organizations/${orgId}/invitations/imports/${started.body.id}`,
        );
        return r.body.status === 'completed' ? r.body : undefined;
      });
      expect(done).toMatchObject({ processed_rows: 400, counts: { created: 400 } });
      const q = async (text: string) => (await locker.query(text, [orgId])).rows[0];
      expect(
        await q(`SELECT count(*)::int AS n, count(DISTINCT email_address)::int AS emails
                 FROM organization_invitations WHERE organization_id = $1`),
      ).toEqual({ n: 400, emails: 400 });
      expect(
        await q(`SELECT count(*)::int AS n, count(DISTINCT invitation_id)::int AS ids,
                   count(*) FILTER (WHERE status = 'done')::int AS done
                 FROM invitation_import_rows WHERE organization_id = $1`),
      ).toEqual({ n: 400, ids: 400, done: 400 });
      // One email per invitation, none twice; every one sent once, by the process still alive.
      const emails = await waitFor('the emails', async () => {
        const row = await q(`SELECT count(*)::int AS n, count(DISTINCT o.target)::int AS targets,
                   count(*) FILTER (WHERE o.status = 'delivered' AND o.attempts = 1)::int AS delivered_once
                 FROM outbox o JOIN invitation_events e ON e.id = o.event_id
                 WHERE o.kind = 'email' AND e.organization_id = $1`);
        return row.delivered_once === 400 ? row : undefined;
      });
      expect(emails).toEqual({ n: 400, targets: 400, delivered_once: 400 });
    } finally {
      await locker.end().catch(() => {});
      a.kill();
      b.kill();
      await Promise.all([a.exited, b.exited]);
      await db.drop();
    }
  }, 180_000); // a limit for a busy machine (two processes under tsx), not a measurement
});
