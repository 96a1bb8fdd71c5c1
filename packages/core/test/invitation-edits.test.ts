import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { waitFor } from '../../../test/support/smtp.js';
import { startWebhookReceiver } from '../../../test/support/webhook-receiver.js';
import { createInvitekit, type Invitekit, type InvitekitRequest } from '../src/index.js';

// Editing a pending invitation in place (Invitekit extension), through the real request handler on both
// databases: every field, the link kept, no email unless asked, the `updated` event, the Frontend API's
// admin path, and the refusals.

const KEY = 'sk_test_edits';
const DAY = 24 * 60 * 60 * 1000;
const HOOK = 'https://hooks.example.com/all';
const OPT_IN = 'https://hooks.example.com/updates';
const SECRET = `whsec_${Buffer.from('invitekit-webhook-test-secret-32b').toString('base64')}`;

type Body = Record<string, any>;

describe.each(testDatabases())('invitation edits on $name', (kind) => {
  let ik: Invitekit;
  let drop: () => Promise<void>;
  let clock = Date.UTC(2026, 0, 10, 9, 0);
  let adminId: string;
  let memberId: string;
  let orgId: string;
  const sessions = new Map<string, { id: string; email: string }>();

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    ik = await createInvitekit({
      database: db.config,
      secretKeys: [KEY],
      now: () => clock,
      locale: 'de',
      webhooks: [
        { url: HOOK, secret: SECRET },
        { url: OPT_IN, secret: SECRET, events: ['organizationInvitation.updated', 'invitation.updated'] },
      ],
      authenticate: async (request) => {
        const who = sessions.get(String(request.headers.authorization));
        return who ? { id: who.id, emailAddresses: [{ emailAddress: who.email, verified: true }] } : null;
      },
    });
    const admin = await ik.services.users.create({ emailAddresses: ['ada@example.com'], firstName: 'Ada' });
    const member = await ik.services.users.create({ emailAddresses: ['max@example.com'] });
    adminId = admin.id;
    memberId = member.id;
    orgId = (await ik.services.organizations.create({ name: 'Acme', createdBy: adminId })).id;
    await ik.services.memberships.create(orgId, { userId: memberId, role: 'org:member' });
    sessions.set('Bearer ada', { id: adminId, email: 'ada@example.com' });
    sessions.set('Bearer max', { id: memberId, email: 'max@example.com' });
  });
  afterAll(async () => {
    await ik?.close();
    await drop?.();
  });

  const call = (
    method: InvitekitRequest['method'],
    path: string,
    body?: unknown,
    authorization = `Bearer ${KEY}`,
  ) =>
    ik.handle({ method, path, query: {}, headers: { authorization }, body }) as Promise<{
      status: number;
      body: Body;
    }>;
  const invite = async (email: string, extra: Body = {}) => {
    const res = await call('POST', `/v1/organizations/${orgId}/invitations`, {
      email_address: email,
      role: 'org:member',
      inviter_user_id: adminId,
      ...extra,
    });
    expect(res.status).toBe(200);
    return res.body;
  };
  const tokenOf = (url: string) => new URL(url).searchParams.get('invitation_token')!;
  type Row = Record<string, any>;
  const rows = async (query: ReturnType<typeof sql>) =>
    ((await ik.database.db.execute(query)) as unknown as { rows: Row[] }).rows;
  /** The invitation's outbox rows: emails and webhook deliveries, with their event's type. */
  const outbox = (invitationId: string) =>
    rows(sql`SELECT o.kind, o.target, e.type FROM outbox o JOIN invitation_events e ON e.id = o.event_id
      WHERE e.invitation_id = ${invitationId} ORDER BY o.id`);

  it('changes role, public and private metadata, expiry and locale; the link stays valid; nothing is emailed', async () => {
    const created = await invite('bob@example.com', { public_metadata: { team: 'a' } });
    expect(created.private_metadata).toEqual({});
    clock += 1000;
    const res = await call('PATCH', `/v1/organizations/${orgId}/invitations/${created.id}`, {
      role: 'org:admin',
      public_metadata: { team: 'b' },
      private_metadata: { seat: 7 },
      expires_in_days: 3,
      locale: 'fr-ca',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'organization_invitation',
      id: created.id,
      role: 'org:admin',
      role_name: 'Admin',
      public_metadata: { team: 'b' },
      private_metadata: { seat: 7 },
      status: 'pending',
      expires_at: clock + 3 * DAY,
      updated_at: clock,
      locale: 'fr-CA',
      url: null,
    });
    // The Clerk route shows the edit, in Clerk's shape (no extension field).
    const got = await call('GET', `/v1/organizations/${orgId}/invitations/${created.id}`);
    expect(got.body).toMatchObject({
      role: 'org:admin',
      private_metadata: { seat: 7 },
      expires_at: clock + 3 * DAY,
    });
    expect(got.body).not.toHaveProperty('locale');

    // The original link still previews, now with the new role and locale.
    const preview = await ik.services.acceptance.preview(tokenOf(created.url));
    expect(preview).toMatchObject({ status: 'pending', role: 'org:admin', locale: 'fr-CA' });

    // One `updated` event naming the fields; no email for it. Webhooks: `created` to the catch-all endpoint
    // only (its event is not an opt-in one), `updated` only to the endpoint that asked for it by name.
    const events = await call('GET', `/v1/organizations/${orgId}/invitations/${created.id}/events`);
    expect(events.body.data.map((e: Body) => e.type)).toEqual(['created', 'updated']);
    expect(events.body.data[1].data).toEqual({
      changes: ['public_metadata', 'expires_at', 'locale', 'role', 'private_metadata'],
    });
    expect(await outbox(created.id)).toEqual([
      { kind: 'email', target: 'bob@example.com', type: 'created' },
      { kind: 'webhook', target: HOOK, type: 'created' },
      { kind: 'webhook', target: OPT_IN, type: 'updated' },
    ]);

    // Accepting through the old link gives the edited role and metadata.
    const accepted = await ik.services.acceptance.acceptToken(tokenOf(created.url), {
      id: 'user_bob',
      emailAddresses: [{ emailAddress: 'bob@example.com', verified: true }],
    });
    expect(accepted.kind).toBe('organization');
    const members = await call('GET', `/v1/organizations/${orgId}/memberships`);
    expect(members.body.data.find((m: Body) => m.public_user_data.user_id === 'user_bob')).toMatchObject({
      role: 'org:admin',
      public_metadata: { team: 'b' },
      private_metadata: { seat: 7 },
    });
    // Accepted, it cannot be edited any more.
    const late = await call('PATCH', `/v1/organizations/${orgId}/invitations/${created.id}`, {
      role: 'org:member',
    });
    expect(late.status).toBe(400);
    expect(late.body.errors[0]).toMatchObject({
      code: 'organization_invitation_not_pending',
      meta: { status: 'accepted' },
    });
  });

  it('with notify: true, emails it again with a new link; the old link stops working', async () => {
    const created = await invite('carol@example.com');
    const res = await call('PATCH', `/v1/organizations/${orgId}/invitations/${created.id}`, {
      role: 'org:admin',
      notify: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.url).toMatch(/invitation_token=/);
    expect(res.body.url).not.toBe(created.url);
    await expect(ik.services.acceptance.preview(tokenOf(created.url))).rejects.toMatchObject({
      errors: [{ code: 'invitation_token_invalid' }],
    });
    expect((await ik.services.acceptance.preview(tokenOf(res.body.url))).role).toBe('org:admin');
    const emails = (await outbox(created.id)).filter((o) => o.kind === 'email');
    expect(emails.map((e) => e.type)).toEqual(['created', 'resent']);
  });

  it('refuses what is not an edit: an unknown role, a bad locale, an empty body, unknown fields', async () => {
    const created = await invite('dan@example.com');
    const path = `/v1/organizations/${orgId}/invitations/${created.id}`;
    const cases: [Body, string, string][] = [
      [{ role: 'org:owner' }, 'form_param_value_invalid', 'role'],
      [{ locale: 'not a locale!' }, 'form_param_value_invalid', 'locale'],
      [{ expires_in_days: 0 }, 'form_param_value_invalid', 'expires_in_days'],
      [{}, 'form_param_missing', 'body'],
      [{ email_address: 'x@example.com' }, 'form_param_unknown', 'body'],
    ];
    for (const [body, code, param] of cases) {
      const res = await call('PATCH', path, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors[0]).toMatchObject({ code, meta: { param_name: param } });
    }
    // Nothing changed, nothing recorded.
    const events = await call('GET', `${path}/events`);
    expect(events.body.data.map((e: Body) => e.type)).toEqual(['created']);
    expect(
      (await call('PATCH', `/v1/organizations/${orgId}/invitations/orginv_nope`, { role: 'org:admin' }))
        .status,
    ).toBe(404);
  });

  it('edits only pending invitations: revoked, accepted and expired ones answer 400 and stay as they were', async () => {
    const revoked = await invite('erin@example.com');
    await call('POST', `/v1/organizations/${orgId}/invitations/${revoked.id}/revoke`);
    const res = await call('PATCH', `/v1/organizations/${orgId}/invitations/${revoked.id}`, {
      role: 'org:admin',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({
      code: 'organization_invitation_not_pending',
      meta: { status: 'revoked' },
    });

    const expiring = await invite('frank@example.com', { expires_in_days: 1 });
    clock += DAY + 1;
    const late = await call('PATCH', `/v1/organizations/${orgId}/invitations/${expiring.id}`, {
      expires_in_days: 30,
    });
    expect(late.status).toBe(400);
    expect(late.body.errors[0]).toMatchObject({ meta: { status: 'expired' } });
    const got = await call('GET', `/v1/organizations/${orgId}/invitations/${expiring.id}`);
    expect(got.body).toMatchObject({ status: 'expired', expires_at: expiring.expires_at });
  });

  it('Frontend API: an admin edits role, expiry and locale; a member is refused; private metadata never shows', async () => {
    const created = await invite('gina@example.com', { private_metadata: { secret: 'x' } });
    const path = `/frontend/v1/organizations/${orgId}/invitations/${created.id}`;
    const refused = await call('PATCH', path, { role: 'org:admin' }, 'Bearer max');
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].code).toBe('not_an_admin_in_organization');
    expect((await call('PATCH', path, { role: 'org:admin' }, 'Bearer nobody')).status).toBe(401);
    // Metadata is the backend's to set.
    const meta = await call('PATCH', path, { private_metadata: { a: 1 } }, 'Bearer ada');
    expect(meta.status).toBe(422);
    expect(meta.body.errors[0].code).toBe('form_param_unknown');

    const res = await call(
      'PATCH',
      path,
      { role: 'org:admin', expires_in_days: 5, locale: 'es' },
      'Bearer ada',
    );
    expect(res.status).toBe(200);
    expect(res.body.response).toMatchObject({
      id: created.id,
      role: 'org:admin',
      expires_at: clock + 5 * DAY,
    });
    expect(JSON.stringify(res.body)).not.toContain('secret');
    expect(res.body.response).not.toHaveProperty('private_metadata');
    const stored = await ik.services.organizationInvitations.get(orgId, created.id);
    expect(stored).toMatchObject({ role: 'org:admin', locale: 'es', privateMetadata: { secret: 'x' } });
  });

  it('application invitations: metadata, expiry and locale; only while pending', async () => {
    const created = await call('POST', '/v1/invitations', { email_address: 'hal@example.com' });
    expect(created.status).toBe(200);
    const path = `/v1/invitations/${created.body.id}`;
    const res = await call('PATCH', path, {
      public_metadata: { plan: 'pro' },
      expires_in_days: 2,
      locale: 'FR',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'invitation',
      public_metadata: { plan: 'pro' },
      expires_at: clock + 2 * DAY,
      locale: 'fr',
      status: 'pending',
    });
    expect((await ik.services.acceptance.preview(tokenOf(created.body.url))).locale).toBe('fr');
    const events = await call('GET', `${path}/events`);
    expect(events.body.data.map((e: Body) => e.type)).toEqual(['created', 'updated']);
    expect(await outbox(created.body.id)).toEqual([
      { kind: 'email', target: 'hal@example.com', type: 'created' },
      { kind: 'webhook', target: HOOK, type: 'created' },
      { kind: 'webhook', target: OPT_IN, type: 'updated' },
    ]);
    // No role on application invitations.
    expect((await call('PATCH', path, { role: 'org:admin' })).status).toBe(422);
    await call('POST', `${path}/revoke`);
    // Reminders are off here: a new expiry schedules none.
    const reminder = await rows(
      sql`SELECT next_reminder_at FROM application_invitations WHERE id = ${created.body.id}`,
    );
    expect(reminder[0]!.next_reminder_at).toBeNull();
    const late = await call('PATCH', path, { expires_in_days: 9 });
    expect(late.status).toBe(400);
    expect(late.body.errors[0]).toMatchObject({
      code: 'invitation_not_pending',
      meta: { status: 'revoked' },
    });
  });
});

