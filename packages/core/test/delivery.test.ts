import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { assertWebhookContract } from '../../../test/support/contract.js';
import { testDatabases } from '../../../test/support/databases.js';
import { startSmtpServer, waitFor } from '../../../test/support/smtp.js';
import { startWebhookReceiver } from '../../../test/support/webhook-receiver.js';
import { createInvitekit, type Invitekit, type InvitekitConfig, type Mailer } from '../src/index.js';
import { recordEvents } from '../src/services/effects.js';
import { Lifecycle } from '../src/services/lifecycle-config.js';

const ACCEPT_URL = 'https://app.example.com/accept-invitation';
const WEBHOOK_SECRET = `whsec_${Buffer.from('invitekit-webhook-test-secret-32b').toString('base64')}`;
// Fast retries for tests; the defaults are seconds to an hour.
const FAST = { pollIntervalMs: 50, retryBaseMs: 20, retryMaxMs: 100 };
const MALICIOUS = `<script>alert("x")</script> & "Co" <b>`;

type Row = Record<string, any>;
const rows = async (ik: Invitekit, query: ReturnType<typeof sql>) =>
  ((await ik.database.db.execute(query)) as unknown as { rows: Row[] }).rows;

/** The invitation limits off: creates take the single-statement path, which hands its email over directly. */
const UNLIMITED = { maxPendingPerOrganization: 0, maxPerInviterPerHour: 0 };
describe.each(testDatabases())('delivery on $name', (kind) => {
  // Registered only where they can run, so they never report as skipped.
  const itOnPostgres = kind.name === 'postgres' ? it : () => {};
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function open(config: Partial<InvitekitConfig> = {}, database?: InvitekitConfig['database']) {
    let db = database;
    if (!db) {
      const created = await kind.create();
      cleanups.push(created.drop);
      db = created.config;
    }
    const logs: { level: string; message: string; data?: Record<string, unknown> }[] = [];
    const ik = await createInvitekit({
      database: db,
      acceptUrl: ACCEPT_URL,
      log: (level, message, data) => logs.push({ level, message, data }),
      ...config,
      delivery: { ...FAST, ...config.delivery },
    });
    cleanups.push(() => ik.close());
    return Object.assign(ik, { logs });
  }

  async function seed(ik: Invitekit, orgName = 'Acme') {
    const admin = await ik.services.users.create({
      emailAddresses: ['ada@example.com'],
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    const org = await ik.services.organizations.create({ name: orgName, slug: 'acme', createdBy: admin.id });
    return { adminId: admin.id, orgId: org.id };
  }

  const outbox = (ik: Invitekit) =>
    rows(
      ik,
      sql`SELECT o.*, e.type AS event_type FROM outbox o JOIN invitation_events e ON e.id = o.event_id ORDER BY o.id`,
    );
  const events = (ik: Invitekit, invitationId: string) =>
    rows(ik, sql`SELECT type, data FROM invitation_events WHERE invitation_id = ${invitationId} ORDER BY id`);

  it('emails an organization invitation over SMTP: recipient, subject, escaped body, a working token', async () => {
    const smtp = await startSmtpServer();
    cleanups.push(smtp.close);
    const ik = await open({ smtpUrl: smtp.url, email: { from: 'Acme <invites@acme.test>' } });
    const { adminId, orgId } = await seed(ik, MALICIOUS);
    ik.start();
    const invitation = await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'Bob@Example.com',
      role: 'org:member',
      inviterUserId: adminId,
    });

    const mail = await waitFor('the invitation email', () => smtp.received[0]);
    expect(mail.to).toEqual(['bob@example.com']);
    expect(mail.parsed.from?.value[0]).toMatchObject({ name: 'Acme', address: 'invites@acme.test' });
    expect(mail.parsed.subject).toBe(`Ada Lovelace invited you to join ${MALICIOUS}`);
    const html = String(mail.parsed.html);
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Co&quot; &lt;b&gt;',
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('Ada Lovelace invited you');
    expect(html).toContain('<strong>Member</strong>');
    const text = mail.parsed.text ?? '';
    expect(text).toContain(`Ada Lovelace invited you to join ${MALICIOUS} as Member.`);

    // The link: the accept page with `<invitation id>.<secret>`, whose SHA-256 is what the database keeps.
    const link = new URL(/Accept the invitation: (\S+)/.exec(text)![1]!);
    expect(`${link.origin}${link.pathname}`).toBe(ACCEPT_URL);
    const token = link.searchParams.get('invitation_token')!;
    expect(token).toBe(invitation.url ? new URL(invitation.url).searchParams.get('invitation_token') : '');
    const [id, secret] = token.split('.');
    expect(id).toBe(invitation.id);
    expect(html).toContain(link.toString().replaceAll('&', '&amp;'));
    const [stored] = await rows(
      ik,
      sql`SELECT encode(token_hash, 'hex') AS hash FROM organization_invitations WHERE id = ${invitation.id}`,
    );
    expect(stored!.hash).toBe(createHash('sha256').update(secret!).digest('hex'));

    // Delivered, the link forgotten, an `emailed` event recorded.
    const [message] = await waitFor('the delivered mark', async () => {
      const m = await outbox(ik);
      return m[0]?.status === 'delivered' && m;
    });
    expect(message).toMatchObject({ kind: 'email', target: 'bob@example.com', link: null, attempts: 1 });
    expect(Number(message!.delivered_at)).toBeGreaterThan(0);
    const history = await waitFor('the emailed event', async () => {
      const e = await events(ik, invitation.id);
      return e.some((x) => x.type === 'emailed') && e;
    });
    expect(history.map((e) => e.type)).toEqual(['created', 'emailed']);
    expect(history[1]!.data).toMatchObject({ message_id: message!.id, to: 'bob@example.com', attempts: 1 });
    expect(smtp.received).toHaveLength(1);
  });

  it('emails application invitations with their own template', async () => {
    const smtp = await startSmtpServer();
    cleanups.push(smtp.close);
    const ik = await open({ smtpUrl: smtp.url, email: { appName: 'Acme <App>' } });
    ik.start();
    const invitation = await ik.services.invitations.create({ emailAddress: 'carol@example.com' });
    const mail = await waitFor('the invitation email', () => smtp.received[0]);
    expect(mail.to).toEqual(['carol@example.com']);
    expect(mail.parsed.subject).toBe(`You're invited to join Acme <App>`);
    expect(String(mail.parsed.html)).toContain('Acme &lt;App&gt;');
    expect(mail.parsed.text).toContain(`invitation_token=${invitation.id}.`);
  });

  it('retries an email the SMTP server defers (451) and records one `emailed` event', async () => {
    const smtp = await startSmtpServer({
      policy: (_to, attempt) => (attempt <= 2 ? { code: 451, message: 'try again later' } : null),
    });
    cleanups.push(smtp.close);
    const ik = await open({ smtpUrl: smtp.url });
    const { orgId } = await seed(ik);
    ik.start();
    const invitation = await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'dave@example.com',
      role: 'org:admin',
    });
    await waitFor('the email after two deferrals', () => smtp.received[0]);
    expect(smtp.attempts.get('dave@example.com')).toBe(3);
    const [message] = await waitFor('the delivered mark', async () => {
      const m = await outbox(ik);
      return m[0]?.status === 'delivered' && m;
    });
    expect(message).toMatchObject({ status: 'delivered', attempts: 3, link: null, last_error: null });
    const history = await waitFor('the emailed event', async () => {
      const e = await events(ik, invitation.id);
      return e.some((x) => x.type === 'emailed') && e;
    });
    expect(history.map((e) => e.type)).toEqual(['created', 'emailed']);
    expect(smtp.received[0]!.parsed.subject).toBe("You're invited to join Acme");
  });

  it('gives up on a permanent rejection (550) at once, and on deferrals after maxAttempts', async () => {
    const smtp = await startSmtpServer({
      policy: (to) =>
        to.startsWith('nobody')
          ? { code: 550, message: 'no such user' }
          : to.startsWith('later')
            ? { code: 451, message: 'greylisted' }
            : null,
    });
    cleanups.push(smtp.close);
    const ik = await open({ smtpUrl: smtp.url, delivery: { maxAttempts: 3 } });
    const { orgId } = await seed(ik);
    ik.start();
    const nobody = await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'nobody@example.com',
      role: 'org:member',
    });
    const later = await ik.services.invitations.create({ emailAddress: 'later@example.com' });
    const failed = await waitFor('both emails given up', async () => {
      const m = await outbox(ik);
      return m.length === 2 && m.every((x) => x.status === 'failed') && m;
    });
    const byTarget = Object.fromEntries(failed.map((m) => [m.target, m]));
    expect(byTarget['nobody@example.com']).toMatchObject({ attempts: 1, link: null });
    expect(byTarget['nobody@example.com']!.last_error).toContain('550');
    expect(byTarget['later@example.com']).toMatchObject({ attempts: 3, link: null });
    expect(byTarget['later@example.com']!.last_error).toContain('451');
    expect(smtp.attempts.get('later@example.com')).toBe(3);
    for (const id of [nobody.id, later.id]) {
      const history = await waitFor('the delivery_failed event', async () => {
        const e = await events(ik, id);
        return e.some((x) => x.type === 'delivery_failed') && e;
      });
      expect(history.map((e) => e.type)).toEqual(['created', 'delivery_failed']);
      expect(history[1]!.data.error).toBeTruthy();
    }
    expect(smtp.received).toHaveLength(0);
  });

  it('does not send an email whose link died before it went out (revoked)', async () => {
    const smtp = await startSmtpServer();
    cleanups.push(smtp.close);
    const ik = await open({ smtpUrl: smtp.url });
    const { orgId } = await seed(ik);
    const invitation = await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'erin@example.com',
      role: 'org:member',
    });
    await ik.services.organizationInvitations.revoke(orgId, invitation.id);
    ik.start();
    const [message] = await waitFor('the email given up', async () => {
      const m = (await outbox(ik)).filter((x) => x.kind === 'email');
      return m[0]?.status === 'failed' && m;
    });
    expect(message).toMatchObject({ link: null, last_error: 'not sent: the invitation is revoked' });
    expect(smtp.received).toHaveLength(0);
  });

  it('signs webhooks per Standard Webhooks, matches the contract, and retries a 500 under the same webhook-id', async () => {
    const receiver = await startWebhookReceiver((_req, n) => (n <= 2 ? 500 : 204));
    cleanups.push(receiver.close);
    const ik = await open({
      webhooks: [{ url: receiver.url, secret: WEBHOOK_SECRET }],
      instanceId: 'ins_test',
      mailer: { send: async () => {} },
    });
    const { adminId, orgId } = await seed(ik);
    ik.start();
    const invitation = await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'frank@example.com',
      role: 'org:member',
      inviterUserId: adminId,
      publicMetadata: { team: 'blue' },
      privateMetadata: { source: 'test' },
    });
    await waitFor('the third attempt', () => receiver.requests.length >= 3);
    const [first, second, third] = receiver.requests;
    expect(new Set([first, second, third].map((r) => r!.headers['webhook-id'])).size).toBe(1);
    expect(third!.headers['webhook-id']).toMatch(/^msg_/);

    const verifier = new Webhook(WEBHOOK_SECRET);
    const payload = verifier.verify(third!.body, {
      'webhook-id': String(third!.headers['webhook-id']),
      'webhook-timestamp': String(third!.headers['webhook-timestamp']),
      'webhook-signature': String(third!.headers['webhook-signature']),
    }) as Row;
    expect(() =>
      verifier.verify(third!.body.replace('frank', 'mallory'), {
        'webhook-id': String(third!.headers['webhook-id']),
        'webhook-timestamp': String(third!.headers['webhook-timestamp']),
        'webhook-signature': String(third!.headers['webhook-signature']),
      }),
    ).toThrow();
    assertWebhookContract('organizationInvitation.created', payload);
    expect(payload).toMatchObject({
      object: 'event',
      type: 'organizationInvitation.created',
      instance_id: 'ins_test',
      data: {
        object: 'organization_invitation',
        id: invitation.id,
        email_address: 'frank@example.com',
        role: 'org:member',
        role_name: 'Member',
        status: 'pending',
        url: null,
        public_metadata: { team: 'blue' },
        private_metadata: { source: 'test' },
        public_inviter_data: { user_id: adminId, first_name: 'Ada', last_name: 'Lovelace' },
        data: { public_organization_data: { id: orgId, name: 'Acme', slug: 'acme', has_image: false } },
      },
    });
    expect(third!.body).not.toContain('invitation_token');
    const [message] = await waitFor('the delivered mark', async () => {
      const m = (await outbox(ik)).filter((x) => x.kind === 'webhook');
      return m[0]?.status === 'delivered' && m;
    });
    expect(message).toMatchObject({ attempts: 3, target: receiver.url });
    // Webhooks get no events of their own.
    expect((await events(ik, invitation.id)).map((e) => e.type)).not.toContain('delivery_failed');

    // Revoked, and (recorded here directly, since accepting is another module's) accepted.
    await ik.services.organizationInvitations.revoke(orgId, invitation.id);
    const revoked = await waitFor('the revoked webhook', () =>
      receiver.requests.find((r) => r.status === 204 && r.body.includes('"organizationInvitation.revoked"')),
    );
    const revokedPayload = JSON.parse(revoked.body);
    assertWebhookContract('organizationInvitation.revoked', revokedPayload);
    expect(revokedPayload.data).toMatchObject({ id: invitation.id, status: 'revoked', url: null });

    const second_ = await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'grace@example.com',
      role: 'org:admin',
    });
    const lifecycle = new Lifecycle({ webhooks: [{ url: receiver.url, secret: WEBHOOK_SECRET }] });
    await ik.database.db.transaction(async (tx) => {
      await tx.execute(sql`UPDATE organization_invitations SET status = 'accepted' WHERE id = ${second_.id}`);
      await recordEvents(
        tx,
        lifecycle,
        [{ invitationId: second_.id, organizationId: orgId, type: 'accepted', data: { user_id: adminId } }],
        Date.now(),
      );
    });
    const accepted = await waitFor('the accepted webhook', () =>
      receiver.requests.find((r) => r.body.includes('"organizationInvitation.accepted"')),
    );
    const acceptedPayload = JSON.parse(accepted.body);
    assertWebhookContract('organizationInvitation.accepted', acceptedPayload);
    expect(acceptedPayload.data).toMatchObject({
      id: second_.id,
      status: 'accepted',
      user_id: adminId,
      role_name: 'Admin',
      public_inviter_data: null,
    });
  });

  it('sends application invitation webhooks as invitation.created, filtered by endpoint events', async () => {
    const all = await startWebhookReceiver();
    const revokesOnly = await startWebhookReceiver();
    cleanups.push(all.close, revokesOnly.close);
    const ik = await open({
      webhooks: [
        { url: all.url, secret: WEBHOOK_SECRET },
        { url: revokesOnly.url, secret: WEBHOOK_SECRET, events: ['invitation.revoked'] },
      ],
      mailer: { send: async () => {} },
    });
    ik.start();
    const invitation = await ik.services.invitations.create({ emailAddress: 'heidi@example.com' });
    await ik.services.invitations.revoke(invitation.id);
    await waitFor('both webhooks at the first endpoint', () => all.requests.length >= 2);
    await waitFor('the revoke at the second endpoint', () => revokesOnly.requests.length >= 1);
    const types = all.requests.map((r) => JSON.parse(r.body).type).sort();
    expect(types).toEqual(['invitation.created', 'invitation.revoked']);
    expect(revokesOnly.requests.map((r) => JSON.parse(r.body).type)).toEqual(['invitation.revoked']);
    const created = JSON.parse(all.requests.find((r) => r.body.includes('invitation.created'))!.body);
    expect(created.data).toMatchObject({ object: 'invitation', id: invitation.id, status: 'pending' });
    expect(created.data).not.toHaveProperty('url');
  });

  it('keeps the last messages in the development mailer and logs their links', async () => {
    const ik = await open({ devMailboxSize: 2 });
    expect(ik.devMailer).not.toBeNull();
    ik.start();
    for (const name of ['ivan', 'judy', 'ken']) {
      await ik.services.invitations.create({ emailAddress: `${name}@example.com` });
    }
    await waitFor(
      'three emails logged',
      () => ik.logs.filter((l) => l.message.startsWith('dev mailer')).length === 3,
    );
    const kept = ik.devMailer!.messages();
    expect(kept.map((m) => m.to)).toEqual(['ken@example.com', 'judy@example.com']);
    expect(kept[0]!.link).toMatch(/^https:\/\/app\.example\.com\/accept-invitation\?invitation_token=inv_/);
    expect(ik.logs.find((l) => l.data?.to === 'ken@example.com')?.data?.link).toBe(kept[0]!.link);
  });

  it('sweeps pending invitations past expiry into `expired`, with an event and nothing sent', async () => {
    let clock = Date.now();
    const receiver = await startWebhookReceiver();
    cleanups.push(receiver.close);
    const sent: string[] = [];
    const mailer: Mailer = { send: async (m) => void sent.push(m.to) };
    const ik = await open({
      now: () => clock,
      mailer,
      webhooks: [{ url: receiver.url, secret: WEBHOOK_SECRET }],
      sweeper: { intervalMs: 50, batchSize: 2 },
    });
    const { orgId } = await seed(ik);
    const orgInvites = [];
    for (const name of ['a', 'b', 'c']) {
      orgInvites.push(
        await ik.services.organizationInvitations.create(orgId, {
          emailAddress: `${name}@example.com`,
          role: 'org:member',
          expiresInDays: 1,
        }),
      );
    }
    const appInvite = await ik.services.invitations.create({
      emailAddress: 'd@example.com',
      expiresInDays: 1,
    });
    const keeps = await ik.services.invitations.create({ emailAddress: 'e@example.com', expiresInDays: 3 });
    ik.start();
    await waitFor('creation emails and webhooks', () => sent.length === 5 && receiver.requests.length === 5);
    await waitFor('their outcomes recorded', async () => {
      const [r] = await rows(ik, sql`SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'`);
      return r!.n === 0;
    });
    const webhooksBefore = receiver.requests.length;

    clock += 2 * 24 * 3600 * 1000;
    const stored = await waitFor('the sweep', async () => {
      const r = await rows(
        ik,
        sql`SELECT id, status, updated_at FROM organization_invitations UNION ALL SELECT id, status, updated_at FROM application_invitations`,
      );
      return r.filter((x) => x.status === 'expired').length === 4 && r;
    });
    const status = Object.fromEntries(stored.map((r) => [r.id, r.status]));
    expect(status[keeps.id]).toBe('pending');
    for (const i of [...orgInvites, appInvite]) {
      expect(status[i.id]).toBe('expired');
      expect((await events(ik, i.id)).map((e) => e.type)).toEqual(['created', 'emailed', 'expired']);
    }
    // Reads said `expired` before the sweep too; nothing is emailed or posted for it.
    expect((await ik.services.invitations.get(keeps.id)).status).toBe('pending');
    expect((await ik.services.organizationInvitations.get(orgId, orgInvites[0]!.id)).status).toBe('expired');
    const pending = await rows(ik, sql`SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'`);
    expect(pending[0]!.n).toBe(0);
    expect(sent).toHaveLength(5);
    expect(receiver.requests).toHaveLength(webhooksBefore);
  });

  it('close() with a send in flight waits for it and records the outcome', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = false;
    let finished = false;
    const mailer: Mailer = {
      async send() {
        started = true;
        await gate;
        finished = true;
      },
    };
    const created = await kind.create();
    cleanups.push(created.drop);
    const ik = await createInvitekit({ database: created.config, mailer, delivery: FAST });
    ik.start();
    await ik.services.invitations.create({ emailAddress: 'slow@example.com' });
    await waitFor('the send to start', () => started);
    const closing = ik.close();
    setTimeout(release, 50);
    await closing;
    expect(finished).toBe(true);
    if (kind.name === 'postgres') {
      const again = await createInvitekit({ database: created.config, mailer });
      cleanups.push(() => again.close());
      const [m] = await rows(again, sql`SELECT status, link FROM outbox`);
      expect(m).toMatchObject({ status: 'delivered', link: null });
    }
  });

  // Several processes claiming from one database: PGlite is embedded in one process, so PostgreSQL only.
  itOnPostgres(
    'a send that outlives its lease is taken over by another process, and its late outcome is ignored',
    async () => {
      const smtp = await startSmtpServer();
      cleanups.push(smtp.close);
      const created = await kind.create();
      cleanups.push(created.drop);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let stuck = false;
      // Process A: its send hangs past its short lease (as if it crashed before recording the outcome).
      const a = await open(
        {
          mailer: {
            send: async () => {
              stuck = true;
              await gate;
            },
          },
          // It claims only when woken by its own write: no poll comes back for the message.
          delivery: { leaseMs: 300, sendTimeoutMs: 120_000, pollIntervalMs: 600_000 },
        },
        created.config,
      );
      const { orgId } = await seed(a);
      a.start();
      const invitation = await a.services.organizationInvitations.create(orgId, {
        emailAddress: 'lease@example.com',
        role: 'org:member',
      });
      await waitFor('A to start sending', () => stuck);
      const [leased] = await outbox(a);
      expect(leased).toMatchObject({ status: 'pending', attempts: 1 });
      // Process B takes the message over once A's lease has run out, and delivers it.
      const b = await open({ smtpUrl: smtp.url }, created.config);
      b.start();
      await waitFor('B to deliver', () => smtp.received[0]);
      const [delivered] = await waitFor('the delivered mark', async () => {
        const m = await outbox(b);
        return m[0]?.status === 'delivered' && m;
      });
      expect(delivered).toMatchObject({ attempts: 2, link: null });
      // A finishes late: its outcome is fenced off by the attempt number.
      release();
      await a.close();
      const [after] = await outbox(b);
      expect(after).toMatchObject({ status: 'delivered', attempts: 2 });
      expect((await events(b, invitation.id)).map((e) => e.type)).toEqual(['created', 'emailed']);
      expect(smtp.received).toHaveLength(1);
    },
  );

  /** A mailer that records what it sends, and holds every send until opened (when given a gate). */
  function recordingMailer(gate?: Promise<void>) {
    const sent: string[] = [];
    const mailer: Mailer = {
      async send(message) {
        await gate;
        sent.push(message.to);
      },
    };
    return { mailer, sent };
  }

  itOnPostgres(
    'the process that creates an invitation sends its email itself; another dispatcher leaves it alone',
    async () => {
      const created = await kind.create();
      cleanups.push(created.drop);
      const inA = recordingMailer();
      const inB = recordingMailer();
      // The direct path is the unlimited create's (a limited one leaves its email to the dispatcher).
      const a = await open({ mailer: inA.mailer, limits: UNLIMITED }, created.config);
      const b = await open({ mailer: inB.mailer }, created.config);
      const { orgId } = await seed(a);
      a.start();
      b.start(); // polls every 50 ms (FAST): it would claim any due email
      const N = 20;
      const invitations = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          a.services.organizationInvitations.create(orgId, {
            emailAddress: `direct${i}@example.com`,
            role: 'org:member',
          }),
        ),
      );
      await waitFor('20 delivered marks', async () => {
        const m = await outbox(a);
        return m.length === N && m.every((r) => r.status === 'delivered');
      });
      expect(inA.sent.sort()).toEqual(invitations.map((i) => i.emailAddress).sort());
      expect(inB.sent).toEqual([]);
      // Written already claimed: one attempt each, and no claim came after.
      expect((await outbox(a)).map((r) => r.attempts)).toEqual(Array(N).fill(1));
      for (const i of invitations) {
        expect((await events(a, i.id)).map((e) => e.type)).toEqual(['created', 'emailed']);
      }
    },
  );

  itOnPostgres(
    'emails beyond what the creating process holds are left due, and another dispatcher sends them',
    async () => {
      const created = await kind.create();
      cleanups.push(created.drop);
      let open_!: () => void;
      const gate = new Promise<void>((r) => (open_ = r));
      // A sends one at a time and holds at most 8 (concurrency × 8), and its sends wait for the gate.
      const inA = recordingMailer(gate);
      const inB = recordingMailer();
      const a = await open(
        { mailer: inA.mailer, delivery: { concurrency: 1, pollIntervalMs: 600_000 }, limits: UNLIMITED },
        created.config,
      );
      const { orgId } = await seed(a);
      a.start();
      const N = 12;
      await Promise.all(
        Array.from({ length: N }, (_, i) =>
          a.services.organizationInvitations.create(orgId, {
            emailAddress: `overflow${i}@example.com`,
            role: 'org:member',
          }),
        ),
      );
      const rowsNow = await outbox(a);
      expect(rowsNow.filter((r) => r.attempts === 1)).toHaveLength(8); // leased to A
      expect(rowsNow.filter((r) => r.attempts === 0)).toHaveLength(4); // due for anyone
      const b = await open({ mailer: inB.mailer }, created.config);
      b.start();
      await waitFor('B to send the 4 due emails', () => inB.sent.length === 4);
      open_();
      await waitFor('12 delivered marks', async () => {
        const m = await outbox(a);
        return m.filter((r) => r.status === 'delivered').length === N;
      });
      expect(inA.sent).toHaveLength(8);
      expect(new Set([...inA.sent, ...inB.sent]).size).toBe(N);
    },
  );

  itOnPostgres(
    'a write in a process that runs no dispatcher wakes another process at once (NOTIFY), also after its LISTEN connection was lost',
    async () => {
      const created = await kind.create();
      cleanups.push(created.drop);
      const inA = recordingMailer();
      // A polls once a minute: within this test only a notification can wake it.
      const a = await open({ mailer: inA.mailer, delivery: { pollIntervalMs: 60_000 } }, created.config);
      const writer = await open({ mailer: recordingMailer().mailer }, created.config); // never started
      const { orgId } = await seed(writer);
      const listeners = () =>
        rows(
          writer,
          sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
        );
      a.start();
      const [first] = await waitFor(
        'A to listen',
        async () => (await listeners()).length === 1 && listeners(),
      );
      await writer.services.organizationInvitations.create(orgId, {
        emailAddress: 'woken@example.com',
        role: 'org:member',
      });
      await waitFor('A to send the email', () => inA.sent.length === 1, { timeoutMs: 10_000 });

      // The listening connection is lost: A connects again and listens on.
      await rows(writer, sql`SELECT pg_terminate_backend(${first!.pid}::int)`);
      await waitFor('A to listen again', async () => {
        const now = await listeners();
        return now.length === 1 && now[0]!.pid !== first!.pid;
      });
      await writer.services.organizationInvitations.create(orgId, {
        emailAddress: 'woken-again@example.com',
        role: 'org:member',
      });
      await waitFor('A to send the second email', () => inA.sent.length === 2, { timeoutMs: 10_000 });
      expect(inA.sent).toEqual(['woken@example.com', 'woken-again@example.com']);
    },
  );

  itOnPostgres(
    'two instances on one database deliver 200 emails exactly once in total',
    async () => {
      const smtp = await startSmtpServer({ parse: false });
      cleanups.push(smtp.close);
      const created = await kind.create();
      cleanups.push(created.drop);
      const a = await open({ smtpUrl: smtp.url, delivery: { concurrency: 8 } }, created.config);
      const b = await open({ smtpUrl: smtp.url, delivery: { concurrency: 8 } }, created.config);
      const { orgId } = await seed(a);
      // Seed with neither started, then start both at once: they compete for every row.
      const N = 200;
      for (let i = 0; i < N; i += 10) {
        await a.services.organizationInvitations.createMany(
          orgId,
          Array.from({ length: 10 }, (_, j) => ({
            emailAddress: `user${i + j}@example.com`,
            role: 'org:member',
          })),
        );
      }
      a.start();
      b.start();
      await waitFor('200 delivered marks', async () => {
        const [r] = await rows(a, sql`SELECT count(*)::int AS n FROM outbox WHERE status = 'delivered'`);
        return r!.n === N;
      });
      expect(smtp.count()).toBe(N);
      const recipients = smtp.received.flatMap((m) => m.to);
      expect(new Set(recipients).size).toBe(N);
      const [emailed] = await rows(
        a,
        sql`SELECT count(*)::int AS n FROM invitation_events WHERE type = 'emailed'`,
      );
      expect(emailed!.n).toBe(N);
    },
    120_000,
  );
});
