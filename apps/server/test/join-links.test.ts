import { createHash } from 'node:crypto';
import { createInvitekit } from '@invitekit/core';
import { eq, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizationJoinLinks } from '../../../packages/core/src/storage/schema.js';
import { testDatabases } from '../../../test/support/databases.js';
import { startWebhookReceiver } from '../../../test/support/webhook-receiver.js';
import { configFromEnv } from '../src/config.js';
import { asUser, seedOrganization, startTestServer, type TestServer } from './harness.js';

const DAY = 24 * 60 * 60 * 1000;
const FAPI = '/frontend/v1';
const HOOK_SECRET = 'whsec_dGVzdHRlc3R0ZXN0dGVzdA==';

const tokenOf = (url: string) => new URL(url).searchParams.get('join_token')!;

describe.each(testDatabases())('join links on $name', (kind) => {
  let api: TestServer;
  let drop: () => Promise<void>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let offset = 0;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    receiver = await startWebhookReceiver();
    api = await startTestServer(db.config, {
      now: () => Date.now() + offset,
      webhooks: [
        {
          url: receiver.url,
          secret: HOOK_SECRET,
          events: [
            'joinLink.joined',
            'joinLink.requested',
            'joinLink.rejected',
            'organizationMembershipRequest.created',
            'organizationMembershipRequest.accepted',
            'organizationMembershipRequest.rejected',
          ],
        },
      ],
    });
  });
  afterAll(async () => {
    await api?.stop();
    await receiver?.close();
    await drop?.();
  });

  let n = 0;
  /** A fresh organization (admin + member) for each test, so tests never share counts. */
  async function org() {
    n += 1;
    return seedOrganization(api, `jl${n}-${kind.name}`);
  }

  async function createLink(orgId: string, adminId: string, extra: Record<string, unknown> = {}) {
    const res = await api.call('CreateJoinLink', 'POST', `/v1/organizations/${orgId}/join_links`, {
      role: 'org:member',
      created_by: adminId,
      ...extra,
    });
    expect(res.status).toBe(200);
    return res.body;
  }

  const join = async (token: string, sub: string, email: string | null, verified = true) =>
    api.call(
      'FrontendAcceptJoinLink',
      'POST',
      `${FAPI}/join_links/accept`,
      { token },
      await asUser(sub, email, verified),
    );

  const getLink = async (orgId: string, id: string) =>
    (await api.call('GetJoinLink', 'GET', `/v1/organizations/${orgId}/join_links/${id}`)).body;

  const members = async (orgId: string) =>
    (await api.call('ListOrganizationMemberships', 'GET', `/v1/organizations/${orgId}/memberships?limit=100`))
      .body.data as any[];

  it('creates a link whose url carries a token stored only as its SHA-256 hash', async () => {
    const { orgId, adminId } = await org();
    const link = await createLink(orgId, adminId, { max_uses: 5, expires_in_days: 7 });
    expect(link).toMatchObject({
      object: 'join_link',
      organization_id: orgId,
      role: 'org:member',
      role_name: 'Member',
      status: 'active',
      max_uses: 5,
      uses_count: 0,
      allowed_email_domains: [],
      require_approval: false,
      created_by: adminId,
    });
    expect(link.url).toMatch(/^https:\/\/app\.example\.com\/accept-invitation\?join_token=/);
    const token = tokenOf(link.url);
    const [row] = await api.invitekit.database.db
      .select()
      .from(organizationJoinLinks)
      .where(eq(organizationJoinLinks.id, link.id));
    const secret = token.slice(token.lastIndexOf('.') + 1);
    expect(Buffer.from(row!.tokenHash).equals(createHash('sha256').update(secret).digest())).toBe(true);
    const dump = await api.invitekit.database.db.execute(
      sql`SELECT count(*)::int AS n FROM organization_join_links WHERE to_jsonb(organization_join_links)::text LIKE ${`%${secret}%`}`,
    );
    expect(((dump as any).rows[0] as { n: number }).n).toBe(0);

    // Listing and reading never show the url again.
    const list = await api.call('ListJoinLinks', 'GET', `/v1/organizations/${orgId}/join_links`);
    expect(list.body.total_count).toBe(1);
    expect(list.body.data[0]).toMatchObject({ id: link.id, url: null });
    expect((await getLink(orgId, link.id)).url).toBeNull();
  });

  it('refuses roles above the maximum, unknown roles, and creators who are not admins', async () => {
    const { orgId, adminId, memberId } = await org();
    const admin = await api.call('CreateJoinLink', 'POST', `/v1/organizations/${orgId}/join_links`, {
      role: 'org:admin',
      created_by: adminId,
    });
    expect(admin.status).toBe(422);
    expect(admin.body.errors[0]).toMatchObject({
      code: 'join_link_role_not_allowed',
      meta: { max_role: 'org:member' },
    });
    const unknown = await api.call(null, 'POST', `/v1/organizations/${orgId}/join_links`, {
      role: 'org:nope',
      created_by: adminId,
    });
    expect(unknown.status).toBe(422);
    const notAdmin = await api.call(null, 'POST', `/v1/organizations/${orgId}/join_links`, {
      role: 'org:member',
      created_by: memberId,
    });
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.body.errors[0].code).toBe('not_an_admin_in_organization');
    const badUses = await api.call(null, 'POST', `/v1/organizations/${orgId}/join_links`, {
      role: 'org:member',
      created_by: adminId,
      max_uses: 0,
    });
    expect(badUses.status).toBe(422);
    const badDomain = await api.call(null, 'POST', `/v1/organizations/${orgId}/join_links`, {
      role: 'org:member',
      created_by: adminId,
      allowed_email_domains: ['not a domain'],
    });
    expect(badDomain.status).toBe(422);
  });

  it('preview shows the offer without using the link; a wrong token is 404', async () => {
    const { orgId, adminId } = await org();
    const link = await createLink(orgId, adminId, { max_uses: 1 });
    for (let i = 0; i < 3; i++) {
      const preview = await api.call('FrontendPreviewJoinLink', 'POST', `${FAPI}/join_links/preview`, {
        token: tokenOf(link.url),
      });
      expect(preview.status).toBe(200);
      expect(preview.body.response).toMatchObject({
        object: 'join_link_preview',
        join_link_id: link.id,
        status: 'active',
        role: 'org:member',
        role_name: 'Member',
        organization: { id: orgId },
        require_approval: false,
      });
    }
    expect((await getLink(orgId, link.id)).uses_count).toBe(0);
    const token = tokenOf(link.url);
    const wrong = await api.call(null, 'POST', `${FAPI}/join_links/preview`, {
      token: `${token.slice(0, -2)}xx`,
    });
    expect(wrong.status).toBe(404);
    expect(wrong.body.errors[0].code).toBe('join_link_token_invalid');
    // Still usable after all those previews.
    expect((await join(token, `user_ext_pv_${kind.name}`, `pv-${kind.name}@example.com`)).status).toBe(200);
  });

  it('joins a verified person with the link role, records the use, and refuses unverified addresses', async () => {
    const { orgId, adminId } = await org();
    const link = await createLink(orgId, adminId);
    const token = tokenOf(link.url);
    const sub = `user_ext_joiner_${kind.name}`;
    const unverified = await join(token, sub, `joiner-${kind.name}@example.com`, false);
    expect(unverified.status).toBe(403);
    expect(unverified.body.errors[0].code).toBe('join_link_email_not_allowed');
    const noEmail = await join(token, `${sub}_none`, null);
    expect(noEmail.status).toBe(403);
    expect((await getLink(orgId, link.id)).uses_count).toBe(0);

    const before = Date.now() + offset;
    const joined = await join(token, sub, `joiner-${kind.name}@example.com`);
    expect(joined.status).toBe(200);
    expect(joined.body.response).toMatchObject({
      object: 'join_link_use',
      join_link_id: link.id,
      user_id: sub,
      email_address: `joiner-${kind.name}@example.com`,
      status: 'joined',
      organization: { id: orgId },
    });
    const membership = (await members(orgId)).find((m) => m.public_user_data.user_id === sub);
    expect(membership).toMatchObject({ id: joined.body.response.membership_id, role: 'org:member' });
    expect((await getLink(orgId, link.id)).uses_count).toBe(1);

    const again = await join(token, sub, `joiner-${kind.name}@example.com`);
    expect(again.status).toBe(400);
    expect(again.body.errors[0].code).toBe('already_a_member_in_organization');
    expect((await getLink(orgId, link.id)).uses_count).toBe(1);

    const uses = await api.call(
      'ListJoinLinkUses',
      'GET',
      `/v1/organizations/${orgId}/join_links/${link.id}/uses`,
    );
    expect(uses.body.total_count).toBe(1);
    expect(uses.body.data[0]).toMatchObject({ user_id: sub, status: 'joined' });
    expect(uses.body.data[0].created_at).toBeGreaterThanOrEqual(before - 1000);

    // The webhook, signed per Standard Webhooks.
    const hook = await waitForHook('joinLink.joined', sub);
    const verified = new Webhook(HOOK_SECRET).verify(hook.body, {
      'webhook-id': String(hook.headers['webhook-id']),
      'webhook-timestamp': String(hook.headers['webhook-timestamp']),
      'webhook-signature': String(hook.headers['webhook-signature']),
    }) as any;
    expect(verified).toMatchObject({
      object: 'event',
      type: 'joinLink.joined',
      data: {
        object: 'join_link_use',
        join_link_id: link.id,
        user_id: sub,
        role: 'org:member',
        status: 'joined',
      },
    });
    expect(verified.data.public_organization_data.id).toBe(orgId);
  });

  async function waitForHook(type: string, userId: string) {
    for (let i = 0; i < 100; i++) {
      const found = receiver.requests.find((r) => {
        const body = JSON.parse(r.body);
        // Join-link uses carry `user_id`; membership requests Clerk's `public_user_data`.
        return body.type === type && (body.data.user_id ?? body.data.public_user_data?.user_id) === userId;
      });
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no ${type} webhook for ${userId}`);
  }

  it('stops at max_uses', async () => {
    const { orgId, adminId } = await org();
    const link = await createLink(orgId, adminId, { max_uses: 2 });
    const token = tokenOf(link.url);
    for (const i of [1, 2]) {
      expect(
        (await join(token, `user_ext_mu${i}_${kind.name}`, `mu${i}-${kind.name}@example.com`)).status,
      ).toBe(200);
    }
    const third = await join(token, `user_ext_mu3_${kind.name}`, `mu3-${kind.name}@example.com`);
    expect(third.status).toBe(400);
    expect(third.body.errors[0]).toMatchObject({ code: 'join_link_not_active', meta: { status: 'used_up' } });
    expect(await getLink(orgId, link.id)).toMatchObject({ uses_count: 2, status: 'used_up' });
  });

  it('expires', async () => {
    const { orgId, adminId } = await org();
    const link = await createLink(orgId, adminId, { expires_in_days: 1 });
    const token = tokenOf(link.url);
    offset = 2 * DAY;
    try {
      const preview = await api.call('FrontendPreviewJoinLink', 'POST', `${FAPI}/join_links/preview`, {
        token,
      });
      expect(preview.body.response.status).toBe('expired');
      const late = await join(token, `user_ext_late_${kind.name}`, `late-${kind.name}@example.com`);
      expect(late.status).toBe(400);
      expect(late.body.errors[0]).toMatchObject({
        code: 'join_link_not_active',
        meta: { status: 'expired' },
      });
    } finally {
      offset = 0;
    }
  });

  it('admits only verified addresses on the allowed domains', async () => {
    const { orgId, adminId } = await org();
    const link = await createLink(orgId, adminId, { allowed_email_domains: ['@Allowed.Example'] });
    expect(link.allowed_email_domains).toEqual(['allowed.example']);
    const token = tokenOf(link.url);
    const other = await join(token, `user_ext_dom1_${kind.name}`, `dom1-${kind.name}@other.example`);
    expect(other.status).toBe(403);
    expect(other.body.errors[0]).toMatchObject({
      code: 'join_link_email_not_allowed',
      meta: { allowed_email_domains: ['allowed.example'] },
    });
    const unverified = await join(
      token,
      `user_ext_dom2_${kind.name}`,
      `dom2-${kind.name}@allowed.example`,
      false,
    );
    expect(unverified.status).toBe(403);
    const ok = await join(token, `user_ext_dom3_${kind.name}`, `Dom3-${kind.name}@ALLOWED.example`);
    expect(ok.status).toBe(200);
    expect(ok.body.response.email_address).toBe(`dom3-${kind.name}@allowed.example`);
  });

  it('with approval: a join is a pending request until an admin approves or rejects it', async () => {
    const { orgId, adminId } = await org();
    const link = await createLink(orgId, adminId, { require_approval: true, max_uses: 2 });
    const token = tokenOf(link.url);
    const a = `user_ext_ap_a_${kind.name}`;
    const b = `user_ext_ap_b_${kind.name}`;
    const reqA = await join(token, a, `ap-a-${kind.name}@example.com`);
    expect(reqA.status).toBe(200);
    expect(reqA.body.response).toMatchObject({ status: 'pending', membership_id: null });
    expect((await members(orgId)).some((m) => m.public_user_data.user_id === a)).toBe(false);
    await waitForHook('joinLink.requested', a);
    const reqB = await join(token, b, `ap-b-${kind.name}@example.com`);
    expect((await getLink(orgId, link.id)).uses_count).toBe(2);

    const pending = await api.call(
      'ListJoinLinkUses',
      'GET',
      `/v1/organizations/${orgId}/join_links/${link.id}/uses?status=pending`,
    );
    expect(pending.body.total_count).toBe(2);

    // Admin approval from the browser.
    const adminHeaders = await asUser(adminId, `jl${n}-${kind.name}-admin@example.com`);
    const approved = await api.call(
      'FrontendApproveJoinLinkUse',
      'POST',
      `${FAPI}/organizations/${orgId}/join_links/${link.id}/uses/${reqA.body.response.id}/approve`,
      undefined,
      adminHeaders,
    );
    expect(approved.status).toBe(200);
    expect(approved.body.response).toMatchObject({ status: 'joined', decided_by: adminId });
    const m = (await members(orgId)).find((x) => x.public_user_data.user_id === a);
    expect(m).toMatchObject({ role: 'org:member', id: approved.body.response.membership_id });

    const rejected = await api.call(
      'RejectJoinLinkUse',
      'POST',
      `/v1/organizations/${orgId}/join_links/${link.id}/uses/${reqB.body.response.id}/reject`,
      { requesting_user_id: adminId },
    );
    expect(rejected.body).toMatchObject({ status: 'rejected', membership_id: null });
    expect((await members(orgId)).some((x) => x.public_user_data.user_id === b)).toBe(false);
    // A rejected request gives its use back.
    expect((await getLink(orgId, link.id)).uses_count).toBe(1);
    const twice = await api.call(
      null,
      'POST',
      `/v1/organizations/${orgId}/join_links/${link.id}/uses/${reqB.body.response.id}/approve`,
    );
    expect(twice.status).toBe(400);
    expect(twice.body.errors[0]).toMatchObject({
      code: 'join_link_use_not_pending',
      meta: { status: 'rejected' },
    });
  });

  it('with approval: the join is a membership request in the one list; deciding it settles the use', async () => {
    const { orgId, adminId, memberId } = await org();
    const link = await createLink(orgId, adminId, { require_approval: true, max_uses: 2 });
    const token = tokenOf(link.url);
    const a = `user_ext_mr_a_${kind.name}`;
    const b = `user_ext_mr_b_${kind.name}`;
    const useA = (await join(token, a, `mr-a-${kind.name}@example.com`)).body.response;
    const useB = (await join(token, b, `mr-b-${kind.name}@example.com`)).body.response;
    await waitForHook('joinLink.requested', a);
    await waitForHook('organizationMembershipRequest.created', a);

    const listed = await api.call(
      'ListOrganizationMembershipRequests',
      'GET',
      `/v1/organizations/${orgId}/membership_requests?status=pending`,
    );
    expect(listed.body.total_count).toBe(2);
    const requestOf = (user: string) =>
      listed.body.data.find((r: any) => r.public_user_data.user_id === user).id as string;
    // The Backend API says where each came from (an Invitekit extension of Clerk's object).
    expect(listed.body.data.find((r: any) => r.id === requestOf(a))).toMatchObject({
      join_link_id: link.id,
      join_link_use_id: useA.id,
      role: link.role,
      decided_by: null,
    });

    // An admin accepts A's request from the browser, on Clerk's route: A's use is approved with it.
    const adminHeaders = await asUser(adminId, `jl${n}-${kind.name}-admin@example.com`);
    const accepted = await api.call(
      'FrontendAcceptOrganizationMembershipRequest',
      'POST',
      `${FAPI}/organizations/${orgId}/membership_requests/${requestOf(a)}/accept`,
      undefined,
      adminHeaders,
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body.response).toMatchObject({
      object: 'organization_membership_request',
      status: 'accepted',
    });
    const uses = async () =>
      (await api.call('ListJoinLinkUses', 'GET', `/v1/organizations/${orgId}/join_links/${link.id}/uses`))
        .body.data as any[];
    const settledA = (await uses()).find((u) => u.id === useA.id);
    expect(settledA).toMatchObject({ status: 'joined', decided_by: adminId });
    const m = (await members(orgId)).find((x) => x.public_user_data.user_id === a);
    expect(m).toMatchObject({ role: link.role, id: settledA.membership_id });
    await waitForHook('joinLink.joined', a);
    await waitForHook('organizationMembershipRequest.accepted', a);

    // The Backend API rejects B's request: B's use is rejected and given back to the link. The one
    // named as deciding must be an admin.
    const notAdmin = await api.call(
      null,
      'POST',
      `/v1/organizations/${orgId}/membership_requests/${requestOf(b)}/reject`,
      { requesting_user_id: memberId },
    );
    expect(notAdmin.status).toBe(403);
    const rejected = await api.call(
      'RejectOrganizationMembershipRequest',
      'POST',
      `/v1/organizations/${orgId}/membership_requests/${requestOf(b)}/reject`,
      { requesting_user_id: adminId },
    );
    expect(rejected.status).toBe(200);
    expect((await uses()).find((u) => u.id === useB.id)).toMatchObject({
      status: 'rejected',
      decided_by: adminId,
      membership_id: null,
    });
    expect((await getLink(orgId, link.id)).uses_count).toBe(1);
    expect((await members(orgId)).some((x) => x.public_user_data.user_id === b)).toBe(false);
    await waitForHook('joinLink.rejected', b);
    const hook = JSON.parse((await waitForHook('organizationMembershipRequest.rejected', b)).body);
    expect(hook.data).toMatchObject({ join_link_use_id: useB.id, decided_by: adminId, status: 'rejected' });

    // Decided is decided, whichever route asks again.
    const alias = await api.call(
      null,
      'POST',
      `/v1/organizations/${orgId}/join_links/${link.id}/uses/${useA.id}/reject`,
    );
    expect(alias.status).toBe(400);
    expect(alias.body.errors[0]).toMatchObject({
      code: 'join_link_use_not_pending',
      meta: { status: 'joined' },
    });
    const again = await api.call(
      null,
      'POST',
      `/v1/organizations/${orgId}/membership_requests/${requestOf(b)}/accept`,
    );
    expect(again.status).toBe(400);
    expect(again.body.errors[0]).toMatchObject({
      code: 'organization_membership_request_not_pending',
      meta: { status: 'rejected' },
    });
    // The join-link alias decides the request too.
    const c = `user_ext_mr_c_${kind.name}`;
    const useC = (await join(token, c, `mr-c-${kind.name}@example.com`)).body.response;
    await api.call(null, 'POST', `/v1/organizations/${orgId}/join_links/${link.id}/uses/${useC.id}/reject`);
    const all = await api.call(
      'ListOrganizationMembershipRequests',
      'GET',
      `/v1/organizations/${orgId}/membership_requests`,
    );
    expect(all.body.data.find((r: any) => r.public_user_data.user_id === c)).toMatchObject({
      status: 'rejected',
    });
  });

  it('with approval: one pending request per person, and a refused accept over quota leaves both pending', async () => {
    const { orgId, adminId } = await org();
    const first = await createLink(orgId, adminId, { require_approval: true });
    const second = await createLink(orgId, adminId, { require_approval: true });
    const sub = `user_ext_one_${kind.name}`;
    const email = `one-${kind.name}@example.com`;
    const use = (await join(tokenOf(first.url), sub, email)).body.response;
    const twice = await join(tokenOf(second.url), sub, email);
    expect(twice.status).toBe(400);
    expect(twice.body.errors[0]).toMatchObject({
      code: 'organization_membership_request_already_pending',
      meta: { organization_id: orgId },
    });
    // Nothing half-written: the second link was not used.
    expect((await getLink(orgId, second.id)).uses_count).toBe(0);

    await api.call('UpdateOrganization', 'PATCH', `/v1/organizations/${orgId}`, {
      max_allowed_memberships: 2,
    });
    const full = await api.call(
      null,
      'POST',
      `/v1/organizations/${orgId}/join_links/${first.id}/uses/${use.id}/approve`,
    );
    expect(full.status).toBe(403);
    expect(full.body.errors[0].code).toBe('organization_membership_quota_exceeded');
    const pending = await api.call(
      'ListOrganizationMembershipRequests',
      'GET',
      `/v1/organizations/${orgId}/membership_requests?status=pending`,
    );
    expect(pending.body.total_count).toBe(1);
    expect((await getLink(orgId, first.id)).uses_count).toBe(1);
  });

  it('with approval: someone who became a member meanwhile is accepted with the membership they have', async () => {
    const { orgId, adminId } = await org();
    const link = await createLink(orgId, adminId, { require_approval: true });
    const sub = `user_ext_meanwhile_${kind.name}`;
    const use = (await join(tokenOf(link.url), sub, `meanwhile-${kind.name}@example.com`)).body.response;
    const added = await api.call(
      'CreateOrganizationMembership',
      'POST',
      `/v1/organizations/${orgId}/memberships`,
      { user_id: sub, role: 'org:admin' },
    );
    expect(added.status).toBe(200);
    const approved = await api.call(
      'ApproveJoinLinkUse',
      'POST',
      `/v1/organizations/${orgId}/join_links/${link.id}/uses/${use.id}/approve`,
    );
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'joined', membership_id: added.body.id });
    const mine = (await members(orgId)).filter((m) => m.public_user_data.user_id === sub);
    expect(mine).toEqual([expect.objectContaining({ role: 'org:admin' })]);
  });

  it('revoked links refuse joins, and cannot be revoked twice', async () => {
    const { orgId, adminId } = await org();
    const link = await createLink(orgId, adminId);
    const revoked = await api.call(
      'RevokeJoinLink',
      'POST',
      `/v1/organizations/${orgId}/join_links/${link.id}/revoke`,
    );
    expect(revoked.body).toMatchObject({ status: 'revoked', url: null });
    expect(revoked.body.revoked_at).toEqual(expect.any(Number));
    const late = await join(tokenOf(link.url), `user_ext_rv_${kind.name}`, `rv-${kind.name}@example.com`);
    expect(late.status).toBe(400);
    expect(late.body.errors[0]).toMatchObject({ code: 'join_link_not_active', meta: { status: 'revoked' } });
    const again = await api.call(null, 'POST', `/v1/organizations/${orgId}/join_links/${link.id}/revoke`);
    expect(again.status).toBe(400);
  });

  it('a person whose user was deleted since they were last seen is written again and joins', async () => {
    const { orgId, adminId } = await org();
    const first = await createLink(orgId, adminId);
    const sub = `user_ext_again_${kind.name}`;
    const email = `again-${kind.name}@example.com`;
    expect((await join(tokenOf(first.url), sub, email)).status).toBe(200);
    expect((await api.call('DeleteUser', 'DELETE', `/v1/users/${sub}`)).status).toBe(200);
    const { orgId: other, adminId: otherAdmin } = await org();
    const second = await createLink(other, otherAdmin);
    const joined = await join(tokenOf(second.url), sub, email);
    expect(joined.status).toBe(200);
    expect((await members(other)).some((m) => m.public_user_data.user_id === sub)).toBe(true);
  });

  it('respects the membership quota, and a refused join uses nothing', async () => {
    const { orgId, adminId } = await org();
    await api.call('UpdateOrganization', 'PATCH', `/v1/organizations/${orgId}`, {
      max_allowed_memberships: 2,
    });
    const link = await createLink(orgId, adminId, { max_uses: 5 });
    const full = await join(tokenOf(link.url), `user_ext_q_${kind.name}`, `q-${kind.name}@example.com`);
    expect(full.status).toBe(403);
    expect(full.body.errors[0].code).toBe('organization_membership_quota_exceeded');
    expect((await getLink(orgId, link.id)).uses_count).toBe(0);
    expect(await members(orgId)).toHaveLength(2);
  });

  it('admins manage links from the Frontend API; members cannot', async () => {
    const { orgId, adminId, memberId } = await org();
    const adminHeaders = await asUser(adminId, `jl${n}-${kind.name}-admin@example.com`);
    const memberHeaders = await asUser(memberId, `jl${n}-${kind.name}-member@example.com`);
    const created = await api.call(
      'FrontendCreateJoinLink',
      'POST',
      `${FAPI}/organizations/${orgId}/join_links`,
      { role: 'org:member', max_uses: 3 },
      adminHeaders,
    );
    expect(created.status).toBe(200);
    expect(created.body.response).toMatchObject({ created_by: adminId, max_uses: 3 });
    expect(created.body.response.url).toContain('join_token=');
    const byMember = await api.call(
      null,
      'POST',
      `${FAPI}/organizations/${orgId}/join_links`,
      { role: 'org:member' },
      memberHeaders,
    );
    expect(byMember.status).toBe(403);
    const listByMember = await api.call(
      null,
      'GET',
      `${FAPI}/organizations/${orgId}/join_links`,
      undefined,
      memberHeaders,
    );
    expect(listByMember.status).toBe(403);
    const list = await api.call(
      'FrontendListJoinLinks',
      'GET',
      `${FAPI}/organizations/${orgId}/join_links`,
      undefined,
      adminHeaders,
    );
    expect(list.body.response.data.map((l: any) => l.id)).toEqual([created.body.response.id]);
    const revoked = await api.call(
      'FrontendRevokeJoinLink',
      'POST',
      `${FAPI}/organizations/${orgId}/join_links/${created.body.response.id}/revoke`,
      undefined,
      adminHeaders,
    );
    expect(revoked.body.response.status).toBe('revoked');
  });
});

describe('join link configuration', () => {
  it('INVITEKIT_JOIN_LINK_MAX_ROLE sets joinLinks.maxRole on the standalone server', () => {
    const env = { INVITEKIT_SECRET_KEY: 'sk_x' };
    expect(
      configFromEnv({ ...env, INVITEKIT_JOIN_LINK_MAX_ROLE: ' org:admin ' }).invitekit.joinLinks,
    ).toEqual({
      maxRole: 'org:admin',
    });
    expect(configFromEnv(env).invitekit.joinLinks).toBeUndefined();
  });

  it('joinLinks.maxRole allows admin links; an unknown role fails at start', async () => {
    await expect(
      createInvitekit({ database: { dataDir: 'memory://' }, joinLinks: { maxRole: 'org:owner' } }),
    ).rejects.toThrow(/joinLinks.maxRole "org:owner" is not a configured role/);
    await expect(
      createInvitekit({ database: { dataDir: 'memory://' }, joinLinks: { maxRole: '' } }),
    ).rejects.toThrow(/joinLinks.maxRole/);
    const api = await startTestServer({ dataDir: 'memory://' }, { joinLinks: { maxRole: 'org:admin' } });
    try {
      const { orgId, adminId } = await seedOrganization(api, 'cfg');
      const res = await api.call('CreateJoinLink', 'POST', `/v1/organizations/${orgId}/join_links`, {
        role: 'org:admin',
        created_by: adminId,
      });
      expect(res.status).toBe(200);
      expect(res.body.role).toBe('org:admin');
    } finally {
      await api.stop();
    }
  });
});
