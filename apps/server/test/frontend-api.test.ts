import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applicationInvitations,
  emailAddresses,
  invitationEvents,
  outbox,
} from '../../../packages/core/src/storage/schema.js';
import { assertFapiSchema } from '../../../test/support/contract.js';
import { testDatabases } from '../../../test/support/databases.js';
import { asUser, seedOrganization, startTestServer, type TestServer } from './harness.js';

const DAY = 24 * 60 * 60 * 1000;
const FAPI = '/frontend/v1';
const HOOK = 'https://hooks.example.com/invitekit';

/** Fails when `private_metadata` appears anywhere in a Frontend API body. */
function expectNoPrivateMetadata(body: unknown, path = '$'): void {
  if (Array.isArray(body)) {
    for (const [i, v] of body.entries()) expectNoPrivateMetadata(v, `${path}[${i}]`);
  } else if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body)) {
      if (k === 'private_metadata') throw new Error(`private_metadata at ${path}.${k}`);
      expectNoPrivateMetadata(v, `${path}.${k}`);
    }
  }
}

const tokenOf = (url: string) => new URL(url).searchParams.get('invitation_token')!;

describe.each(testDatabases())('Frontend API on $name', (kind) => {
  let api: TestServer;
  let drop: () => Promise<void>;
  let offset = 0;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    api = await startTestServer(db.config, {
      now: () => Date.now() + offset,
      webhooks: [
        { url: HOOK, secret: 'whsec_dGVzdHRlc3R0ZXN0dGVzdA==', events: ['organizationInvitation.revoked'] },
      ],
    });
  });
  afterAll(async () => {
    await api?.stop();
    await drop?.();
  });

  /** A Frontend API call: never any private metadata, errors are ClerkErrors, 2xx checked by operation. */
  async function fapi(
    operationId: string | null,
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ) {
    const res = await api.call(operationId, method, `${FAPI}${path}`, body, headers);
    expectNoPrivateMetadata(res.body);
    return res;
  }

  /** An organization invitation created through the Backend API, with both metadata; returns its token. */
  async function invite(orgId: string, adminId: string, email: string, role = 'org:member') {
    const res = await api.call(
      'CreateOrganizationInvitation',
      'POST',
      `/v1/organizations/${orgId}/invitations`,
      {
        email_address: email,
        role,
        inviter_user_id: adminId,
        public_metadata: { plan: 'gold' },
        private_metadata: { crm: 'secret-42' },
      },
    );
    expect(res.status).toBe(200);
    return { id: res.body.id as string, token: tokenOf(res.body.url) };
  }

  const memberships = async (orgId: string) =>
    (await api.call('ListOrganizationMemberships', 'GET', `/v1/organizations/${orgId}/memberships?limit=100`))
      .body;

  describe('accepting by token', () => {
    it('previews before sign-in, then accepts once as the invited person: membership with role and both metadata', async () => {
      const { orgId, adminId } = await seedOrganization(api, 'tok');
      const { id, token } = await invite(orgId, adminId, 'jane@example.com', 'org:admin');

      const preview = await fapi(null, 'POST', '/tickets/preview', {}, { token });
      expect(preview.status).toBe(200);
      expect(preview.body.response).toEqual({
        object: 'invitation_preview',
        kind: 'organization',
        invitation_id: id,
        status: 'pending',
        email_address: 'j***@example.com',
        role: 'org:admin',
        role_name: 'Admin',
        organization: { id: orgId, name: 'tok Inc', slug: expect.any(String) },
        inviter: { first_name: 'Ada', last_name: 'Admin' },
        expires_at: expect.any(Number),
        locale: 'en', // Invitekit extension: the configured locale, stored at create
      });
      expect(preview.body.client.object).toBe('client');
      // Previewing twice is fine: it never uses the token up.
      expect((await fapi(null, 'POST', '/tickets/preview', {}, { token })).status).toBe(200);

      const jane = await asUser('user_ext_jane', 'Jane@Example.com');
      const accepted = await fapi(null, 'POST', '/tickets/accept', jane, { token });
      expect(accepted.status).toBe(200);
      assertFapiSchema('Client.ClientWrappedOrganizationInvitationUserContext', accepted.body);
      expect(accepted.body.response).toMatchObject({
        object: 'organization_invitation',
        id,
        status: 'accepted',
        role: 'org:admin',
        public_metadata: { plan: 'gold' },
        public_organization_data: { id: orgId, name: 'tok Inc' },
      });

      const members = await memberships(orgId);
      const jane_ = members.data.find((m: any) => m.public_user_data.user_id === 'user_ext_jane');
      expect(jane_).toMatchObject({
        role: 'org:admin',
        public_metadata: { plan: 'gold' },
        private_metadata: { crm: 'secret-42' },
      });

      const again = await fapi(null, 'POST', '/tickets/accept', jane, { token });
      expect([again.status, again.body.errors[0].code, again.body.errors[0].meta]).toEqual([
        400,
        'invitation_not_pending',
        { status: 'accepted' },
      ]);
      const previewAfter = await fapi(null, 'POST', '/tickets/preview', {}, { token });
      expect(previewAfter.status).toBe(400);

      // The accepted event, with who accepted, was written with the change.
      const events = await api.invitekit.database.db
        .select()
        .from(invitationEvents)
        .where(eq(invitationEvents.invitationId, id));
      // (Delivery events — `emailed`, `delivery_failed` — come later, from the dispatcher.)
      const written = events.map((e) => e.type).filter((t) => t !== 'emailed' && t !== 'delivery_failed');
      expect(written.sort()).toEqual(['accepted', 'created']);
      expect(events.find((e) => e.type === 'accepted')!.data).toEqual({ user_id: 'user_ext_jane' });
    });

    it('refuses another account and an unverified matching address (403), then lets the right person accept', async () => {
      const { orgId, adminId } = await seedOrganization(api, 'wrong');
      const { token } = await invite(orgId, adminId, 'right@example.com');

      const other = await fapi(
        null,
        'POST',
        '/tickets/accept',
        await asUser('user_ext_other', 'other@example.com'),
        {
          token,
        },
      );
      expect([other.status, other.body.errors[0].code]).toEqual([403, 'invitation_email_mismatch']);

      const unverified = await fapi(
        null,
        'POST',
        '/tickets/accept',
        await asUser('user_ext_unverified', 'right@example.com', false),
        { token },
      );
      expect([unverified.status, unverified.body.errors[0].code]).toEqual([403, 'invitation_email_mismatch']);

      const right = await fapi(
        null,
        'POST',
        '/tickets/accept',
        await asUser('user_ext_right', 'right@example.com'),
        {
          token,
        },
      );
      expect(right.status).toBe(200);
      expect(right.body.response.status).toBe('accepted');
    });

    it('answers 404 invitation_token_invalid for unknown, malformed and mismatched tokens, without a distinction', async () => {
      const { orgId, adminId } = await seedOrganization(api, 'bad');
      const { id } = await invite(orgId, adminId, 'bad-token@example.com');
      const me = await asUser('user_ext_badtok', 'bad-token@example.com');
      for (const token of [
        'nonsense',
        `${id}.wrongsecretwrongsecretwrongsecretwrongsecre`,
        'orginv_01ARZ3NDEKTSV4RRFFQ69G5FAV.abc',
        'inv_01ARZ3NDEKTSV4RRFFQ69G5FAV.abc',
        `${id}.`,
      ]) {
        for (const path of ['/tickets/accept', '/tickets/preview']) {
          const res = await fapi(null, 'POST', path, me, { token });
          expect([token, path, res.status, res.body.errors[0].code]).toEqual([
            token,
            path,
            404,
            'invitation_token_invalid',
          ]);
        }
      }
    });

    it('answers 400 invitation_not_pending for revoked and expired invitations; preview shows an expired one', async () => {
      const { orgId, adminId } = await seedOrganization(api, 'stale');
      const revoked = await invite(orgId, adminId, 'revoked@example.com');
      await api.call(
        'RevokeOrganizationInvitation',
        'POST',
        `/v1/organizations/${orgId}/invitations/${revoked.id}/revoke`,
      );
      const revokedUser = await asUser('user_ext_revoked', 'revoked@example.com');
      const r = await fapi(null, 'POST', '/tickets/accept', revokedUser, { token: revoked.token });
      expect([r.status, r.body.errors[0].code, r.body.errors[0].meta]).toEqual([
        400,
        'invitation_not_pending',
        { status: 'revoked' },
      ]);

      const expiring = await invite(orgId, adminId, 'expired@example.com');
      offset += 31 * DAY;
      try {
        const expiredUser = await asUser('user_ext_expired', 'expired@example.com');
        const e = await fapi(null, 'POST', '/tickets/accept', expiredUser, { token: expiring.token });
        expect([e.status, e.body.errors[0].code, e.body.errors[0].meta]).toEqual([
          400,
          'invitation_not_pending',
          { status: 'expired' },
        ]);
        const p = await fapi(null, 'POST', '/tickets/preview', {}, { token: expiring.token });
        expect([p.status, p.body.response.status]).toEqual([200, 'expired']);
      } finally {
        offset -= 31 * DAY;
      }
    });

    it('refuses an accept by someone already a member, and changes nothing', async () => {
      const { orgId, adminId } = await seedOrganization(api, 'member');
      const { id, token } = await invite(orgId, adminId, 'later-member@example.com');
      const user = await api.call('CreateUser', 'POST', '/v1/users', {
        email_address: ['later-member@example.com'],
      });
      await api.call('CreateOrganizationMembership', 'POST', `/v1/organizations/${orgId}/memberships`, {
        user_id: user.body.id,
        role: 'org:member',
      });
      const res = await fapi(
        null,
        'POST',
        '/tickets/accept',
        await asUser(user.body.id, 'later-member@example.com'),
        {
          token,
        },
      );
      expect([res.status, res.body.errors[0].code]).toEqual([400, 'already_a_member_in_organization']);
      const after = await api.call(
        'GetOrganizationInvitation',
        'GET',
        `/v1/organizations/${orgId}/invitations/${id}`,
      );
      expect(after.body.status).toBe('pending');
    });

    it('accepts for a person whose directory user was deleted after they were first seen', async () => {
      const { orgId, adminId } = await seedOrganization(api, 'gone');
      const { token } = await invite(orgId, adminId, 'gone@example.com');
      const gone = await asUser('user_ext_gone', 'gone@example.com');
      await fapi('getUsersOrganizationInvitations', 'GET', '/me/organization_invitations', gone);
      expect((await api.call('DeleteUser', 'DELETE', '/v1/users/user_ext_gone')).status).toBe(200);
      const res = await fapi(null, 'POST', '/tickets/accept', gone, { token });
      expect(res.status).toBe(200);
      const members = await memberships(orgId);
      expect(members.data.map((m: any) => m.public_user_data.user_id)).toContain('user_ext_gone');
      const user = await api.call('GetUser', 'GET', '/v1/users/user_ext_gone');
      expect(user.body.email_addresses.map((e: any) => e.email_address)).toEqual(['gone@example.com']);
    });

    it('accepts an application invitation: the user exists with the address, and the invitation names them', async () => {
      const created = await api.call('CreateInvitation', 'POST', '/v1/invitations', {
        email_address: 'newcomer@example.com',
        public_metadata: { source: 'beta' },
      });
      const token = tokenOf(created.body.url);
      const preview = await fapi(null, 'POST', '/tickets/preview', {}, { token });
      expect(preview.body.response).toMatchObject({
        kind: 'application',
        invitation_id: created.body.id,
        email_address: 'n***@example.com',
        role: null,
        organization: null,
        inviter: null,
      });
      const res = await fapi(
        null,
        'POST',
        '/tickets/accept',
        await asUser('user_ext_newcomer', 'newcomer@example.com'),
        { token },
      );
      expect(res.status).toBe(200);
      expect(res.body.response).toMatchObject({
        object: 'invitation',
        id: created.body.id,
        status: 'accepted',
      });
      const user = await api.call('GetUser', 'GET', '/v1/users/user_ext_newcomer');
      expect(user.body.email_addresses.map((e: any) => e.email_address)).toEqual(['newcomer@example.com']);
      const [row] = await api.invitekit.database.db
        .select({ userId: applicationInvitations.userId })
        .from(applicationInvitations)
        .where(eq(applicationInvitations.id, created.body.id));
      expect(row!.userId).toBe('user_ext_newcomer');
    });

    it('answers 401 without a valid session token', async () => {
      const bad = { authorization: 'Bearer not-a-jwt' };
      for (const headers of [{ authorization: '' }, bad]) {
        const res = await fapi(null, 'POST', '/tickets/accept', headers, { token: 'x.y' });
        expect([res.status, res.body.errors[0].code]).toEqual([401, 'authentication_invalid']);
        const list = await fapi(null, 'GET', '/me/organization_invitations', headers);
        expect(list.status).toBe(401);
      }
      // A secret key is not a session.
      const key = await api.call(null, 'GET', `${FAPI}/me/organization_invitations`);
      expect(key.status).toBe(401);
    });
  });

  describe('my invitations', () => {
    it('lists invitations sent to my verified addresses, accepts and declines by id', async () => {
      const a = await seedOrganization(api, 'mine-a');
      const b = await seedOrganization(api, 'mine-b');
      const first = await invite(a.orgId, a.adminId, 'mia@example.com');
      const second = await invite(b.orgId, b.adminId, 'mia@example.com');
      await invite(b.orgId, b.adminId, 'someone-else@example.com');
      const mia = await asUser('user_ext_mia', 'mia@example.com');

      const list = await fapi('getUsersOrganizationInvitations', 'GET', '/me/organization_invitations', mia);
      expect(list.body.response.total_count).toBe(2);
      expect(list.body.response.data.map((i: any) => i.id).sort()).toEqual([first.id, second.id].sort());
      expect(list.body.response.data[0].public_organization_data.name).toMatch(/mine-[ab] Inc/);

      // The same address, unverified, sees nothing.
      const unverified = await fapi(
        'getUsersOrganizationInvitations',
        'GET',
        '/me/organization_invitations',
        await asUser('user_ext_mia_unverified', 'mia@example.com', false),
      );
      expect(unverified.body.response.total_count).toBe(0);

      // Someone else's invitation is not mine to accept.
      const notMine = await fapi(
        null,
        'POST',
        `/me/organization_invitations/${first.id}/accept`,
        await asUser('user_ext_nosy', 'nosy@example.com'),
      );
      expect([notMine.status, notMine.body.errors[0].code]).toEqual([404, 'resource_not_found']);

      const accepted = await fapi(
        'acceptOrganizationInvitation',
        'POST',
        `/me/organization_invitations/${first.id}/accept`,
        mia,
      );
      expect(accepted.body.response).toMatchObject({ id: first.id, status: 'accepted' });
      expect((await memberships(a.orgId)).data.map((m: any) => m.public_user_data.user_id)).toContain(
        'user_ext_mia',
      );

      const declined = await fapi(null, 'POST', `/me/organization_invitations/${second.id}/decline`, mia);
      expect(declined.status).toBe(200);
      assertFapiSchema('Client.ClientWrappedOrganizationInvitationUserContext', declined.body);
      expect(declined.body.response).toMatchObject({ id: second.id, status: 'revoked' });
      const again = await fapi(null, 'POST', `/me/organization_invitations/${second.id}/decline`, mia);
      expect([again.status, again.body.errors[0].meta]).toEqual([400, { status: 'revoked' }]);

      // Declined: a `declined` event, which notifies webhooks subscribed to organizationInvitation.revoked.
      const [event] = await api.invitekit.database.db
        .select()
        .from(invitationEvents)
        .where(and(eq(invitationEvents.invitationId, second.id), eq(invitationEvents.type, 'declined')));
      expect(event!.data).toEqual({ user_id: 'user_ext_mia' });
      const hooks = await api.invitekit.database.db
        .select()
        .from(outbox)
        .where(eq(outbox.eventId, event!.id));
      expect(hooks.map((h) => [h.kind, h.target])).toEqual([['webhook', HOOK]]);

      // Expired: not pending any more, for accept and decline alike.
      const late = await invite(b.orgId, b.adminId, 'mia@example.com');
      offset += 31 * DAY;
      try {
        for (const action of ['accept', 'decline']) {
          const res = await fapi(null, 'POST', `/me/organization_invitations/${late.id}/${action}`, mia);
          expect([action, res.status, res.body.errors[0].meta]).toEqual([action, 400, { status: 'expired' }]);
        }
      } finally {
        offset -= 31 * DAY;
      }

      const filtered = await fapi(
        'getUsersOrganizationInvitations',
        'GET',
        '/me/organization_invitations?status=accepted&limit=1',
        mia,
      );
      expect(filtered.body.response.data.map((i: any) => i.id)).toEqual([first.id]);
    });

    it('adds a person seen first through authenticate to the directory, without taking anyone else’s address', async () => {
      const owner = await api.call('CreateUser', 'POST', '/v1/users', {
        email_address: ['taken@example.com'],
      });
      const token = await asUser('user_ext_dir', 'dir@example.com');
      await fapi('getUsersOrganizationInvitations', 'GET', '/me/organization_invitations', token);
      const user = await api.call('GetUser', 'GET', '/v1/users/user_ext_dir');
      expect(user.body.email_addresses.map((e: any) => e.email_address)).toEqual(['dir@example.com']);

      await fapi(
        'getUsersOrganizationInvitations',
        'GET',
        '/me/organization_invitations',
        await asUser('user_ext_thief', 'taken@example.com'),
      );
      const rows = await api.invitekit.database.db
        .select()
        .from(emailAddresses)
        .where(eq(emailAddresses.emailAddress, 'taken@example.com'));
      expect(rows.map((r) => r.userId)).toEqual([owner.body.id]);
    });
  });

  describe('organization admins', () => {
    it('create, bulk, list, pending and revoke as an admin; every body without private metadata', async () => {
      const { orgId, adminId } = await seedOrganization(api, 'fadmin');
      await invite(orgId, adminId, 'has-private@example.com');
      const admin = await asUser(adminId, 'fadmin-admin@example.com');
      const base = `/organizations/${orgId}/invitations`;

      const created = await fapi('createOrganizationInvitations', 'POST', base, admin, {
        email_address: 'from-browser@example.com',
        role: 'org:member',
      });
      expect(created.body.response).toMatchObject({
        email_address: 'from-browser@example.com',
        inviter_id: adminId,
        status: 'pending',
      });
      expect(tokenOf(created.body.response.url)).toMatch(/^orginv_/);

      const bulk = await fapi('bulkCreateOrganizationInvitations', 'POST', `${base}/bulk`, admin, {
        email_address: ['bulk-1@example.com', 'bulk-2@example.com'],
        role: 'org:admin',
        notify: false,
      });
      expect(bulk.body.response.map((i: any) => i.email_address)).toEqual([
        'bulk-1@example.com',
        'bulk-2@example.com',
      ]);

      const list = await fapi('getOrganizationInvitations', 'GET', `${base}?status=pending&limit=2`, admin);
      expect(list.body.response.total_count).toBe(4);
      expect(list.body.response.data).toHaveLength(2);

      const pending = await fapi('getAllPendingOrganizationInvitations', 'GET', `${base}/pending`, admin);
      expect(pending.body.response).toHaveLength(4);

      const revoked = await fapi(
        'revokePendingOrganizationInvitation',
        'POST',
        `${base}/${created.body.response.id}/revoke`,
        admin,
      );
      expect(revoked.body.response.status).toBe('revoked');
    });

    it('refuses members and outsiders (403), and another organization’s invitation (404)', async () => {
      const a = await seedOrganization(api, 'guard-a');
      const b = await seedOrganization(api, 'guard-b');
      const theirs = await invite(b.orgId, b.adminId, 'theirs@example.com');
      const member = await asUser(a.memberId, 'guard-a-member@example.com');
      const outsider = await asUser('user_ext_outsider', 'outsider@example.com');
      const base = `/organizations/${a.orgId}/invitations`;
      for (const who of [member, outsider]) {
        for (const [method, path, body] of [
          ['GET', base, undefined],
          ['GET', `${base}/pending`, undefined],
          ['POST', base, { email_address: 'x@example.com', role: 'org:member' }],
          ['POST', `${base}/bulk`, { email_address: ['x@example.com'], role: 'org:member' }],
          ['POST', `${base}/${theirs.id}/revoke`, undefined],
        ] as const) {
          const res = await fapi(null, method, path, who, body);
          expect([method, path, res.status, res.body.errors[0].code]).toEqual([
            method,
            path,
            403,
            'not_an_admin_in_organization',
          ]);
        }
      }
      // A's admin cannot reach B's invitation through A, nor list B.
      const adminA = await asUser(a.adminId, 'guard-a-admin@example.com');
      const cross = await fapi(null, 'POST', `${base}/${theirs.id}/revoke`, adminA);
      expect([cross.status, cross.body.errors[0].code]).toEqual([404, 'resource_not_found']);
      const listB = await fapi(null, 'GET', `/organizations/${b.orgId}/invitations`, adminA);
      expect(listB.status).toBe(403);
      const missing = await fapi(null, 'GET', '/organizations/org_missing/invitations', adminA);
      expect(missing.status).toBe(404);
    });
  });

  it('describes the Frontend API in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${api.url}/v1/openapi.json`)).json()) as any;
    expect(doc.paths[`${FAPI}/tickets/preview`].post.security).toEqual([]);
    expect(doc.paths[`${FAPI}/tickets/accept`].post.security).toEqual([{ sessionToken: [] }]);
    expect(doc.paths[`${FAPI}/me/organization_invitations/{invitation_id}/decline`].post.operationId).toBe(
      'FrontendDeclineMyOrganizationInvitation',
    );
    expect(doc.components.schemas.FrontendOrganizationInvitation.properties.private_metadata).toBeUndefined();
  });
});