describe.each(testDatabases())('the updated webhook on $name', (kind) => {
  it('is delivered, signed, to the endpoint that asked for it by name, and only there', async () => {
    const all = await startWebhookReceiver();
    const updates = await startWebhookReceiver();
    const db = await kind.create();
    const ik = await createInvitekit({
      database: db.config,
      mailer: { send: async () => {} },
      delivery: { pollIntervalMs: 50 },
      webhooks: [
        { url: all.url, secret: SECRET },
        { url: updates.url, secret: SECRET, events: ['organizationInvitation.updated'] },
      ],
    });
    try {
      ik.start();
      const org = await ik.services.organizations.create({ name: 'Hooks' });
      const created = await ik.services.organizationInvitations.create(org.id, {
        emailAddress: 'hook@example.com',
        role: 'org:member',
      });
      await ik.services.invitationEdits.updateOrganizationInvitation(org.id, created.id, {
        role: 'org:admin',
        publicMetadata: { team: 'red' },
      });
      const [received] = await waitFor(
        'the updated webhook',
        () => updates.requests.length > 0 && updates.requests,
      );
      const payload = new Webhook(SECRET).verify(received!.body, {
        'webhook-id': String(received!.headers['webhook-id']),
        'webhook-timestamp': String(received!.headers['webhook-timestamp']),
        'webhook-signature': String(received!.headers['webhook-signature']),
      }) as Body;
      expect(payload).toMatchObject({
        object: 'event',
        type: 'organizationInvitation.updated',
        data: {
          object: 'organization_invitation',
          id: created.id,
          role: 'org:admin',
          role_name: 'Admin',
          public_metadata: { team: 'red' },
          status: 'pending',
          url: null,
          data: { public_organization_data: { id: org.id, name: 'Hooks' } },
        },
      });
      // The catch-all endpoint hears Clerk's events only.
      await waitFor('the created webhook', () => all.requests.length > 0);
      expect(all.requests.map((r) => JSON.parse(r.body).type)).toEqual(['organizationInvitation.created']);
      expect(updates.requests).toHaveLength(1);
    } finally {
      await ik.close();
      await all.close();
      await updates.close();
      await db.drop();
    }
  });
});

