import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { ACCEPT_URL, seedOrganization, startTestServer, type TestServer } from './harness.js';

const DAY = 24 * 60 * 60 * 1000;

describe.each(testDatabases())('Backend API on $name', (kind) => {
  let api: TestServer;
  let drop: () => Promise<void>;
  // The server's clock: tests move it forward to expire invitations without waiting.
  let offset = 0;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    api = await startTestServer(db.config, { now: () => Date.now() + offset });
  });
  afterAll(async () => {
    await api?.stop();
    await drop?.();
  });

  describe('organization invitations', () => {
    it('creates an invitation with role, metadata, inviter data and a 30-day expiry', async () => {
      const { orgId, adminId } = await seedOrganization(api, 'create');
      const before = Date.now();
      const res = await api.call(
        'CreateOrganizationInvitation',
        'POST',
        `/v1/organizations/${orgId}/invitations`,
        {
          email_address: '  New.Person@Example.COM ',
          role: 'org:member',
          inviter_user_id: adminId,
          public_metadata: { team: 'blue' },
          private_metadata: { source: 'crm' },
        },
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        object: 'organization_invitation',
        email_address: 'new.person@example.com',
        role: 'org:member',
        role_name: 'Member',
        organization_id: orgId,
        inviter_id: adminId,
        status: 'pending',
        public_metadata: { team: 'blue' },
        private_metadata: { source: 'crm' },
        public_inviter_data: { user_id: adminId, first_name: 'Ada', identifier: 'create-admin@example.com' },
      });
      expect(res.body.id).toMatch(/^orginv_[0-9A-Z]{26}$/);
      expect(res.body.expires_at - res.body.created_at).toBe(30 * DAY);
      expect(res.body.created_at).toBeGreaterThanOrEqual(before);
      // The accept link carries the token; only its hash is stored, so later reads cannot show it.
      const link = new URL(res.body.url);
      expect(`${link.origin}${link.pathname}`).toBe(ACCEPT_URL);
      expect(link.searchParams.get('invitation_token')).toMatch(new RegExp(`^${res.body.id}\\.[\\w-]{43}$`));

      const got = await api.call(
        'GetOrganizationInvitation',
        'GET',
        `/v1/organizations/${orgId}/invitations/${res.body.id}`,
      );
      expect(got.body).toEqual({ ...res.body, url: null });
    });

    it('refuses a second pending invitation for the same address, and a member', async () => {
      const { orgId, adminId } = await seedOrganization(api, 'dup');
      const body = { email_address: 'twice@example.com', role: 'org:member', inviter_user_id: adminId };
      const path = `/v1/organizations/${orgId}/invitations`;
      expect((await api.call('CreateOrganizationInvitation', 'POST', path, body)).status).toBe(200);
      const again = await api.call(null, 'POST', path, { ...body, email_address: 'TWICE@example.com' });
      expect(again.status).toBe(400);
      expect(again.body.errors[0].code).toBe('duplicate_record');

      const member = await api.call(null, 'POST', path, { ...body, email_address: 'dup-member@example.com' });
      expect(member.status).toBe(400);
      expect(member.body.errors[0].code).toBe('already_a_member_in_organization');
    });

    it('requires the inviter and the revoker to be admins, and unknown organizations are 404', async () => {
      const { orgId, memberId, adminId } = await seedOrganization(api, 'perm');
      const path = `/v1/organizations/${orgId}/invitations`;
      const byMember = await api.call(null, 'POST', path, {
        email_address: 'x@example.com',
        role: 'org:member',
        inviter_user_id: memberId,
      });
      expect(byMember.status).toBe(403);
      expect(byMember.body.errors[0].code).toBe('not_an_admin_in_organization');

      const missingOrg = await api.call(null, 'POST', '/v1/organizations/org_missing/invitations', {
        email_address: 'x@example.com',
        role: 'org:member',
      });
      expect(missingOrg.status).toBe(404);
      expect(missingOrg.body.errors[0].code).toBe('resource_not_found');

      const created = await api.call('CreateOrganizationInvitation', 'POST', path, {
        email_address: 'x@example.com',
        role: 'org:admin',
        inviter_user_id: adminId,
      });
      expect(created.body.role_name).toBe('Admin');
      const revokePath = `${path}/${created.body.id}/revoke`;
      const refused = await api.call(null, 'POST', revokePath, { requesting_user_id: memberId });
      expect(refused.status).toBe(403);
      const revoked = await api.call('RevokeOrganizationInvitation', 'POST', revokePath, {
        requesting_user_id: adminId,
      });
      expect(revoked.body.status).toBe('revoked');
      const twice = await api.call(null, 'POST', revokePath);
      expect(twice.status).toBe(400);
      expect(twice.body.errors[0].code).toBe('organization_invitation_not_pending');
    });

    it('never reaches an invitation through another organization', async () => {
      const a = await seedOrganization(api, 'iso-a');
      const b = await seedOrganization(api, 'iso-b');
      const inv = await api.call(
        'CreateOrganizationInvitation',
        'POST',
        `/v1/organizations/${a.orgId}/invitations`,
        {
          email_address: 'iso@example.com',
          role: 'org:member',
        },
      );
      const cross = await api.call(null, 'GET', `/v1/organizations/${b.orgId}/invitations/${inv.body.id}`);
      expect(cross.status).toBe(404);
      const crossRevoke = await api.call(
        null,
        'POST',
        `/v1/organizations/${b.orgId}/invitations/${inv.body.id}/revoke`,
      );
      expect(crossRevoke.status).toBe(404);
      const still = await api.call(
        'GetOrganizationInvitation',
        'GET',
        `/v1/organizations/${a.orgId}/invitations/${inv.body.id}`,
      );
      expect(still.body.status).toBe('pending');
    });

    it('bulk creates all or nothing, naming the item at fault', async () => {
      const { orgId, adminId } = await seedOrganization(api, 'bulk');
      const path = `/v1/organizations/${orgId}/invitations/bulk`;
      const item = (email: string, role = 'org:member') => ({
        email_address: email,
        role,
        inviter_user_id: adminId,
      });
      const ok = await api.call('CreateOrganizationInvitationBulk', 'POST', path, [
        item('b1@example.com'),
        item('b2@example.com', 'org:admin'),
      ]);
      expect(ok.body.total_count).toBe(2);
      expect(ok.body.data.map((i: any) => i.email_address)).toEqual(['b1@example.com', 'b2@example.com']);

      // Item 2 duplicates a pending invitation: nothing of this request is written.
      const bad = await api.call(null, 'POST', path, [
        item('b3@example.com'),
        item('b4@example.com'),
        item('b1@example.com'),
      ]);
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]).toMatchObject({ code: 'duplicate_record', meta: { index: 2 } });
      const badRole = await api.call(null, 'POST', path, [
        item('b5@example.com'),
        item('b6@example.com', 'org:owner'),
      ]);
      expect(badRole.status).toBe(422);
      expect(badRole.body.errors[0].meta.index).toBe(1);
      const list = await api.call(
        'ListOrganizationInvitations',
        'GET',
        `/v1/organizations/${orgId}/invitations?limit=100`,
      );
      expect(list.body.data.map((i: any) => i.email_address).sort()).toEqual([
        'b1@example.com',
        'b2@example.com',
      ]);

      const eleven = Array.from({ length: 11 }, (_, i) => item(`many${i}@example.com`));
      expect((await api.call(null, 'POST', path, eleven)).status).toBe(422);
      expect((await api.call(null, 'POST', path, [])).status).toBe(422);
    });

    it('lists with status filters (several values), email filter, ordering and pagination', async () => {
      const { orgId, adminId } = await seedOrganization(api, 'list');
      const path = `/v1/organizations/${orgId}/invitations`;
      const emails = ['c@example.com', 'a@example.com', 'd@example.com', 'b@example.com'];
      const ids: string[] = [];
      for (const email of emails) {
        const r = await api.call('CreateOrganizationInvitation', 'POST', path, {
          email_address: email,
          role: 'org:member',
          inviter_user_id: adminId,
        });
        ids.push(r.body.id);
      }
      await api.call('RevokeOrganizationInvitation', 'POST', `${path}/${ids[0]}/revoke`);

      const all = await api.call('ListOrganizationInvitations', 'GET', path);
      expect(all.body.total_count).toBe(4);
      expect(all.body.data.map((i: any) => i.id)).toEqual([...ids].reverse());

      const byEmail = await api.call('ListOrganizationInvitations', 'GET', `${path}?order_by=email_address`);
      expect(byEmail.body.data.map((i: any) => i.email_address)).toEqual([
        'a@example.com',
        'b@example.com',
        'c@example.com',
        'd@example.com',
      ]);
      const byEmailDesc = await api.call(
        'ListOrganizationInvitations',
        'GET',
        `${path}?order_by=-email_address&limit=2&offset=1`,
      );
      expect(byEmailDesc.body.data.map((i: any) => i.email_address)).toEqual([
        'c@example.com',
        'b@example.com',
      ]);
      expect(byEmailDesc.body.total_count).toBe(4);
      const oldest = await api.call(
        'ListOrganizationInvitations',
        'GET',
        `${path}?order_by=%2Bcreated_at&limit=1`,
      );
      expect(oldest.body.data[0].id).toBe(ids[0]);

      const pending = await api.call('ListOrganizationInvitations', 'GET', `${path}?status=pending`);
      expect(pending.body.total_count).toBe(3);
      const repeated = await api.call(
        'ListOrganizationInvitations',
        'GET',
        `${path}?status=pending&status=revoked`,
      );
      expect(repeated.body.total_count).toBe(4);
      const comma = await api.call('ListOrganizationInvitations', 'GET', `${path}?status=revoked,accepted`);
      expect(comma.body.data.map((i: any) => i.id)).toEqual([ids[0]]);
      const oneEmail = await api.call(
        'ListOrganizationInvitations',
        'GET',
        `${path}?email_address=B@Example.com`,
      );
      expect(oneEmail.body.data.map((i: any) => i.email_address)).toEqual(['b@example.com']);

      const legacy = await api.call('ListPendingOrganizationInvitations', 'GET', `${path}/pending?limit=2`);
      expect(legacy.body.total_count).toBe(3);
      expect(legacy.body.data).toHaveLength(2);

      const missing = await api.call(null, 'GET', '/v1/organizations/org_nope/invitations');
      expect(missing.status).toBe(404);
    });

    it('derives expired from expires_at in reads and filters, and frees the address for a new invitation', async () => {
      const { orgId, adminId } = await seedOrganization(api, 'exp');
      const path = `/v1/organizations/${orgId}/invitations`;
      const short = await api.call('CreateOrganizationInvitation', 'POST', path, {
        email_address: 'soon@example.com',
        role: 'org:member',
        inviter_user_id: adminId,
        expires_in_days: 1,
      });
      expect(short.body.expires_at - short.body.created_at).toBe(DAY);
      await api.call('CreateOrganizationInvitation', 'POST', path, {
        email_address: 'later@example.com',
        role: 'org:member',
        expires_in_days: 5,
      });

      offset = 2 * DAY;
      try {
        const got = await api.call('GetOrganizationInvitation', 'GET', `${path}/${short.body.id}`);
        expect(got.body.status).toBe('expired');
        const expired = await api.call('ListOrganizationInvitations', 'GET', `${path}?status=expired`);
        expect(expired.body.data.map((i: any) => i.id)).toEqual([short.body.id]);
        const pending = await api.call('ListOrganizationInvitations', 'GET', `${path}?status=pending`);
        expect(pending.body.data.map((i: any) => i.email_address)).toEqual(['later@example.com']);
        const revoke = await api.call(null, 'POST', `${path}/${short.body.id}/revoke`);
        expect(revoke.status).toBe(400);

        const again = await api.call('CreateOrganizationInvitation', 'POST', path, {
          email_address: 'soon@example.com',
          role: 'org:member',
        });
        expect(again.body.status).toBe('pending');
        const old = await api.call('GetOrganizationInvitation', 'GET', `${path}/${short.body.id}`);
        expect(old.body.status).toBe('expired');
      } finally {
        offset = 0;
      }
    });

    it('lists instance-wide with organization data, and per user by their addresses', async () => {
      const { orgId, adminId } = await seedOrganization(api, 'inst');
      const invitee = await api.call('CreateUser', 'POST', '/v1/users', {
        email_address: ['inst-invitee@example.com', 'inst-second@example.com'],
      });
      for (const email of ['inst-invitee@example.com', 'inst-second@example.com', 'inst-other@example.com']) {
        await api.call('CreateOrganizationInvitation', 'POST', `/v1/organizations/${orgId}/invitations`, {
          email_address: email,
          role: 'org:member',
          inviter_user_id: adminId,
        });
      }
      const all = await api.call(
        'ListInstanceOrganizationInvitations',
        'GET',
        '/v1/organization_invitations?query=INST-&order_by=email_address',
      );
      expect(all.body.total_count).toBe(3);
      expect(all.body.data.map((i: any) => i.email_address)).toEqual([
        'inst-invitee@example.com',
        'inst-other@example.com',
        'inst-second@example.com',
      ]);
      expect(all.body.data[0].public_organization_data).toMatchObject({ id: orgId, name: 'inst Inc' });
      const literal = await api.call(
        'ListInstanceOrganizationInvitations',
        'GET',
        '/v1/organization_invitations?query=inst_',
      );
      expect(literal.body.total_count).toBe(0);

      const mine = await api.call(
        'UsersGetOrganizationInvitations',
        'GET',
        `/v1/users/${invitee.body.id}/organization_invitations?status=pending`,
      );
      expect(mine.body.total_count).toBe(2);
      expect(mine.body.data.every((i: any) => i.public_organization_data.id === orgId)).toBe(true);
      const nobody = await api.call(null, 'GET', '/v1/users/user_missing/organization_invitations');
      expect(nobody.status).toBe(404);
    });
  });

  describe('application invitations', () => {
    it('creates, refuses duplicates and existing users unless ignore_existing, lists and revokes', async () => {
      const created = await api.call('CreateInvitation', 'POST', '/v1/invitations', {
        email_address: 'App.Invitee@example.com',
        public_metadata: { plan: 'pro' },
        redirect_url: 'https://app.example.com/welcome',
      });
      expect(created.body).toMatchObject({
        object: 'invitation',
        email_address: 'app.invitee@example.com',
        status: 'pending',
        revoked: false,
      });
      expect(created.body.id).toMatch(/^inv_/);

      const dup = await api.call(null, 'POST', '/v1/invitations', {
        email_address: 'app.invitee@example.com',
      });
      expect(dup.status).toBe(400);
      expect(dup.body.errors[0].code).toBe('duplicate_record');
      const replaced = await api.call('CreateInvitation', 'POST', '/v1/invitations', {
        email_address: 'app.invitee@example.com',
        ignore_existing: true,
      });
      expect(replaced.body.id).not.toBe(created.body.id);

      await api.call('CreateUser', 'POST', '/v1/users', { email_address: ['app-existing@example.com'] });
      const existing = await api.call(null, 'POST', '/v1/invitations', {
        email_address: 'app-existing@example.com',
      });
      expect(existing.status).toBe(400);
      expect(existing.body.errors[0].code).toBe('form_identifier_exists');
      const forced = await api.call('CreateInvitation', 'POST', '/v1/invitations', {
        email_address: 'app-existing@example.com',
        ignore_existing: true,
      });
      expect(forced.status).toBe(200);

      const revokedList = await api.call(
        'ListInvitations',
        'GET',
        `/v1/invitations?status=revoked&query=app.invitee`,
      );
      expect(revokedList.body.map((i: any) => i.id)).toEqual([created.body.id]);
      const byId = await api.call('ListInvitations', 'GET', `/v1/invitations?query=${replaced.body.id}`);
      expect(byId.body.map((i: any) => i.id)).toEqual([replaced.body.id]);

      const revoke = await api.call('RevokeInvitation', 'POST', `/v1/invitations/${replaced.body.id}/revoke`);
      expect(revoke.body).toMatchObject({ status: 'revoked', revoked: true });
      expect((await api.call(null, 'POST', `/v1/invitations/${replaced.body.id}/revoke`)).status).toBe(400);
      expect((await api.call(null, 'POST', '/v1/invitations/inv_missing/revoke')).status).toBe(404);
    });

    it('bulk creates all or nothing; an existing user always blocks', async () => {
      await api.call('CreateUser', 'POST', '/v1/users', { email_address: ['bulk-existing@example.com'] });
      const bad = await api.call(null, 'POST', '/v1/invitations/bulk', [
        { email_address: 'bulk-app-1@example.com' },
        { email_address: 'bulk-existing@example.com', ignore_existing: true },
      ]);
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]).toMatchObject({ code: 'form_identifier_exists', meta: { index: 1 } });
      const none = await api.call('ListInvitations', 'GET', '/v1/invitations?query=bulk-app-1');
      expect(none.body).toEqual([]);

      const ok = await api.call('CreateBulkInvitations', 'POST', '/v1/invitations/bulk', [
        { email_address: 'bulk-app-1@example.com', expires_in_days: 7 },
        { email_address: 'bulk-app-2@example.com' },
      ]);
      expect(ok.body.map((i: any) => i.email_address)).toEqual([
        'bulk-app-1@example.com',
        'bulk-app-2@example.com',
      ]);
      const ordered = await api.call(
        'ListInvitations',
        'GET',
        '/v1/invitations?query=bulk-app&order_by=expires_at',
      );
      expect(ordered.body[0].email_address).toBe('bulk-app-1@example.com');
    });
  });

  describe('directory', () => {
    it('creates, reads, lists, updates and deletes users', async () => {
      const created = await api.call('CreateUser', 'POST', '/v1/users', {
        email_address: ['dir@example.com', 'dir2@example.com'],
        first_name: 'Dee',
        external_id: 'ext-1',
      });
      expect(created.body.email_addresses.map((e: any) => e.email_address)).toEqual([
        'dir@example.com',
        'dir2@example.com',
      ]);
      expect(created.body.primary_email_address_id).toBe(created.body.email_addresses[0].id);
      const taken = await api.call(null, 'POST', '/v1/users', { email_address: ['DIR@example.com'] });
      expect(taken.status).toBe(400);
      expect(taken.body.errors[0].code).toBe('form_identifier_exists');

      const got = await api.call('GetUser', 'GET', `/v1/users/${created.body.id}`);
      expect(got.body).toEqual(created.body);
      const listed = await api.call('GetUserList', 'GET', '/v1/users?email_address=dir2@example.com');
      expect(listed.body.map((u: any) => u.id)).toEqual([created.body.id]);
      const updated = await api.call('UpdateUser', 'PATCH', `/v1/users/${created.body.id}`, {
        last_name: 'Doe',
        primary_email_address_id: created.body.email_addresses[1].id,
      });
      expect(updated.body).toMatchObject({
        first_name: 'Dee',
        last_name: 'Doe',
        primary_email_address_id: created.body.email_addresses[1].id,
      });
      const deleted = await api.call('DeleteUser', 'DELETE', `/v1/users/${created.body.id}`);
      expect(deleted.body).toEqual({ object: 'user', id: created.body.id, deleted: true });
      expect((await api.call(null, 'GET', `/v1/users/${created.body.id}`)).status).toBe(404);
    });

    it('creates organizations with an admin creator, by slug, updates, lists members, deletes with invitations', async () => {
      const { orgId, adminId, memberId } = await seedOrganization(api, 'dirorg');
      const org = await api.call('GetOrganization', 'GET', `/v1/organizations/${orgId}`);
      const bySlug = await api.call('GetOrganization', 'GET', `/v1/organizations/${org.body.slug}`);
      expect(bySlug.body.id).toBe(orgId);
      const renamed = await api.call('UpdateOrganization', 'PATCH', `/v1/organizations/${orgId}`, {
        name: 'Renamed',
        slug: 'renamed-dirorg',
      });
      expect(renamed.body).toMatchObject({ name: 'Renamed', slug: 'renamed-dirorg' });
      const clash = await api.call(null, 'POST', '/v1/organizations', {
        name: 'Other',
        slug: 'renamed-dirorg',
      });
      expect(clash.status).toBe(400);

      const members = await api.call(
        'ListOrganizationMemberships',
        'GET',
        `/v1/organizations/${orgId}/memberships`,
      );
      expect(members.body.total_count).toBe(2);
      // Newest first, Clerk's default.
      expect(members.body.data.map((m: any) => [m.public_user_data.user_id, m.role])).toEqual([
        [memberId, 'org:member'],
        [adminId, 'org:admin'],
      ]);
      expect(members.body.data[1].permissions).toContain('org:sys_memberships:manage');
      const admins = await api.call(
        'ListOrganizationMemberships',
        'GET',
        `/v1/organizations/${orgId}/memberships?role=org:admin`,
      );
      expect(admins.body.total_count).toBe(1);
      const again = await api.call(null, 'POST', `/v1/organizations/${orgId}/memberships`, {
        user_id: memberId,
        role: 'org:member',
      });
      expect(again.status).toBe(400);

      const listed = await api.call('ListOrganizations', 'GET', '/v1/organizations?query=renamed');
      expect(listed.body.data.map((o: any) => o.id)).toEqual([orgId]);

      const inv = await api.call(
        'CreateOrganizationInvitation',
        'POST',
        `/v1/organizations/${orgId}/invitations`,
        { email_address: 'gone@example.com', role: 'org:member' },
      );
      const deleted = await api.call('DeleteOrganization', 'DELETE', `/v1/organizations/${orgId}`);
      expect(deleted.body).toMatchObject({ object: 'organization', id: orgId, deleted: true });
      expect(
        (await api.call(null, 'GET', `/v1/organizations/${orgId}/invitations/${inv.body.id}`)).status,
      ).toBe(404);
      const inst = await api.call(
        'ListInstanceOrganizationInvitations',
        'GET',
        '/v1/organization_invitations?query=gone@',
      );
      expect(inst.body.total_count).toBe(0);
    });
  });

  describe('auth, health and the OpenAPI document', () => {
    it('accepts every configured key and rejects a missing or wrong one with 401', async () => {
      const ok = await api.call('ListOrganizations', 'GET', '/v1/organizations', undefined, {
        authorization: 'Bearer sk_test_rotated',
      });
      expect(ok.status).toBe(200);
      for (const authorization of ['', 'Bearer sk_wrong', 'Basic abc', 'Bearer ']) {
        const res = await api.call(null, 'GET', '/v1/organizations', undefined, { authorization });
        expect(res.status).toBe(401);
        expect(res.body.errors[0].code).toBe('authentication_invalid');
      }
    });

    it('answers alike whether a path is served straight (/v1/...) or through Express (the rest)', async () => {
      // `/v1/...` skips Express's routing (server.ts); other paths go through Express to the same handler.
      const straight = await api.call('ListOrganizations', 'GET', '/v1/organizations?limit=1&status[]=x');
      expect(straight.status).toBe(200);
      const health = await fetch(`${api.url}/healthz`);
      expect(health.status).toBe(200);
      // Core's routes are case-sensitive: through Express too, `/V1/...` is not one of them.
      const routed = await api.call(null, 'GET', '/V1/organizations?limit=1');
      expect(routed.status).toBe(404);
      expect(routed.body.errors[0].code).toBe('resource_not_found');
      const notServed = await api.call(null, 'GET', '/v1/nothing-here');
      expect(notServed.status).toBe(404);
      expect(notServed.body.errors[0].code).toBe('resource_not_found');
      const malformed = await api.call(null, 'POST', '/v1/organizations', '{"name": nope}');
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors[0].code).toBe('malformed_request_body');
    });

    it('serves /healthz and an OpenAPI document covering every contract operation', async () => {
      const health = await fetch(`${api.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', database: kind.name });

      const doc = (await (await fetch(`${api.url}/v1/openapi.json`)).json()) as any;
      expect(doc.openapi).toBe('3.0.3');
      const operations = Object.values(doc.paths).flatMap((m: any) =>
        Object.values(m).map((op: any) => op.operationId),
      );
      for (const id of [
        'CreateOrganizationInvitation',
        'CreateOrganizationInvitationBulk',
        'ListOrganizationInvitations',
        'ListPendingOrganizationInvitations',
        'GetOrganizationInvitation',
        'RevokeOrganizationInvitation',
        'ListInstanceOrganizationInvitations',
        'UsersGetOrganizationInvitations',
        'CreateInvitation',
        'CreateBulkInvitations',
        'ListInvitations',
        'RevokeInvitation',
        'CreateUser',
        'GetUserList',
        'GetUser',
        'UpdateUser',
        'DeleteUser',
        'CreateOrganization',
        'ListOrganizations',
        'GetOrganization',
        'UpdateOrganization',
        'DeleteOrganization',
        'CreateOrganizationMembership',
        'ListOrganizationMemberships',
      ]) {
        expect(operations).toContain(id);
      }
      const create = doc.paths['/v1/organizations/{organization_id}/invitations'].post;
      expect(create.requestBody.content['application/json'].schema.required).toEqual([
        'email_address',
        'role',
      ]);
      expect(doc.components.schemas.OrganizationInvitation.properties.role_name).toEqual({ type: 'string' });
    });
  });
});