describe.each(testDatabases())('keepInvitationsOfFormerAdmins: false on $name', (kind) => {
  let api: TestServer;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    api = await startTestServer(db.config, { keepInvitationsOfFormerAdmins: false });
  });
  afterAll(async () => {
    await api?.stop();
    await drop?.();
  });

  it('refuses an invitation whose inviter is no longer an admin (403 inviter_no_longer_admin)', async () => {
    const { orgId, adminId } = await seedOrganization(api, 'former');
    // A second admin invites, then is demoted to member by leaving and rejoining.
    const second = await api.call('CreateUser', 'POST', '/v1/users', {
      email_address: ['second@example.com'],
    });
    await api.call('CreateOrganizationMembership', 'POST', `/v1/organizations/${orgId}/memberships`, {
      user_id: second.body.id,
      role: 'org:admin',
    });
    const inv = await api.call(
      'CreateOrganizationInvitation',
      'POST',
      `/v1/organizations/${orgId}/invitations`,
      {
        email_address: 'invitee@example.com',
        role: 'org:member',
        inviter_user_id: second.body.id,
      },
    );
    const ok = await api.call(
      'CreateOrganizationInvitation',
      'POST',
      `/v1/organizations/${orgId}/invitations`,
      {
        email_address: 'invitee2@example.com',
        role: 'org:member',
        inviter_user_id: adminId,
      },
    );
    await api.invitekit.database.db.execute(
      // No Backend API route changes a role yet; demote directly.
      sql`UPDATE organization_memberships SET role = 'org:member' WHERE user_id = ${second.body.id}`,
    );
    const res = await api.call(
      null,
      'POST',
      `${FAPI}/tickets/accept`,
      { token: tokenOf(inv.body.url) },
      await asUser('user_ext_invitee', 'invitee@example.com'),
    );
    expect([res.status, res.body.errors[0].code]).toEqual([403, 'inviter_no_longer_admin']);
    const still = await api.call(
      'GetOrganizationInvitation',
      'GET',
      `/v1/organizations/${orgId}/invitations/${inv.body.id}`,
    );
    expect(still.body.status).toBe('pending');
    const fine = await api.call(
      null,
      'POST',
      `${FAPI}/tickets/accept`,
      { token: tokenOf(ok.body.url) },
      await asUser('user_ext_invitee2', 'invitee2@example.com'),
    );
    expect(fine.status).toBe(200);
  });
});