describe.each(testDatabases())('the next reminder after an edit on $name', (kind) => {
  let ik: Invitekit;
  let drop: () => Promise<void>;
  let clock = Date.UTC(2026, 0, 10, 9, 0);
  let orgId: string;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    // Reminders 3 days after sending and 1 day before expiry, at most 2. No start(): nothing sweeps.
    ik = await createInvitekit({
      database: db.config,
      secretKeys: [KEY],
      now: () => clock,
      reminders: { afterSendDays: [3], beforeExpiryDays: [1], max: 2 },
    });
    const admin = await ik.services.users.create({ emailAddresses: ['ada@example.com'] });
    orgId = (await ik.services.organizations.create({ name: 'Acme', createdBy: admin.id })).id;
  });
  afterAll(async () => {
    await ik?.close();
    await drop?.();
  });

  const call = (method: InvitekitRequest['method'], path: string, body?: unknown) =>
    ik.handle({ method, path, query: {}, headers: { authorization: `Bearer ${KEY}` }, body }) as Promise<{
      status: number;
      body: Body;
    }>;
  const invite = async (email: string, extra: Body = {}) => {
    const res = await call('POST', `/v1/organizations/${orgId}/invitations`, {
      email_address: email,
      role: 'org:member',
      ...extra,
    });
    expect(res.status).toBe(200);
    return res.body;
  };
  const extend = async (id: string, days: number) => {
    const res = await call('PATCH', `/v1/organizations/${orgId}/invitations/${id}`, {
      expires_in_days: days,
    });
    expect(res.status).toBe(200);
    return res.body;
  };
  const stored = async (id: string) => {
    const [row] = (
      (await ik.database.db.execute(
        sql`SELECT next_reminder_at, reminders_sent, reminders FROM organization_invitations WHERE id = ${id}
            UNION ALL SELECT next_reminder_at, reminders_sent, reminders FROM application_invitations WHERE id = ${id}`,
      )) as unknown as { rows: Body[] }
    ).rows;
    return { ...row, next_reminder_at: row!.next_reminder_at == null ? null : Number(row!.next_reminder_at) };
  };

  it('a 1-day invitation extended to 30 days gets its first reminder 3 days after it was sent', async () => {
    const created = await invite('short@example.com', { expires_in_days: 1 });
    // Day 3 is past its expiry and 1 day before expiry is its creation: no reminder.
    expect((await stored(created.id)).next_reminder_at).toBeNull();
    clock += 60_000;
    await extend(created.id, 30);
    expect((await stored(created.id)).next_reminder_at).toBe(created.created_at + 3 * DAY);
  });

  it('a step built for the old expiry moves with the new one; an edit of other fields leaves it', async () => {
    const created = await invite('long@example.com', { expires_in_days: 30 });
    expect((await stored(created.id)).next_reminder_at).toBe(created.created_at + 3 * DAY);
    // On day 5 (day 3's reminder not sent: nothing swept), the invitation is cut to 10 more days.
    clock = created.created_at + 5 * DAY;
    const edited = await extend(created.id, 10);
    expect(edited.expires_at).toBe(clock + 10 * DAY);
    // Day 3 is past: the next step is 1 day before the new expiry, not day 29 of the old one.
    expect((await stored(created.id)).next_reminder_at).toBe(edited.expires_at - DAY);
    clock += 1000;
    const role = await call('PATCH', `/v1/organizations/${orgId}/invitations/${created.id}`, {
      role: 'org:admin',
    });
    expect(role.status).toBe(200);
    expect((await stored(created.id)).next_reminder_at).toBe(edited.expires_at - DAY);
  });

  it('counts the reminders already sent: none after the maximum, the next step before it', async () => {
    const created = await invite('counted@example.com', { expires_in_days: 30 });
    await ik.database.db.execute(
      sql`UPDATE organization_invitations SET reminders_sent = 2 WHERE id = ${created.id}`,
    );
    clock += 1000;
    await extend(created.id, 40);
    expect((await stored(created.id)).next_reminder_at).toBeNull();
    await ik.database.db.execute(
      sql`UPDATE organization_invitations SET reminders_sent = 1 WHERE id = ${created.id}`,
    );
    clock += 1000;
    await extend(created.id, 40);
    // One of two sent: the first step after now (the count is not a position in the schedule).
    expect((await stored(created.id)).next_reminder_at).toBe(created.created_at + 3 * DAY);
  });

  it('none for an invitation that opted out (reminders: false) or does not email (notify: false)', async () => {
    const optedOut = await invite('quiet@example.com', { expires_in_days: 1, reminders: false });
    const silent = await invite('silent@example.com', { expires_in_days: 1, notify: false });
    expect(await stored(optedOut.id)).toMatchObject({ reminders: false, next_reminder_at: null });
    expect(await stored(silent.id)).toMatchObject({ reminders: true, next_reminder_at: null });
    clock += 1000;
    await extend(optedOut.id, 30);
    await extend(silent.id, 30);
    expect((await stored(optedOut.id)).next_reminder_at).toBeNull();
    expect((await stored(silent.id)).next_reminder_at).toBeNull();
  });

  it('application invitations: an extension schedules the reminder, an opt-out still holds', async () => {
    const created = await call('POST', '/v1/invitations', {
      email_address: 'app@example.com',
      expires_in_days: 1,
    });
    const optedOut = await call('POST', '/v1/invitations', {
      email_address: 'app-quiet@example.com',
      expires_in_days: 1,
      reminders: false,
    });
    expect(created.status).toBe(200);
    expect(optedOut.status).toBe(200);
    clock += 1000;
    for (const id of [created.body.id, optedOut.body.id]) {
      expect((await call('PATCH', `/v1/invitations/${id}`, { expires_in_days: 30 })).status).toBe(200);
    }
    expect((await stored(created.body.id)).next_reminder_at).toBe(created.body.created_at + 3 * DAY);
    expect((await stored(optedOut.body.id)).next_reminder_at).toBeNull();
  });
});
