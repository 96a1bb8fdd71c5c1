import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { startSmtpServer, waitFor } from '../../../test/support/smtp.js';
import { configFromEnv } from '../src/config.js';
import { startServer } from '../src/server.js';

const KEY = 'sk_test_delivery';

describe('delivery settings from the environment', () => {
  it('reads SMTP, sender, accept URL, redirect origins, one webhook endpoint and the instance id', () => {
    const config = configFromEnv({
      INVITEKIT_SECRET_KEY: KEY,
      SMTP_URL: 'smtp://user:pass@mail.example.com:587',
      INVITEKIT_EMAIL_FROM: 'Acme <invites@acme.com>',
      INVITEKIT_ACCEPT_URL: 'https://app.acme.com/accept',
      INVITEKIT_REDIRECT_ORIGINS: 'https://acme.com, https://beta.acme.com',
      INVITEKIT_WEBHOOK_URL: 'https://hooks.acme.com/invitekit',
      INVITEKIT_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      INVITEKIT_INSTANCE_ID: 'ins_acme',
    });
    expect(config.invitekit).toMatchObject({
      smtpUrl: 'smtp://user:pass@mail.example.com:587',
      email: { from: 'Acme <invites@acme.com>' },
      acceptUrl: 'https://app.acme.com/accept',
      redirectOrigins: ['https://acme.com', 'https://beta.acme.com'],
      webhooks: [
        { url: 'https://hooks.acme.com/invitekit', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
      ],
      instanceId: 'ins_acme',
    });
    expect(config.devMailbox).toBe(true);
    expect(configFromEnv({ INVITEKIT_SECRET_KEY: KEY, NODE_ENV: 'production' }).devMailbox).toBe(false);
  });

  it('refuses a webhook URL without its secret', () => {
    expect(() =>
      configFromEnv({ INVITEKIT_SECRET_KEY: KEY, INVITEKIT_WEBHOOK_URL: 'https://h.example' }),
    ).toThrow(/INVITEKIT_WEBHOOK_SECRET/);
  });
});

describe.each(testDatabases())('the server delivers on $name', (kind) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function start(env: Record<string, string>, devMailbox = true) {
    const db = await kind.create();
    cleanups.push(db.drop);
    const base = configFromEnv({ INVITEKIT_SECRET_KEY: KEY, ...env });
    const server = await startServer(
      {
        ...base,
        port: 0,
        host: '127.0.0.1',
        devMailbox,
        invitekit: { ...base.invitekit, database: db.config, delivery: { pollIntervalMs: 50 } },
      },
      pino({ level: 'silent' }),
    );
    cleanups.push(server.stop);
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    return { ...server, call };
  }

  async function invite(api: Awaited<ReturnType<typeof start>>) {
    const admin = await api.call('POST', '/v1/users', {
      email_address: ['ada@example.com'],
      first_name: 'Ada',
    });
    const org = await api.call('POST', '/v1/organizations', {
      name: 'Acme & <Co>',
      created_by: admin.body.id,
    });
    const invitation = await api.call('POST', `/v1/organizations/${org.body.id}/invitations`, {
      email_address: 'bob@example.com',
      role: 'org:member',
      inviter_user_id: admin.body.id,
    });
    expect(invitation.status).toBe(200);
    return invitation.body;
  }

  it('keeps emails in the development mailbox and serves it as JSON and HTML', async () => {
    const api = await start({ INVITEKIT_ACCEPT_URL: 'http://localhost:5173/accept' });
    const invitation = await invite(api);
    const messages = await waitFor('the mailbox entry', async () => {
      const res = await fetch(`${api.url}/dev/mailbox.json`);
      const list = (await res.json()) as any[];
      return list.length > 0 && list;
    });
    expect(messages[0]).toMatchObject({
      to: 'bob@example.com',
      subject: 'Ada invited you to join Acme & <Co>',
    });
    expect(messages[0].link).toMatch(
      new RegExp(`^http://localhost:5173/accept\\?invitation_token=${invitation.id}\\.[\\w-]+$`),
    );
    expect(messages[0].text).toContain(messages[0].link);
    expect(messages[0].html).toContain('Acme &amp; &lt;Co&gt;');
    expect(typeof messages[0].sent_at).toBe('number');
    const page = await fetch(`${api.url}/dev/mailbox`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain(`href="${messages[0].link}"`);
    expect(html).toContain('Ada invited you to join Acme &amp; &lt;Co&gt;');
  });

  it('serves no mailbox when asked not to (production), nor with SMTP', async () => {
    const hidden = await start({}, false);
    expect((await fetch(`${hidden.url}/dev/mailbox.json`)).status).toBe(404);
    const smtp = await startSmtpServer();
    cleanups.push(smtp.close);
    const api = await start({ SMTP_URL: smtp.url, INVITEKIT_EMAIL_FROM: 'Acme <invites@acme.test>' });
    expect(api.invitekit.devMailer).toBeNull();
    expect((await fetch(`${api.url}/dev/mailbox.json`)).status).toBe(404);
    const invitation = await invite(api);
    const mail = await waitFor('the email over SMTP', () => smtp.received[0]);
    expect(mail.to).toEqual(['bob@example.com']);
    expect(mail.from).toBe('invites@acme.test');
    expect(mail.parsed.text).toContain(`invitation_token=${invitation.id}.`);
  });
});
