import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { startSmtpServer, waitFor } from '../../../test/support/smtp.js';
import { startWebhookReceiver } from '../../../test/support/webhook-receiver.js';
import { ReminderSweeper } from '../src/delivery/reminders.js';
import { ReminderSchedule } from '../src/domain/reminders.js';
import { createInvitekit, type Invitekit, type InvitekitConfig, type Mailer } from '../src/index.js';
import type { AcceptedInvitation } from '../src/services/acceptance.js';
import { Lifecycle } from '../src/services/lifecycle-config.js';

const ACCEPT_URL = 'https://app.example.com/accept-invitation';
const DAY = 24 * 3600 * 1000;
const MINUTE = 60 * 1000;
const SECRET = 'sk_test_reminders';
const WEBHOOK_SECRET = `whsec_${Buffer.from('invitekit-webhook-test-secret-32b').toString('base64')}`;
const FAST = { pollIntervalMs: 50, retryBaseMs: 20, retryMaxMs: 100 };
/** 3 days after sending and 1 day before expiry, at most 2: the schedule the README suggests. */
const SCHEDULE = { afterSendDays: [3], beforeExpiryDays: [1], max: 2, intervalMs: 50 };

type Row = Record<string, any>;
const rows = async (ik: Invitekit, query: ReturnType<typeof sql>) =>
  ((await ik.database.db.execute(query)) as unknown as { rows: Row[] }).rows;
const tokenOf = (link: string) => new URL(link).searchParams.get('invitation_token')!;
const linkIn = (text: string) => /Accept the invitation: (\S+)/.exec(text)![1]!;

describe('reminder schedule', () => {
  it('lists the times strictly between sending and expiry, merged and in order; next() honours max', () => {
    const s = new ReminderSchedule({ afterSendDays: [3, 1], beforeExpiryDays: [1, 40], max: 2 });
    // Sent at 0, expires on day 7: days 1, 3 and 6 (40 days before expiry is before sending).
    expect(s.times(0, 7 * DAY)).toEqual([1 * DAY, 3 * DAY, 6 * DAY]);
    // Expires on day 4: day 3 after sending and 1 before expiry are one reminder.
    expect(s.times(0, 4 * DAY)).toEqual([1 * DAY, 3 * DAY]);
    expect(s.next(0, 7 * DAY, 0)).toBe(1 * DAY);
    // A late sweep on day 5 skips day 3: the next is day 6.
    expect(s.next(0, 7 * DAY, 5 * DAY, 1)).toBe(6 * DAY);
    expect(s.next(0, 7 * DAY, 1 * DAY, 2)).toBeNull();
    expect(s.next(0, 7 * DAY, 6 * DAY)).toBeNull();
  });
});

