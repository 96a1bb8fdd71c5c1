import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { waitFor } from '../../../test/support/smtp.js';
import { createLogger } from '../src/logger.js';
import { type RunningServer, startServer } from '../src/server.js';
import { SECRET_KEY } from './harness.js';

/** An accept token's secret (`<invitation id>.<secret>`), or a token parameter with anything but [redacted]. */
const TOKEN_SECRET = /(?:orginv|inv)_[0-9A-Z]{26}\.(?!\[redacted\])[A-Za-z0-9_-]{20,}/;
const TOKEN_PARAM = /invitation_token(?:=|%3D)(?!\[redacted\])[^&\s"'\\]/i;

/** The log lines a production server writes, captured as the process would write them to stdout. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe.each(testDatabases())('no accept token in a production log, on $name', (kind) => {
  const logs = capture();
  let running: RunningServer;
  let drop: () => Promise<void>;

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${running.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const db = await kind.create();
    drop = db.drop;
    // Development mailer (no SMTP) and a config asking for the mailbox: production refuses both the
    // mailbox and the link in the log.
    running = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        devMailbox: true,
        invitekit: {
          database: db.config,
          secretKeys: [SECRET_KEY],
          acceptUrl: 'https://app.example.com/accept',
          delivery: { pollIntervalMs: 50 },
        },
      },
      createLogger({ NODE_ENV: 'production', LOG_LEVEL: 'debug' }, { destination: logs.stream }),
    );
  }, 180_000); // PGlite's start on a busy machine, not a measurement
  afterAll(async () => {
    await running?.stop();
    await drop?.();
    vi.unstubAllEnvs();
  });

  it('logs neither the emailed link nor a failed statement’s parameters', async () => {
    const org = await call('POST', '/v1/organizations', { name: 'Quiet Logs' });
    const invited = await call('POST', `/v1/organizations/${org.body.id}/invitations`, {
      email_address: 'quiet@example.com',
      role: 'org:member',
    });
    expect(invited.status).toBe(200);
    const secret = new URL(invited.body.url).searchParams.get('invitation_token')!.split('.')[1]!;
    await waitFor('the kept email', () => running.invitekit.devMailer!.messages()[0]);
    await waitFor('the dev mailer log line', () => logs.lines.some((l) => l.includes('dev mailer')));
    expect((await fetch(`${running.url}/dev/mailbox.json`)).status).toBe(404);

    // A statement that fails while writing the outbox row (which holds the new accept link): a bug, so a
    // 500 whose error goes to the log, parameters and all.
    const db = running.invitekit.database.db;
    await db.execute(
      sql.raw(`CREATE FUNCTION invitekit_test_fail_outbox() RETURNS trigger LANGUAGE plpgsql
      AS $$ BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$`),
    );
    await db.execute(
      sql.raw(`CREATE TRIGGER invitekit_test_fail_outbox BEFORE INSERT ON outbox
      FOR EACH ROW EXECUTE FUNCTION invitekit_test_fail_outbox()`),
    );
    try {
      const resent = await call(
        'POST',
        `/v1/organizations/${org.body.id}/invitations/${invited.body.id}/resend`,
      );
      expect(resent.status).toBe(500);
    } finally {
      await db.execute(sql.raw('DROP TRIGGER invitekit_test_fail_outbox ON outbox'));
      await db.execute(sql.raw('DROP FUNCTION invitekit_test_fail_outbox()'));
    }
    const failure = await waitFor('the unexpected error line', () =>
      logs.lines.find((l) => l.includes('unexpected error')),
    );
    // The error did carry a link, and it was redacted.
    expect(failure).toContain('[redacted]');

    const text = logs.lines.join('\n');
    expect(text).not.toContain(secret);
    expect(text).not.toMatch(TOKEN_SECRET);
    expect(text).not.toMatch(TOKEN_PARAM);
  });
});

describe('the server process with NODE_ENV=production', () => {
  it('keeps accept links out of stdout, and serves no mailbox', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'invitekit-prod-'));
    const child = spawn(
      process.execPath,
      ['--conditions=invitekit-source', '--import', 'tsx', 'src/main.ts'],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: {
          ...process.env,
          NODE_ENV: 'production',
          LOG_LEVEL: 'debug',
          PORT: '0',
          HOST: '127.0.0.1',
          INVITEKIT_DATA_DIR: dataDir,
          INVITEKIT_SECRET_KEY: SECRET_KEY,
          DATABASE_URL: '',
          SMTP_URL: '',
        },
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await waitFor('the listening line', () => /"url":"(http:[^"]+)"/.exec(out)?.[1], {
        timeoutMs: 150_000,
      });
      const post = async (path: string, body: unknown) =>
        (await (
          await fetch(`${url}${path}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          })
        ).json()) as { id: string; url?: string };
      const org = await post('/v1/organizations', { name: 'Prod' });
      const invited = await post(`/v1/organizations/${org.id}/invitations`, {
        email_address: 'prod@example.com',
        role: 'org:member',
      });
      const token = new URL(invited.url!).searchParams.get('invitation_token')!;
      await waitFor('the dev mailer line', () =>
        out.includes('dev mailer: invitation email to prod@example.com'),
      );
      expect((await fetch(`${url}/dev/mailbox`)).status).toBe(404);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).not.toContain(token.split('.')[1]!);
      expect(out).not.toMatch(TOKEN_SECRET);
      expect(out).not.toMatch(TOKEN_PARAM);
      expect(out).toContain('accept links are not logged');
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000); // a limit for a busy machine (a process, PGlite, tsx), not a measurement
});
