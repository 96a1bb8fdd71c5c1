import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { ACCEPT_URL, seedOrganization, startTestServer, type TestServer } from './harness.js';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const WEBHOOK_URL = 'http://127.0.0.1:9/webhooks';

/** The token's secret part, from an accept link. */
const secretOf = (url: string) => new URL(url).searchParams.get('invitation_token')!.split('.')[1]!;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** The changes an invitation went through, without the delivery events the running dispatcher adds. */
const changes = (events: { type: string }[]) =>
  events.map((e) => e.type).filter((t) => t !== 'emailed' && t !== 'delivery_failed');

describe.each(testDatabases())('Invitation lifecycle (Backend API) on $name', (kind) => {
  let api: TestServer;
  let limited: TestServer;
  let drops: (() => Promise<void>)[] = [];
  let offset = 0;

  beforeAll(async () => {
    const db = await kind.create();
    const db2 = await kind.create();
    drops = [db.drop, db2.drop];
    const now = () => Date.now() + offset;
    api = await startTestServer(db.config, {
      now,
      redirectOrigins: ['https://partner.example.org'],
      webhooks: [{ url: WEBHOOK_URL, secret: 'whsec_dGVzdA==' }],
    });
    limited = await startTestServer(db2.config, {
      now,
      limits: { maxPendingPerOrganization: 3, maxPerInviterPerHour: 2 },
    });
  });
  // A test that moves the clock puts it back even when it fails, so later tests keep the real time.
  afterEach(() => {
    offset = 0;
  });
  afterAll(async () => {
    await api?.stop();
    await limited?.stop();
    for (const drop of drops) await drop();
  });

  /** The stored token hash of an invitation, as hex. */
  async function storedHash(server: TestServer, table: string, id: string): Promise<string | null> {
    const [row] = await server.invitekit.database.run<{ h: string | null }>(
      {
        name: `test_hash_${table}`,
        text: `SELECT encode(token_hash, 'hex') AS h FROM ${table} WHERE id = $1`,
      },
      [id],
    );
    return row!.h;
  }

  const invite = (server: TestServer, orgId: string, body: Record<string, unknown>) =>
    server.call(null, 'POST', `/v1/organizations/${orgId}/invitations`, { role: 'org:member', ...body });

  it('stores only the hash of the accept token, and records the creation with its email and webhook', async () => {
    const { orgId, adminId } = await seedOrganization(api, 'tok');
    const created = await invite(api, orgId, { email_address: 'tok@example.com', inviter_user_id: adminId });
    expect(created.status).toBe(200);
    expect(await storedHash(api, 'organization_invitations', created.body.id)).toBe(
      sha256(secretOf(created.body.url)),
    );

    const events = await api.call(
      'ListOrganizationInvitationEvents',
      'GET',
      `/v1/organizations/${orgId}/invitations/${created.body.id}/events`,
    );
    expect(events.status).toBe(200);
    expect(changes(events.body.data)).toEqual(['created']);
    const [event] = events.body.data;
    expect(event).toMatchObject({
      object: 'invitation_event',
      type: 'created',
      invitation_id: created.body.id,
    });
    // The server's dispatcher is running, so each delivery may already be under way.
    expect(event.deliveries.map((d: any) => [d.kind, d.target]).sort()).toEqual([
      ['email', 'tok@example.com'],
      ['webhook', WEBHOOK_URL],
    ]);
    for (const d of event.deliveries) expect(['pending', 'delivered', 'failed']).toContain(d.status);
  });

  it('sends no email when notify is false, but still tells webhooks', async () => {
    const { orgId } = await seedOrganization(api, 'quiet');
    const created = await invite(api, orgId, { email_address: 'quiet@example.com', notify: false });
    const events = await api.call(
      null,
      'GET',
      `/v1/organizations/${orgId}/invitations/${created.body.id}/events`,
    );
    expect(events.body.data[0].deliveries.map((d: any) => d.kind)).toEqual(['webhook']);
  });

  it('resends with a new link and a later expiry; the old token hash is gone', async () => {
    const { orgId, adminId, memberId } = await seedOrganization(api, 'resend');
    const created = await invite(api, orgId, { email_address: 'again@example.com', expires_in_days: 2 });
    const path = `/v1/organizations/${orgId}/invitations/${created.body.id}`;

    const byMember = await api.call(null, 'POST', `${path}/resend`, { requesting_user_id: memberId });
    expect(byMember.status).toBe(403);

    offset = DAY;
    const resent = await api.call('ResendOrganizationInvitation', 'POST', `${path}/resend`, {
      expires_in_days: 7,
      requesting_user_id: adminId,
    });
    expect(resent.status).toBe(200);
    expect(resent.body.url).not.toBe(created.body.url);
    expect(resent.body.expires_at).toBeGreaterThanOrEqual(created.body.created_at + DAY + 7 * DAY);
    const hash = await storedHash(api, 'organization_invitations', created.body.id);
    expect(hash).toBe(sha256(secretOf(resent.body.url)));
    expect(hash).not.toBe(sha256(secretOf(created.body.url)));

    const events = await api.call(null, 'GET', `${path}/events`);
    expect(changes(events.body.data)).toEqual(['created', 'resent']);
    const resentEvent = events.body.data.find((e: any) => e.type === 'resent');
    expect(resentEvent.deliveries.filter((d: any) => d.kind === 'email')).toHaveLength(1);
    // Resend is not a webhook event.
    expect(resentEvent.deliveries.filter((d: any) => d.kind === 'webhook')).toHaveLength(0);

    await api.call('RevokeOrganizationInvitation', 'POST', `${path}/revoke`);
    expect(await storedHash(api, 'organization_invitations', created.body.id)).toBeNull();
    const afterRevoke = await api.call(null, 'POST', `${path}/resend`);
    expect(afterRevoke.status).toBe(400);
    expect(afterRevoke.body.errors[0]).toMatchObject({
      code: 'organization_invitation_not_pending',
      meta: { status: 'revoked' },
    });
    const history = await api.call(null, 'GET', `${path}/events`);
    expect(changes(history.body.data)).toEqual(['created', 'resent', 'revoked']);
  });

  it('resends and revokes application invitations, with their events', async () => {
    const created = await api.call('CreateInvitation', 'POST', '/v1/invitations', {
      email_address: 'app-resend@example.com',
    });
    expect(await storedHash(api, 'application_invitations', created.body.id)).toBe(
      sha256(secretOf(created.body.url)),
    );
    const resent = await api.call('ResendInvitation', 'POST', `/v1/invitations/${created.body.id}/resend`);
    expect(resent.status).toBe(200);
    expect(await storedHash(api, 'application_invitations', created.body.id)).toBe(
      sha256(secretOf(resent.body.url)),
    );
    await api.call('RevokeInvitation', 'POST', `/v1/invitations/${created.body.id}/revoke`);
    const events = await api.call('ListInvitationEvents', 'GET', `/v1/invitations/${created.body.id}/events`);
    const history = events.body.data.filter((e: any) => changes([e]).length);
    expect(history.map((e: any) => e.type)).toEqual(['created', 'resent', 'revoked']);
    const webhooks = history.map((e: any) => e.deliveries.filter((d: any) => d.kind === 'webhook').length);
    expect(webhooks).toEqual([1, 0, 1]);

    const missing = await api.call(null, 'GET', '/v1/invitations/inv_missing/events');
    expect(missing.status).toBe(404);
  });

  it("never shows an invitation's events through another organization", async () => {
    const a = await seedOrganization(api, 'ev-a');
    const b = await seedOrganization(api, 'ev-b');
    const created = await invite(api, a.orgId, { email_address: 'cross@example.com' });
    const cross = await api.call(
      null,
      'GET',
      `/v1/organizations/${b.orgId}/invitations/${created.body.id}/events`,
    );
    expect(cross.status).toBe(404);
    expect(cross.body.errors[0].code).toBe('resource_not_found');
  });

  it('builds the link on an allowed redirect URL and refuses any other origin, writing nothing', async () => {
    const { orgId } = await seedOrganization(api, 'redir');
    const allowed = await invite(api, orgId, {
      email_address: 'redir@example.com',
      redirect_url: 'https://partner.example.org/welcome?team=blue',
    });
    expect(allowed.status).toBe(200);
    const link = new URL(allowed.body.url);
    expect(`${link.origin}${link.pathname}`).toBe('https://partner.example.org/welcome');
    expect(link.searchParams.get('team')).toBe('blue');
    expect(link.searchParams.get('invitation_token')).toMatch(new RegExp(`^${allowed.body.id}\\.`));

    const plain = await invite(api, orgId, { email_address: 'plain@example.com' });
    expect(plain.body.url.startsWith(`${ACCEPT_URL}?invitation_token=`)).toBe(true);

    for (const redirect_url of ['https://evil.example.net/x', 'https://partner.example.org.evil.net/']) {
      const refused = await invite(api, orgId, { email_address: 'evil@example.com', redirect_url });
      expect(refused.status).toBe(422);
      expect(refused.body.errors[0]).toMatchObject({
        code: 'redirect_url_not_allowed',
        meta: { param_name: 'redirect_url' },
      });
    }
    const app = await api.call(null, 'POST', '/v1/invitations', {
      email_address: 'evil-app@example.com',
      redirect_url: 'https://evil.example.net/',
    });
    expect(app.status).toBe(422);
    const list = await api.call(
      null,
      'GET',
      `/v1/organizations/${orgId}/invitations?email_address=evil@example.com`,
    );
    expect(list.body.total_count).toBe(0);
    const apps = await api.call(null, 'GET', '/v1/invitations?query=evil-app');
    expect(apps.body).toEqual([]);
  });

  it('revokes pending invitations when their organization is deleted, telling webhooks', async () => {
    const { orgId } = await seedOrganization(api, 'gone');
    const pending = await invite(api, orgId, { email_address: 'gone1@example.com' });
    const revokedEarlier = await invite(api, orgId, { email_address: 'gone2@example.com' });
    await api.call(null, 'POST', `/v1/organizations/${orgId}/invitations/${revokedEarlier.body.id}/revoke`);

    expect((await api.call('DeleteOrganization', 'DELETE', `/v1/organizations/${orgId}`)).status).toBe(200);
    const rows = await api.invitekit.database.run(
      {
        name: 'test_revoked_events',
        text: `SELECT e.invitation_id, e.type, e.snapshot->'invitation'->>'status' AS status,
                 (SELECT count(*) FROM outbox o WHERE o.event_id = e.id AND o.kind = 'webhook')::int AS webhooks
               FROM invitation_events e WHERE e.organization_id = $1 AND e.type = 'revoked'
               ORDER BY e.invitation_id`,
      },
      [orgId],
    );
    expect(rows).toEqual(
      [
        { invitation_id: pending.body.id, type: 'revoked', status: 'revoked', webhooks: 1 },
        { invitation_id: revokedEarlier.body.id, type: 'revoked', status: 'revoked', webhooks: 1 },
      ].sort((x, y) => x.invitation_id.localeCompare(y.invitation_id)),
    );
  });

  it('limits pending invitations per organization and invitations per inviter per hour (429)', async () => {
    const { orgId, adminId } = await seedOrganization(limited, 'lim');
    const other = await limited.call('CreateUser', 'POST', '/v1/users', {
      email_address: ['lim-2@example.com'],
    });
    await limited.call(null, 'POST', `/v1/organizations/${orgId}/memberships`, {
      user_id: other.body.id,
      role: 'org:admin',
    });

    const first = await invite(limited, orgId, { email_address: 'l1@example.com', inviter_user_id: adminId });
    await invite(limited, orgId, { email_address: 'l2@example.com', inviter_user_id: adminId });
    expect(first.status).toBe(200);
    const hourly = await invite(limited, orgId, {
      email_address: 'l3@example.com',
      inviter_user_id: adminId,
    });
    expect(hourly.status).toBe(429);
    expect(hourly.body.errors[0].code).toBe('too_many_requests');
    const retryAfter = hourly.body.errors[0].meta.retry_after;
    expect(retryAfter).toBeGreaterThan(HOUR / 1000 - 120);
    expect(retryAfter).toBeLessThanOrEqual(HOUR / 1000);

    // Another admin still may, up to the organization's pending limit of 3.
    expect(
      (await invite(limited, orgId, { email_address: 'l3@example.com', inviter_user_id: other.body.id }))
        .status,
    ).toBe(200);
    const full = await invite(limited, orgId, {
      email_address: 'l4@example.com',
      inviter_user_id: other.body.id,
    });
    expect(full.status).toBe(429);
    expect(full.body.errors[0].long_message).toMatch(/at most 3 pending/);
    // A bulk request that would overshoot writes nothing.
    const bulk = await limited.call(null, 'POST', `/v1/organizations/${orgId}/invitations/bulk`, [
      { email_address: 'b1@example.com', role: 'org:member' },
    ]);
    expect(bulk.status).toBe(429);

    // Revoking frees a pending slot; an hour later the first admin may invite again.
    await limited.call(null, 'POST', `/v1/organizations/${orgId}/invitations/${first.body.id}/revoke`);
    offset = HOUR + 1000;
    const later = await invite(limited, orgId, { email_address: 'l5@example.com', inviter_user_id: adminId });
    expect(later.status).toBe(200);
    const list = await limited.call(null, 'GET', `/v1/organizations/${orgId}/invitations?status=pending`);
    expect(list.body.total_count).toBe(3);
  });

  it('answers the Retry-After header with a 429', async () => {
    const { orgId, adminId } = await seedOrganization(limited, 'retry');
    await invite(limited, orgId, { email_address: 'r1@example.com', inviter_user_id: adminId });
    await invite(limited, orgId, { email_address: 'r2@example.com', inviter_user_id: adminId });
    const res = await fetch(`${limited.url}/v1/organizations/${orgId}/invitations`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_invitekit', 'content-type': 'application/json' },
      body: JSON.stringify({ email_address: 'r3@example.com', role: 'org:member', inviter_user_id: adminId }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
