import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { startSmtpServer, waitFor } from '../../../test/support/smtp.js';
import { SECRET_KEY } from '../../../test/support/standalone.js';
import { spawnStandalone } from '../../../test/support/standalone-spawn.js';
import { configFromEnv } from '../src/config.js';

const KEY = { INVITEKIT_SECRET_KEY: 'sk_env', INVITEKIT_DATA_DIR: '/tmp/x' };
const DAY = 24 * 3600 * 1000;

describe('reminders from the environment', () => {
  it('are off by default', () => {
    expect(configFromEnv(KEY).invitekit.reminders).toBeUndefined();
    expect(configFromEnv({ ...KEY, INVITEKIT_REMINDERS: 'false' }).invitekit.reminders).toBeUndefined();
  });

  it('take core’s default schedule with INVITEKIT_REMINDERS=true, or the one given', () => {
    expect(configFromEnv({ ...KEY, INVITEKIT_REMINDERS: 'true' }).invitekit.reminders).toEqual({});
    const c = configFromEnv({
      ...KEY,
      INVITEKIT_REMINDERS: 'on',
      INVITEKIT_REMINDER_AFTER_DAYS: '2, 5',
      INVITEKIT_REMINDER_BEFORE_EXPIRY_DAYS: 'none',
      INVITEKIT_REMINDER_MAX: '3',
      INVITEKIT_REMINDER_INTERVAL_MS: '30000',
      INVITEKIT_REMINDER_BATCH_SIZE: '50',
    });
    expect(c.invitekit.reminders).toEqual({
      afterSendDays: [2, 5],
      beforeExpiryDays: [],
      max: 3,
      intervalMs: 30000,
      batchSize: 50,
    });
  });

  it.each([
    ['INVITEKIT_REMINDERS', 'maybe'],
    ['INVITEKIT_REMINDER_AFTER_DAYS', '3,x'],
    ['INVITEKIT_REMINDER_AFTER_DAYS', '0'],
    ['INVITEKIT_REMINDER_BEFORE_EXPIRY_DAYS', '-1'],
    ['INVITEKIT_REMINDER_MAX', '11'],
    ['INVITEKIT_REMINDER_INTERVAL_MS', '10'],
  ])('refuses %s=%s at start, naming the variable', (name, value) => {
    expect(() => configFromEnv({ ...KEY, INVITEKIT_REMINDERS: 'true', [name]: value })).toThrow(name);
  });

  it('refuses a schedule variable while reminders are off', () => {
    expect(() => configFromEnv({ ...KEY, INVITEKIT_REMINDER_MAX: '2' })).toThrow(
      'INVITEKIT_REMINDER_MAX is set, but reminders are off: set INVITEKIT_REMINDERS=true',
    );
  });
});

const postgres = testDatabases().find((k) => k.name === 'postgres');

describe.runIf(postgres)('reminders across two server processes on one PostgreSQL', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('sends each reminder exactly once', { timeout: 120_000 }, async () => {
    const db = await postgres!.create();
    cleanups.push(db.drop);
    const smtp = await startSmtpServer();
    cleanups.push(smtp.close);
    const env = {
      DATABASE_URL: String(db.config.url),
      DATABASE_POOL_SIZE: '4',
      SMTP_URL: smtp.url,
      INVITEKIT_DELIVERY_POLL_INTERVAL_MS: '50',
      INVITEKIT_REMINDERS: 'true',
      INVITEKIT_REMINDER_INTERVAL_MS: '50',
      // Small batches, so that both processes' sweeps interleave over the due invitations.
      INVITEKIT_REMINDER_BATCH_SIZE: '5',
    };
    // One after the other: the first applies the migrations.
    const a = await spawnStandalone(env);
    cleanups.push(a.stop);
    const b = await spawnStandalone(env);
    cleanups.push(b.stop);

    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${a.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return res.json() as Promise<any>;
    };
    const org = await call('POST', '/v1/organizations', { name: 'Acme' });
    const N = 60;
    for (let i = 0; i < N; i += 10) {
      await call(
        'POST',
        `/v1/organizations/${org.id}/invitations/bulk`,
        Array.from({ length: 10 }, (_, j) => ({
          email_address: `p${i + j}@example.com`,
          role: 'org:member',
        })),
      );
    }
    await waitFor('the invitation emails', () => smtp.count() === N);
    // Every outcome recorded before the clocks move: a lease still held in one process's time would look
    // run out to a process 3 days ahead, and that email would rightly be sent again.
    const direct = new pg.Client({ connectionString: String(db.config.url) });
    await direct.connect();
    cleanups.push(() => direct.end());
    await waitFor('the outbox to settle', async () => {
      const { rows } = await direct.query(`SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'`);
      return rows[0].n === 0;
    });

    // Both processes' clocks move 3 days on: every invitation's first reminder is due, on both.
    const offset = 3 * DAY + 60_000;
    await Promise.all(
      [a, b].map((p) => fetch(`${p.clockUrl}/clock?offset_ms=${offset}`, { method: 'POST' })),
    );
    await waitFor('the reminders', () => smtp.count() >= 2 * N);
    // Time for a second send to show up, were there one.
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.count()).toBe(2 * N);

    const perAddress = new Map<string, string[]>();
    for (const m of smtp.received) {
      for (const to of m.to) perAddress.set(to, [...(perAddress.get(to) ?? []), m.parsed.subject ?? '']);
    }
    expect(perAddress.size).toBe(N);
    for (const subjects of perAddress.values()) {
      expect(subjects.sort()).toEqual([
        "Reminder: you're invited to join Acme",
        "You're invited to join Acme",
      ]);
    }
    const { rows } = await direct.query(
      `SELECT count(*)::int AS events, count(DISTINCT invitation_id)::int AS invitations
       FROM invitation_events WHERE type = 'reminded'`,
    );
    expect(rows[0]).toEqual({ events: N, invitations: N });
    // Each invitation's history holds one `reminded` event, read through process B.
    const list = await call('GET', `/v1/organizations/${org.id}/invitations?limit=1`);
    const first = list.data[0];
    const res = await fetch(`${b.url}/v1/organizations/${org.id}/invitations/${first.id}/events`, {
      headers: { authorization: `Bearer ${SECRET_KEY}` },
    });
    const events = (await res.json()) as { data: { type: string }[] };
    expect(events.data.filter((e) => e.type === 'reminded')).toHaveLength(1);
  });
});
