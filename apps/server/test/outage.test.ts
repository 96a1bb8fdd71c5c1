import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { waitFor } from '../../../test/support/smtp.js';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.js';

// Two server processes on one PostgreSQL database, reached through a proxy that cuts every connection and
// refuses new ones for a while (a restart, without touching the shared cluster), under a create load.
// The bench (bench/outage.mjs) does the same with a real restart of a private cluster.
const postgres = testDatabases().find((d) => d.name === 'postgres');
const serverDir = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'sk_outage_proc';

interface Server {
  child: ChildProcess;
  url: string;
  lines: { level: number; msg: string }[];
  exited: Promise<unknown>;
}

async function spawnServer(databaseUrl: string): Promise<Server> {
  const child = spawn(process.execPath, ['--conditions=invitekit-source', '--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      INVITEKIT_SECRET_KEY: KEY,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Server['lines'] = [];
  let buffered = '';
  child.stdout!.on('data', (d) => {
    buffered += d;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p));
  });
  const exited = new Promise((r) => child.once('exit', r));
  const listening = await waitFor(
    'the server to listen',
    () => lines.find((l) => l.msg.startsWith('Invitekit listening on')) as { url?: string } | undefined,
    { timeoutMs: 90_000 },
  );
  return { child, url: listening.url!, lines, exited };
}

describe.skipIf(!postgres)('two server processes through a database outage', () => {
  let drop: () => Promise<void>;
  let databaseUrl: string;
  let proxy: TcpProxy;
  const servers: Server[] = [];

  beforeAll(async () => {
    const db = await postgres!.create();
    drop = db.drop;
    databaseUrl = db.config.url!;
    const url = new URL(db.config.url!);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    servers.push(
      ...(await Promise.all([
        spawnServer(proxy.url(db.config.url!)),
        spawnServer(proxy.url(db.config.url!)),
      ])),
    );
  }, 180_000);
  afterAll(async () => {
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
    await proxy?.close();
    await drop?.();
  });

  it('loses no acknowledged create, answers only clean 503s, recovers, and logs each edge once', async () => {
    const api = async (server: Server, method: string, path: string, body?: unknown) => {
      const res = await fetch(server.url + path, {
        method,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        body: (await res.json()) as any,
      };
    };
    const org = await api(servers[0]!, 'POST', '/v1/organizations', { name: 'Outage' });
    expect(org.status).toBe(200);
    const acknowledged: string[] = [];
    const answers: { phase: string; status: number; clean: boolean }[] = [];
    let phase = 'before';
    let running = true;
    let n = 0;
    const worker = async (server: Server) => {
      while (running) {
        const sentIn = phase;
        const res = await api(server, 'POST', `/v1/organizations/${org.body.id}/invitations`, {
          email_address: `load-${n++}@example.com`,
          role: 'org:member',
          notify: false,
        });
        if (res.status === 200) acknowledged.push(res.body.id);
        const clean =
          res.status === 503 && res.retryAfter === '1' && res.body.errors[0].code === 'service_unavailable';
        answers.push({ phase: sentIn === phase ? phase : 'edge', status: res.status, clean });
        if (res.status === 503) await new Promise((r) => setTimeout(r, 50));
      }
    };
    const load = servers.flatMap((s) => [worker(s), worker(s)]);
    await waitFor('creates before the outage', () => acknowledged.length >= 10);
    phase = 'down';
    await proxy.refuse();
    await new Promise((r) => setTimeout(r, 2000));
    await proxy.forward();
    phase = 'back';
    const back = Date.now();
    const before = acknowledged.length;
    await waitFor('creates after the outage', () => acknowledged.length >= before + 10, { timeoutMs: 5000 });
    const recoveredInMs = Date.now() - back;
    running = false;
    await Promise.all(load);

    expect(recoveredInMs).toBeLessThan(5000);
    // Everything answered during the outage is a clean 503; nothing but 200 and 503 overall.
    expect(answers.filter((a) => a.phase === 'down').every((a) => a.clean)).toBe(true);
    expect(answers.filter((a) => a.phase === 'down').length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status !== 200 && !a.clean)).toEqual([]);
    // No acknowledged create is lost: every id answered 200 is in the database.
    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    const { rows } = await check.query(
      'SELECT count(*)::int AS n FROM organization_invitations WHERE id = ANY($1::text[])',
      [acknowledged],
    );
    await check.end();
    expect(rows[0].n).toBe(acknowledged.length);
    // Each process: one line as the outage starts, one as it ends, no other error.
    for (const s of servers) {
      await waitFor('the end of the outage in the log', () =>
        s.lines.some((l) => l.msg === 'database available again'),
      );
      expect(s.lines.filter((l) => l.msg.startsWith('database unavailable'))).toHaveLength(1);
      expect(s.lines.filter((l) => l.msg === 'database available again')).toHaveLength(1);
      expect(s.lines.filter((l) => l.level >= 50 && !l.msg.startsWith('database unavailable'))).toEqual([]);
    }
  }, 60_000);
});
