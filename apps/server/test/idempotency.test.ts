import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { type SmtpServer, startSmtpServer, waitFor } from '../../../test/support/smtp.js';
import { configFromEnv } from '../src/config.js';
import { SECRET_KEY, seedOrganization, startTestServer } from './harness.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));

describe('Idempotency-Key settings from the environment', () => {
  const base = { INVITEKIT_SECRET_KEY: 'sk_env', PORT: '0' };

  it('leaves them to core when unset, and reads both', () => {
    expect(configFromEnv(base).invitekit.idempotency).toEqual({});
    const config = configFromEnv({
      ...base,
      INVITEKIT_IDEMPOTENCY_KEY_TTL_MS: '3600000',
      INVITEKIT_IDEMPOTENCY_LOCK_MS: '5000',
    });
    expect(config.invitekit.idempotency).toEqual({ keyTtlMs: 3_600_000, lockMs: 5000 });
  });

  it('refuses a malformed or out-of-range value, naming the variable', () => {
    for (const value of ['0', '-1', '1.5', 'a day', '999']) {
      expect(() => configFromEnv({ ...base, INVITEKIT_IDEMPOTENCY_KEY_TTL_MS: value })).toThrow(
        /INVITEKIT_IDEMPOTENCY_KEY_TTL_MS must be an integer/,
      );
    }
  });
});

/** A real server process (`src/main.ts`) with the given environment; resolves once it listens. */
async function spawnServer(env: Record<string, string>) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=invitekit-source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: serverDir,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', INVITEKIT_SECRET_KEY: SECRET_KEY, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start: ${out}`)), 90_000);
    child.stdout!.on('data', () => {
      const m = /"url":"(http:[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  }).catch((err) => {
    child.kill('SIGKILL');
    throw err;
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return { url, stop };
}

const post = async (url: string, path: string, body: unknown, key: string) => {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${SECRET_KEY}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, replayed: res.headers.get('idempotent-replayed'), text: await res.text() };
};

const postgres = testDatabases().find((k) => k.name === 'postgres');
// Two processes share a database only on PostgreSQL; PGlite is one process's (see the restart below).
describe.skipIf(!postgres)('Idempotency-Key across two server processes on one PostgreSQL', () => {
  let smtp: SmtpServer;
  let drop: () => Promise<void>;
  const servers: { url: string; stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    smtp = await startSmtpServer();
    const db = await postgres!.create();
    drop = db.drop;
    const env = {
      DATABASE_URL: db.config.url!,
      SMTP_URL: smtp.url,
      INVITEKIT_DELIVERY_POLL_INTERVAL_MS: '50',
    };
    // One after the other: both apply migrations under one advisory lock anyway, and the machine is small.
    servers.push(await spawnServer(env));
    servers.push(await spawnServer(env));
  }, 200_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await smtp?.close();
    await drop?.();
  });

  it('a retry on the other process replays the answer, and the email goes once', async () => {
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const user = JSON.parse(
      (await post(a.url, '/v1/users', { email_address: ['ada@example.com'] }, 'u1')).text,
    );
    const org = JSON.parse(
      (await post(a.url, '/v1/organizations', { name: 'Acme', created_by: user.id }, 'o1')).text,
    );
    const path = `/v1/organizations/${org.id}/invitations`;
    const body = { email_address: 'bob@example.com', role: 'org:member', inviter_user_id: user.id };

    const first = await post(a.url, path, body, 'inv-1');
    expect(first.status).toBe(200);
    const retry = await post(b.url, path, body, 'inv-1');
    // The first answer, but for its accept link, which went out once (a replay's url is null).
    expect(retry).toMatchObject({ status: 200, replayed: 'true' });
    expect(JSON.parse(retry.text)).toEqual({ ...JSON.parse(first.text), url: null });
    const other = await post(b.url, path, { ...body, role: 'org:admin' }, 'inv-1');
    expect(other.status).toBe(422);
    expect(JSON.parse(other.text).errors[0].code).toBe('idempotency_key_mismatch');

    // Concurrent retries of a new request on both processes: one runs, the rest replay it or answer 409.
    const racing = { ...body, email_address: 'race@example.com' };
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => post((i % 2 ? a : b).url, path, racing, 'inv-race')),
    );
    const ran = results.filter((r) => r.status === 200 && r.replayed === null);
    expect(ran).toHaveLength(1);
    for (const r of results) {
      if (r === ran[0]) continue;
      if (r.status === 200) expect(JSON.parse(r.text)).toEqual({ ...JSON.parse(ran[0]!.text), url: null });
      else expect([r.status, JSON.parse(r.text).errors[0].code]).toEqual([409, 'idempotency_key_in_use']);
    }

    const list = await fetch(`${a.url}${path}?limit=100`, {
      headers: { authorization: `Bearer ${SECRET_KEY}` },
    });
    const page = (await list.json()) as { total_count: number };
    expect(page.total_count).toBe(2);
    await waitFor('both emails', () => smtp.count() === 2);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.received.map((m) => m.to).sort()).toEqual([['bob@example.com'], ['race@example.com']]);
  });
});

describe('Idempotency-Key across a restart on the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'invitekit-idem-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('replays an answer given before the restart', async () => {
    let api = await startTestServer({ dataDir });
    const { orgId } = await seedOrganization(api, 'restart');
    const path = `/v1/organizations/${orgId}/invitations`;
    const body = { email_address: 'carol@example.com', role: 'org:member' };
    const key = { 'idempotency-key': 'restart-1' };
    const first = await api.call('CreateOrganizationInvitation', 'POST', path, body, key);
    expect(first.status).toBe(200);
    await api.stop();

    api = await startTestServer({ dataDir });
    try {
      const retry = await api.call('CreateOrganizationInvitation', 'POST', path, body, key);
      expect(retry).toEqual({ ...first, body: { ...first.body, url: null } });
      const list = await api.call('ListOrganizationInvitations', 'GET', `${path}?limit=10`);
      expect(list.body.total_count).toBe(1);
    } finally {
      await api.stop();
    }
  }, 120_000);
});
