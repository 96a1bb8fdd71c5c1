import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { waitFor } from '../../../test/support/smtp.js';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.js';
import { createInvitekit, type Invitekit, type InvitekitResponse } from '../src/index.js';
import { openDatabase } from '../src/storage/database.js';

// PostgreSQL behind a TCP proxy that cuts connections (a restart) or stops answering (a hung host). The
// shared cluster itself is never stopped. PGlite runs in the process: it has no network to lose.
const postgres = testDatabases().find((d) => d.name === 'postgres');

const KEY = 'sk_outage';
const headers = { authorization: `Bearer ${KEY}` };
const TIMEOUT_MS = 1000;

describe.skipIf(!postgres)('a database outage (PostgreSQL behind a proxy)', () => {
  let drop: () => Promise<void>;
  let proxy: TcpProxy;
  let ik: Invitekit;
  let orgId: string;
  const lines: { level: string; message: string }[] = [];
  const unexpected: unknown[] = [];
  let n = 0;

  const create = () =>
    ik.handle({
      method: 'POST',
      path: `/v1/organizations/${orgId}/invitations`,
      query: {},
      headers,
      body: { email_address: `outage-${++n}@example.com`, role: 'org:member' },
    });
  const list = () =>
    ik.handle({ method: 'GET', path: `/v1/organizations/${orgId}/invitations`, query: {}, headers });
  const health = () => ik.handle({ method: 'GET', path: '/healthz', query: {}, headers: {} });
  const outageLines = () => lines.filter((l) => l.message.startsWith('database '));

  const expectClean503 = (res: InvitekitResponse) => {
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toEqual({
      meta: {},
      clerk_trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      errors: [
        {
          code: 'service_unavailable',
          message: 'service unavailable',
          long_message: 'The database is unavailable; retry in 1 s',
          meta: { retry_after: 1 },
        },
      ],
    });
  };

  beforeAll(async () => {
    const db = await postgres!.create();
    drop = db.drop;
    const url = new URL(db.config.url!);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    ik = await createInvitekit({
      database: {
        url: proxy.url(db.config.url!),
        poolSize: 4,
        connectTimeoutMs: TIMEOUT_MS,
        statementTimeoutMs: TIMEOUT_MS,
      },
      secretKeys: [KEY],
      // The dispatcher and sweeper poll often, so they meet the outage too.
      delivery: { pollIntervalMs: 50 },
      sweeper: { intervalMs: 50 },
      log: (level, message) => lines.push({ level, message }),
      onUnexpectedError: (err) => unexpected.push(err),
    });
    ik.start();
    orgId = (await ik.services.organizations.create({ name: 'Outage' })).id;
  });
  afterAll(async () => {
    await proxy?.forward();
    await ik?.close();
    await proxy?.close();
    await drop?.();
  });

  it('answers 503 with Retry-After while the database refuses, logs each edge once, and recovers', async () => {
    expect((await create()).status).toBe(200);
    lines.length = 0;
    await proxy.refuse();
    for (let i = 0; i < 20; i++) {
      const results = await Promise.all([create(), create(), list()]);
      for (const res of results) expectClean503(res);
    }
    const down = await health();
    expect(down.status).toBe(503);
    // Background loops met the outage as well (polling every 50 ms).
    await new Promise((r) => setTimeout(r, 300));
    await proxy.forward();
    const back = Date.now();
    await waitFor('a create to succeed again', async () => (await create()).status === 200, {
      timeoutMs: 5000,
    });
    expect(Date.now() - back).toBeLessThan(5000);
    expect((await health()).status).toBe(200);
    await waitFor('the end of the outage to be logged', () => outageLines().length === 2, {
      timeoutMs: 5000,
    });
    expect(outageLines()).toEqual([
      { level: 'error', message: 'database unavailable; answering 503 until it is back' },
      { level: 'info', message: 'database available again' },
    ]);
    // Nothing else was logged (but the development mailer's lines): no error per request, claim or sweep.
    expect(lines.filter((l) => !l.message.startsWith('dev mailer'))).toHaveLength(2);
    expect(unexpected).toEqual([]);
  });

  it('answers every request within the statement timeout plus one second when the database stops answering', async () => {
    expect((await create()).status).toBe(200);
    lines.length = 0;
    await proxy.blackhole();
    const started = Date.now();
    const timed = (p: Promise<InvitekitResponse>) => p.then((res) => ({ res, ms: Date.now() - started }));
    // More requests than pool connections: some wait for a connection, some hang on one.
    const results = await Promise.all([
      ...Array.from({ length: 12 }, () => timed(create())),
      ...Array.from({ length: 4 }, () => timed(list())),
    ]);
    for (const { res, ms } of results) {
      expectClean503(res);
      expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
    }
    const healthStarted = Date.now();
    expect((await health()).status).toBe(503);
    expect(Date.now() - healthStarted).toBeLessThan(TIMEOUT_MS + 1000);
    await proxy.forward();
    await waitFor('a create to succeed again', async () => (await create()).status === 200, {
      timeoutMs: 5000,
    });
    await waitFor('the end of the outage to be logged', () => outageLines().length === 2, {
      timeoutMs: 5000,
    });
    expect(outageLines().map((l) => l.message)).toEqual([
      'database unavailable; answering 503 until it is back',
      'database available again',
    ]);
    expect(unexpected).toEqual([]);
  });

  it('records an email sent just before the outage once the database is back, without sending it again', async () => {
    const created = await postgres!.create();
    const url = new URL(created.config.url!);
    const own = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    let release!: () => void;
    const sending = new Promise<void>((r) => (release = r));
    const sent: string[] = [];
    const quiet: string[] = [];
    const mailer = {
      send: async (message: { to: string }) => {
        sent.push(message.to);
        await sending;
      },
    };
    const kit = await createInvitekit({
      database: {
        url: own.url(created.config.url!),
        connectTimeoutMs: TIMEOUT_MS,
        statementTimeoutMs: TIMEOUT_MS,
      },
      mailer,
      delivery: { pollIntervalMs: 50 },
      log: (_level, message) => quiet.push(message),
    });
    try {
      kit.start();
      const org = await kit.services.organizations.create({ name: 'Sent' });
      const invitation = await kit.services.organizationInvitations.create(org.id, {
        emailAddress: 'sent@example.com',
        role: 'org:member',
      });
      await waitFor('the send to start', () => sent.length === 1);
      // The database goes while the email is with the SMTP server; the send then succeeds.
      await own.refuse();
      release();
      await new Promise((r) => setTimeout(r, 1000));
      await own.forward();
      const events = await waitFor(
        'the emailed event',
        async () => {
          const page = await kit.services.invitationEvents
            .listForOrganizationInvitation(org.id, invitation.id)
            .catch(() => null);
          return page?.data.some((e) => e.type === 'emailed') && page;
        },
        { timeoutMs: 10_000 },
      );
      expect(events.data.map((e) => e.type)).toEqual(['created', 'emailed']);
      expect(sent).toEqual(['sent@example.com']);
      expect(quiet.filter((m) => !m.startsWith('database '))).toEqual([]);
    } finally {
      await own.forward();
      await kit.close();
      await own.close();
      await created.drop();
    }
  });

  it('fails to open, within the connect timeout, a database that accepts and never replies', async () => {
    const held = new Set<Socket>();
    const silent = createServer((socket) => {
      held.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const started = Date.now();
    await expect(
      openDatabase({ url: `postgres://postgres@127.0.0.1:${port}/x`, connectTimeoutMs: TIMEOUT_MS }),
    ).rejects.toThrow(/timeout/i);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1000);
    for (const s of held) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
});