describe.each(testDatabases())('reminders on $name', (kind) => {
  const itOnPostgres = kind.name === 'postgres' ? it : () => {};
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function database() {
    const created = await kind.create();
    cleanups.push(created.drop);
    return created.config;
  }

  async function open(config: Partial<InvitekitConfig> = {}, db?: InvitekitConfig['database']) {
    const ik = await createInvitekit({
      database: db ?? (await database()),
      acceptUrl: ACCEPT_URL,
      secretKeys: [SECRET],
      limits: { maxPendingPerOrganization: 0, maxPerInviterPerHour: 0 },
      reminders: SCHEDULE,
      ...config,
      delivery: { ...FAST, ...config.delivery },
    });
    cleanups.push(() => ik.close());
    return ik;
  }

  async function seed(ik: Invitekit, slug = 'acme') {
    const admin = await ik.services.users.create({
      emailAddresses: [`ada@${slug}.example`],
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    const org = await ik.services.organizations.create({ name: 'Acme', slug, createdBy: admin.id });
    return { adminId: admin.id, orgId: org.id };
  }

  /** A mailer that keeps what it sends. */
  function keepingMailer() {
    const sent: { to: string; subject: string; link?: string | null }[] = [];
    const mailer: Mailer = {
      send: async (m) => void sent.push({ to: m.to, subject: m.subject, link: m.link }),
    };
    return { sent, mailer };
  }

  const invitationRow = async (ik: Invitekit, id: string) =>
    (
      await rows(
        ik,
        sql`SELECT status, next_reminder_at, reminders_sent, encode(token_hash, 'hex') AS hash
            FROM organization_invitations WHERE id = ${id}
            UNION ALL SELECT status, next_reminder_at, reminders_sent, encode(token_hash, 'hex')
            FROM application_invitations WHERE id = ${id}`,
      )
    )[0]!;
  const eventTypes = async (ik: Invitekit, id: string) =>
    (await rows(ik, sql`SELECT type FROM invitation_events WHERE invitation_id = ${id} ORDER BY id`)).map(
      (e) => e.type as string,
    );
  const outboxSettled = (ik: Invitekit) =>
    waitFor('the outbox to settle', async () => {
      const [r] = await rows(ik, sql`SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'`);
      return r!.n === 0;
    });
  const hashOf = (token: string) => createHash('sha256').update(token.split('.')[1]!).digest('hex');

  it('sends 3 days after sending and 1 day before expiry over SMTP, with a working link, at most twice', async () => {
    let clock = Date.now();
    const smtp = await startSmtpServer();
    cleanups.push(smtp.close);
    const receiver = await startWebhookReceiver();
    cleanups.push(receiver.close);
    const ik = await open({
      now: () => clock,
      smtpUrl: smtp.url,
      webhooks: [{ url: receiver.url, secret: WEBHOOK_SECRET }],
    });
    const { adminId, orgId } = await seed(ik);
    const created = clock;
    const invitation = await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'bob@example.com',
      role: 'org:member',
      inviterUserId: adminId,
      expiresInDays: 7,
    });
    expect(Number((await invitationRow(ik, invitation.id)).next_reminder_at)).toBe(created + 3 * DAY);
    ik.start();
    await waitFor('the invitation email', () => smtp.received.length === 1);
    await outboxSettled(ik);
    const firstLink = linkIn(smtp.received[0]!.parsed.text ?? '');

    // Day 2: nothing due.
    clock = created + 2 * DAY;
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received).toHaveLength(1);

    // Day 3: the first reminder, through the same SMTP server, with a new link that works.
    clock = created + 3 * DAY + MINUTE;
    const reminder = await waitFor('the first reminder', () => smtp.received[1]);
    expect(reminder.to).toEqual(['bob@example.com']);
    expect(reminder.parsed.subject).toBe('Reminder: Ada Lovelace invited you to join Acme');
    expect(reminder.parsed.text).toContain('Ada Lovelace invited you to join Acme as Member');
    const link = new URL(linkIn(reminder.parsed.text ?? ''));
    expect(`${link.origin}${link.pathname}`).toBe(ACCEPT_URL);
    expect(String(reminder.parsed.html)).toContain(link.toString().replaceAll('&', '&amp;'));
    const token = link.searchParams.get('invitation_token')!;
    expect(token.startsWith(`${invitation.id}.`)).toBe(true);
    let row = await invitationRow(ik, invitation.id);
    expect(row.hash).toBe(hashOf(token));
    expect(Number(row.reminders_sent)).toBe(1);
    expect(Number(row.next_reminder_at)).toBe(created + 6 * DAY);
    const preview = await ik.services.acceptance.preview(token);
    expect(preview.organization?.name).toBe('Acme');
    // Unlike resend, the earlier link keeps working.
    expect((await ik.services.acceptance.preview(tokenOf(firstLink))).invitationId).toBe(invitation.id);

    // Day 6 (1 day before expiry): the second and last reminder. (Settled first: a lease taken on day 3
    // would otherwise end at the jump, and an email still in flight be claimed and sent again.)
    await outboxSettled(ik);
    clock = created + 6 * DAY + MINUTE;
    const second = await waitFor('the second reminder', () => smtp.received[2]);
    row = await invitationRow(ik, invitation.id);
    expect(Number(row.reminders_sent)).toBe(2);
    expect(row.next_reminder_at).toBeNull();
    await outboxSettled(ik);
    // The latest link accepts.
    const bob = await ik.services.users.create({ emailAddresses: ['bob@example.com'] });
    const accepted = await ik.services.acceptance.acceptToken(tokenOf(linkIn(second.parsed.text ?? '')), {
      id: bob.id,
      emailAddresses: [{ emailAddress: 'bob@example.com', verified: true }],
    });
    expect(accepted.kind).toBe('organization');

    // Ids order events by time; the test clock stands still between a reminder and its `emailed`.
    expect((await eventTypes(ik, invitation.id)).sort()).toEqual(
      ['created', 'emailed', 'reminded', 'emailed', 'reminded', 'emailed', 'accepted'].sort(),
    );
    const [event] = await rows(
      ik,
      sql`SELECT data FROM invitation_events WHERE invitation_id = ${invitation.id} AND type = 'reminded' ORDER BY id LIMIT 1`,
    );
    expect(event!.data).toEqual({ reminder: 1, next_reminder_at: created + 6 * DAY });
    // The event history route lists them; no webhook announces a reminder.
    const history = await ik.handle({
      method: 'GET',
      path: `/v1/organizations/${orgId}/invitations/${invitation.id}/events`,
      query: {},
      headers: { authorization: `Bearer ${SECRET}` },
    });
    expect((history.body as { data: { type: string }[] }).data.map((e) => e.type)).toContain('reminded');
    await waitFor('the accepted webhook', () => receiver.requests.length === 2);
    expect(receiver.requests.map((r) => JSON.parse(r.body).type)).toEqual([
      'organizationInvitation.created',
      'organizationInvitation.accepted',
    ]);
    expect(smtp.received).toHaveLength(3);
  });

  const refused = (code: string) => ({ errors: [expect.objectContaining({ code })] });
  const earlierHashes = async (ik: Invitekit, id: string) =>
    (
      await rows(
        ik,
        sql`SELECT ARRAY(SELECT encode(h, 'hex') FROM unnest(reminder_token_hashes) h) AS hashes,
              reminder_token_hashes IS NULL AS cleared
            FROM organization_invitations WHERE id = ${id}
            UNION ALL SELECT ARRAY(SELECT encode(h, 'hex') FROM unnest(reminder_token_hashes) h),
              reminder_token_hashes IS NULL
            FROM application_invitations WHERE id = ${id}`,
      )
    )[0]!;

  /** Starts `ik` with its clock, waits for the invitation emails, then for the reminders of day 3 and 6. */
  async function remindTwice(
    ik: Invitekit,
    sent: { link?: string | null }[],
    invitations: number,
    setClock: (t: number) => void,
    created: number,
  ) {
    ik.start();
    // Settled before each jump of the clock, which would end the leases of emails still in flight.
    await waitFor('the invitation emails', () => sent.length === invitations);
    await outboxSettled(ik);
    setClock(created + 3 * DAY + MINUTE);
    await waitFor('the first reminders', () => sent.length === 2 * invitations);
    await outboxSettled(ik);
    setClock(created + 6 * DAY + MINUTE);
    await waitFor('the second reminders', () => sent.length === 3 * invitations);
    await outboxSettled(ik);
  }

  it('keeps earlier links after reminders: every link previews; the first accepts exactly once, then none does', async () => {
    let clock = Date.now();
    const { sent, mailer } = keepingMailer();
    const ik = await open({ now: () => clock, mailer });
    const { adminId, orgId } = await seed(ik);
    const created = clock;
    const invitation = await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'bob@example.com',
      role: 'org:member',
      inviterUserId: adminId,
      expiresInDays: 7,
    });
    const appInvitation = await ik.services.invitations.create({
      emailAddress: 'carol@example.com',
      expiresInDays: 7,
    });
    await remindTwice(
      ik,
      sent,
      2,
      (t) => {
        clock = t;
      },
      created,
    );
    const linksTo = (to: string) =>
      sent.filter((m) => (m as { to: string }).to === to).map((m) => tokenOf(m.link!));
    const [original, first, second] = linksTo('bob@example.com');
    // The create response's url is the invitation email's link.
    expect(tokenOf(invitation.url!)).toBe(original);
    expect(new Set([original, first, second]).size).toBe(3);
    for (const token of [original!, first!, second!]) {
      expect(await ik.services.acceptance.preview(token)).toMatchObject({
        invitationId: invitation.id,
        status: 'pending',
      });
    }
    // The current hash is the last reminder's; the two it replaced are kept, in order.
    expect((await invitationRow(ik, invitation.id)).hash).toBe(hashOf(second!));
    expect((await earlierHashes(ik, invitation.id)).hashes).toEqual([hashOf(original!), hashOf(first!)]);
    // Event snapshots keep no hash, of the current link or of earlier ones.
    for (const { snapshot } of await rows(
      ik,
      sql`SELECT snapshot FROM invitation_events WHERE snapshot IS NOT NULL AND invitation_id IN (${invitation.id}, ${appInvitation.id})`,
    )) {
      expect(Object.keys(snapshot.invitation)).not.toContain('token_hash');
      expect(Object.keys(snapshot.invitation)).not.toContain('reminder_token_hashes');
    }
    // The Frontend API's ticket route (what accept pages call) previews the first link too.
    const ticket = await ik.handle({
      method: 'POST',
      path: '/frontend/v1/tickets/preview',
      query: {},
      headers: { 'content-type': 'application/json' },
      body: { token: original },
    });
    expect(ticket).toMatchObject({ status: 200, body: { response: { invitation_id: invitation.id } } });
    // A forged secret still fails.
    await expect(ik.services.acceptance.preview(`${invitation.id}.${'x'.repeat(43)}`)).rejects.toMatchObject(
      refused('invitation_token_invalid'),
    );

    const bob = await ik.services.users.create({ emailAddresses: ['bob@example.com'] });
    const asBob = { id: bob.id, emailAddresses: [{ emailAddress: 'bob@example.com', verified: true }] };
    const accepted = await ik.services.acceptance.acceptToken(original!, asBob);
    expect(accepted).toMatchObject({
      kind: 'organization',
      invitation: { id: invitation.id, status: 'accepted' },
    });
    for (const token of [original!, first!, second!]) {
      await expect(ik.services.acceptance.acceptToken(token, asBob)).rejects.toMatchObject(
        refused('invitation_not_pending'),
      );
    }
    const memberships = await ik.services.memberships.list(orgId);
    expect(memberships.data.filter((m) => m.user.userId === bob.id)).toHaveLength(1);
    expect((await eventTypes(ik, invitation.id)).filter((t) => t === 'accepted')).toHaveLength(1);
    expect(await earlierHashes(ik, invitation.id)).toMatchObject({ cleared: true });

    // An application invitation: every link previews after two reminders.
    const [appOriginal, appFirst, appSecond] = linksTo('carol@example.com');
    for (const token of [appOriginal!, appFirst!, appSecond!]) {
      expect((await ik.services.acceptance.preview(token)).invitationId).toBe(appInvitation.id);
    }
    // Reads of the whole invitation are unchanged, and never show the kept hashes.
    const listed = await ik.handle({
      method: 'GET',
      path: '/v1/invitations',
      query: {},
      headers: { authorization: `Bearer ${SECRET}` },
    });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain('reminder_token_hashes');
    expect((await ik.services.invitations.get(appInvitation.id)).status).toBe('pending');
    const carol = await ik.services.users.create({ emailAddresses: ['carol@example.com'] });
    const asCarol = { id: carol.id, emailAddresses: [{ emailAddress: 'carol@example.com', verified: true }] };
    // Its three links race: one accept wins, the others find it no longer pending.
    const race = await Promise.allSettled(
      [appOriginal!, appFirst!, appSecond!].map((token) =>
        ik.services.acceptance.acceptToken(token, asCarol),
      ),
    );
    const won = race.filter((r): r is PromiseFulfilledResult<AcceptedInvitation> => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(won[0]!.value).toMatchObject({
      kind: 'application',
      invitation: { id: appInvitation.id, status: 'accepted' },
    });
    for (const r of race.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toMatchObject(refused('invitation_not_pending'));
    }
    expect((await eventTypes(ik, appInvitation.id)).filter((t) => t === 'accepted')).toHaveLength(1);
    expect(await earlierHashes(ik, appInvitation.id)).toMatchObject({ cleared: true });
  });

  it('a resend after reminders kills every earlier link, as does an edit with notify; revoke clears them too', async () => {
    let clock = Date.now();
    const { sent, mailer } = keepingMailer();
    const ik = await open({ now: () => clock, mailer });
    const { orgId } = await seed(ik);
    const created = clock;
    const invitation = await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'bob@example.com',
      role: 'org:member',
      expiresInDays: 7,
    });
    const appInvitation = await ik.services.invitations.create({
      emailAddress: 'carol@example.com',
      expiresInDays: 7,
    });
    const edited = await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'dave@example.com',
      role: 'org:member',
      expiresInDays: 7,
    });
    await remindTwice(
      ik,
      sent,
      3,
      (t) => {
        clock = t;
      },
      created,
    );
    const linksTo = (to: string) =>
      sent.filter((m) => (m as { to: string }).to === to).map((m) => tokenOf(m.link!));
    const earlier = linksTo('bob@example.com');
    expect(earlier).toHaveLength(3);

    const resent = await ik.services.organizationInvitations.resend(orgId, invitation.id);
    expect(await earlierHashes(ik, invitation.id)).toMatchObject({ cleared: true });
    const bob = await ik.services.users.create({ emailAddresses: ['bob@example.com'] });
    const asBob = { id: bob.id, emailAddresses: [{ emailAddress: 'bob@example.com', verified: true }] };
    for (const token of earlier) {
      await expect(ik.services.acceptance.preview(token)).rejects.toMatchObject(
        refused('invitation_token_invalid'),
      );
      await expect(ik.services.acceptance.acceptToken(token, asBob)).rejects.toMatchObject(
        refused('invitation_token_invalid'),
      );
      await expect(ik.services.acceptance.declineToken(token, asBob)).rejects.toMatchObject(
        refused('invitation_token_invalid'),
      );
    }
    // The resend's link is the one that works.
    expect(await ik.services.acceptance.acceptToken(tokenOf(resent.url!), asBob)).toMatchObject({
      invitation: { id: invitation.id, status: 'accepted' },
    });

    // The application invitation: resend kills the earlier links too; revoke leaves none behind.
    const appEarlier = linksTo('carol@example.com');
    const appResent = await ik.services.invitations.resend(appInvitation.id);
    for (const token of appEarlier) {
      await expect(ik.services.acceptance.preview(token)).rejects.toMatchObject(
        refused('invitation_token_invalid'),
      );
    }
    expect((await ik.services.acceptance.preview(tokenOf(appResent.url!))).invitationId).toBe(
      appInvitation.id,
    );
    await ik.services.invitations.revoke(appInvitation.id);
    expect(await earlierHashes(ik, appInvitation.id)).toMatchObject({ cleared: true });

    // An edit in place keeps every link; an edit with notify: true emails a new one, as resend does.
    const edit = (body: Record<string, unknown>) =>
      ik.handle({
        method: 'PATCH',
        path: `/v1/organizations/${orgId}/invitations/${edited.id}`,
        query: {},
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body,
      }) as Promise<{ status: number; body: any }>;
    const editedLinks = linksTo('dave@example.com');
    expect((await edit({ role: 'org:admin' })).status).toBe(200);
    for (const token of editedLinks) {
      expect((await ik.services.acceptance.preview(token)).role).toBe('org:admin');
    }
    const notified = await edit({ role: 'org:member', notify: true });
    expect(notified.status).toBe(200);
    for (const token of editedLinks) {
      await expect(ik.services.acceptance.preview(token)).rejects.toMatchObject(
        refused('invitation_token_invalid'),
      );
    }
    expect((await ik.services.acceptance.preview(tokenOf(notified.body.url))).role).toBe('org:member');
  });

  it('sends at most `max` reminders, and reminds application invitations with their own template', async () => {
    let clock = Date.now();
    const { sent, mailer } = keepingMailer();
    const ik = await open({
      now: () => clock,
      mailer,
      email: { appName: 'Acme App' },
      reminders: { afterSendDays: [1, 2, 3, 4], beforeExpiryDays: [], max: 2, intervalMs: 50 },
    });
    const created = clock;
    const invitation = await ik.services.invitations.create({ emailAddress: 'carol@example.com' });
    ik.start();
    await waitFor('the invitation email', () => sent.length === 1);
    for (const day of [1, 2, 3, 4]) {
      // Every send is recorded before the clock moves (see 'sends nothing when reminders are not configured').
      await outboxSettled(ik);
      clock = created + day * DAY + MINUTE;
      await waitFor(`the sweep of day ${day}`, async () => {
        const r = await invitationRow(ik, invitation.id);
        return Number(r.next_reminder_at ?? Number.POSITIVE_INFINITY) > clock;
      });
    }
    await outboxSettled(ik);
    expect(sent.map((m) => m.subject)).toEqual([
      "You're invited to join Acme App",
      "Reminder: you're invited to join Acme App",
      "Reminder: you're invited to join Acme App",
    ]);
    const row = await invitationRow(ik, invitation.id);
    expect(Number(row.reminders_sent)).toBe(2);
    expect(row.next_reminder_at).toBeNull();
    expect(row.hash).toBe(hashOf(tokenOf(sent[2]!.link!)));
  });

  it('skips invitations accepted, revoked or expired before the reminder, and sends the others', async () => {
    let clock = Date.now();
    const { sent, mailer } = keepingMailer();
    const ik = await open({ now: () => clock, mailer });
    const { orgId } = await seed(ik);
    const created = clock;
    const make = (email: string, expiresInDays = 7) =>
      ik.services.organizationInvitations.create(orgId, {
        emailAddress: email,
        role: 'org:member',
        expiresInDays,
      });
    const toAccept = await make('accept@example.com');
    const toRevoke = await make('revoke@example.com');
    // Expires on day 3: its one reminder is due on day 2 (1 day before expiry), still due on day 4.
    const toExpire = await make('expire@example.com', 3);
    const control = await make('control@example.com');
    ik.start();
    await waitFor('the invitation emails', () => sent.length === 4);
    const user = await ik.services.users.create({ emailAddresses: ['accept@example.com'] });
    await ik.services.acceptance.acceptOrganizationInvitation(toAccept.id, {
      id: user.id,
      emailAddresses: [{ emailAddress: 'accept@example.com', verified: true }],
    });
    await ik.services.organizationInvitations.revoke(orgId, toRevoke.id);
    await outboxSettled(ik);

    clock = created + 4 * DAY;
    await waitFor('the control reminder', () => sent.length === 5);
    await outboxSettled(ik);
    expect(sent[4]!.to).toBe('control@example.com');
    expect(await eventTypes(ik, toAccept.id)).not.toContain('reminded');
    expect(await eventTypes(ik, toRevoke.id)).not.toContain('reminded');
    expect(await eventTypes(ik, toExpire.id)).not.toContain('reminded');
    const expired = await invitationRow(ik, toExpire.id);
    expect(expired.next_reminder_at).toBeNull();
    expect(Number(expired.reminders_sent)).toBe(0);
    expect(Number((await invitationRow(ik, control.id)).reminders_sent)).toBe(1);
  });

  it('checks again at send time: a reminder swept before its invitation was revoked is not sent', async () => {
    let clock = Date.now();
    const { sent, mailer } = keepingMailer();
    const db = await database();
    const ik = await open({ now: () => clock, mailer }, db);
    const { orgId } = await seed(ik);
    const created = clock;
    const invitation = await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'late@example.com',
      role: 'org:member',
      notify: true,
    });
    // A sweep with no dispatcher running (another process's sweeper, say) puts the reminder in the outbox.
    clock = created + 3 * DAY + MINUTE;
    const sweeper = new ReminderSweeper({
      db: ik.database.db,
      lifecycle: new Lifecycle({ acceptUrl: ACCEPT_URL, reminders: SCHEDULE }),
      schedule: new ReminderSchedule(SCHEDULE),
      now: () => clock,
      log: () => {},
      outage: () => false,
      wake: () => {},
    });
    expect(await sweeper.run()).toBe(1);
    await ik.services.organizationInvitations.revoke(orgId, invitation.id);
    ik.start();
    await outboxSettled(ik);
    // Both emails were checked when sent: the invitation email and the reminder.
    expect(sent).toEqual([]);
    const [failed] = await rows(
      ik,
      sql`SELECT o.status, o.last_error FROM outbox o JOIN invitation_events e ON e.id = o.event_id
          WHERE e.type = 'reminded'`,
    );
    expect(failed).toMatchObject({ status: 'failed', last_error: 'not sent: the invitation is revoked' });
  });

  it('sends none for notify: false, for `reminders: false` on create, or while the organization opts out', async () => {
    let clock = Date.now();
    const { sent, mailer } = keepingMailer();
    const ik = await open({ now: () => clock, mailer });
    const { orgId } = await seed(ik);
    const other = await seed(ik, 'other');
    const created = clock;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await ik.handle({
        method,
        path,
        query: {},
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body,
      });
      return res as { status: number; body: any };
    };
    const silent = await call('POST', `/v1/organizations/${orgId}/invitations`, {
      email_address: 'silent@example.com',
      role: 'org:member',
      notify: false,
    });
    const optedOut = await call('POST', `/v1/organizations/${orgId}/invitations`, {
      email_address: 'optout@example.com',
      role: 'org:member',
      reminders: false,
    });
    const appOptedOut = await call('POST', '/v1/invitations', {
      email_address: 'app-optout@example.com',
      reminders: false,
    });
    expect([silent.status, optedOut.status, appOptedOut.status]).toEqual([200, 200, 200]);
    // The extension field does not appear in Clerk's response shape.
    expect(optedOut.body).not.toHaveProperty('reminders');
    for (const r of [silent, optedOut, appOptedOut]) {
      expect((await invitationRow(ik, r.body.id)).next_reminder_at).toBeNull();
    }
    expect(
      (
        await call('POST', `/v1/organizations/${orgId}/invitations`, {
          email_address: 'x@example.com',
          role: 'org:member',
          reminders: 'no',
        })
      ).status,
    ).toBe(422);

    // The organization opts out; the other organization's invitation is reminded as usual.
    const off = await call('PATCH', `/v1/organizations/${orgId}/reminder_settings`, { enabled: false });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({
      object: 'organization_reminder_settings',
      organization_id: orgId,
      enabled: false,
      updated_at: created,
    });
    expect((await call('GET', `/v1/organizations/${other.orgId}/reminder_settings`)).body).toMatchObject({
      enabled: true,
      updated_at: null,
    });
    expect((await call('GET', '/v1/organizations/org_missing/reminder_settings')).status).toBe(404);
    const held = await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'held@example.com',
      role: 'org:member',
    });
    const elsewhere = await ik.services.organizationInvitations.create(other.orgId, {
      emailAddress: 'elsewhere@example.com',
      role: 'org:member',
    });
    ik.start();
    await waitFor('the invitation emails', () => sent.length === 4);
    await outboxSettled(ik);

    clock = created + 3 * DAY + MINUTE;
    await waitFor('the other organization’s reminder', () => sent.length === 5);
    await waitFor('the opted-out step skipped', async () => {
      const r = await invitationRow(ik, held.id);
      return Number(r.next_reminder_at) === created + 29 * DAY && r;
    });
    expect(sent[4]!.to).toBe('elsewhere@example.com');
    expect(Number((await invitationRow(ik, held.id)).reminders_sent)).toBe(0);
    expect(Number((await invitationRow(ik, elsewhere.id)).reminders_sent)).toBe(1);

    // Back on: the schedule's next step (1 day before expiry) is sent.
    await call('PATCH', `/v1/organizations/${orgId}/reminder_settings`, { enabled: true });
    await outboxSettled(ik);
    clock = created + 29 * DAY + MINUTE;
    await waitFor('the reminders of day 29', () => sent.length === 7);
    await outboxSettled(ik);
    expect(
      sent
        .slice(5)
        .map((m) => m.to)
        .sort(),
    ).toEqual(['elsewhere@example.com', 'held@example.com']);
    for (const r of [silent, optedOut, appOptedOut]) {
      expect(await eventTypes(ik, r.body.id)).not.toContain('reminded');
    }
  });

  it('sends nothing when reminders are not configured (the default)', async () => {
    let clock = Date.now();
    const { sent, mailer } = keepingMailer();
    const ik = await open({ now: () => clock, mailer, reminders: undefined });
    const { orgId } = await seed(ik);
    const invitation = await ik.services.organizationInvitations.create(orgId, {
      emailAddress: 'bob@example.com',
      role: 'org:member',
    });
    expect((await invitationRow(ik, invitation.id)).next_reminder_at).toBeNull();
    ik.start();
    // The invitation email is sent and recorded before the clock moves: a jump past its lease while the
    // outcome was still unrecorded would let a second claim send it again (the lease follows this clock).
    await waitFor('the invitation email', () => sent.length === 1);
    await outboxSettled(ik);
    clock += 29 * DAY;
    await new Promise((r) => setTimeout(r, 300));
    expect(sent).toHaveLength(1);
  });

  itOnPostgres(
    'two instances, each with its own pool, dispatcher and sweeper, send each reminder once',
    async () => {
      let clock = Date.now();
      const smtp = await startSmtpServer({ parse: false });
      cleanups.push(smtp.close);
      const db = await database();
      const a = await open(
        { now: () => clock, smtpUrl: smtp.url, reminders: { ...SCHEDULE, batchSize: 7 } },
        db,
      );
      const b = await open(
        { now: () => clock, smtpUrl: smtp.url, reminders: { ...SCHEDULE, batchSize: 7 } },
        db,
      );
      const { orgId } = await seed(a);
      const created = clock;
      const N = 120;
      await a.services.organizationInvitations.createMany(
        orgId,
        Array.from({ length: N }, (_, i) => ({
          emailAddress: `p${i}@example.com`,
          role: 'org:member',
        })).slice(0, 10),
      );
      for (let i = 10; i < N; i += 10) {
        await a.services.organizationInvitations.createMany(
          orgId,
          Array.from({ length: 10 }, (_, j) => ({
            emailAddress: `p${i + j}@example.com`,
            role: 'org:member',
          })),
        );
      }
      a.start();
      b.start();
      await waitFor('the invitation emails', () => smtp.count() === N);
      await outboxSettled(a);
      clock = created + 3 * DAY + MINUTE;
      await waitFor('the reminders', () => smtp.count() === 2 * N);
      await outboxSettled(a);
      await new Promise((r) => setTimeout(r, 300));
      expect(smtp.count()).toBe(2 * N);
      const [counts] = await rows(
        a,
        sql`SELECT count(*) FILTER (WHERE type = 'reminded')::int AS reminded,
                 count(DISTINCT invitation_id) FILTER (WHERE type = 'reminded')::int AS invitations
          FROM invitation_events`,
      );
      expect(counts).toEqual({ reminded: N, invitations: N });
      const perAddress = new Map<string, number>();
      for (const m of smtp.received) for (const to of m.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
      expect([...perAddress.values()].every((n) => n === 2)).toBe(true);
    },
  );
});
