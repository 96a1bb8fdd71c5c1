import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { asUser, seedOrganization, startTestServer, type TestServer } from './harness.js';

const FAPI = '/frontend/v1';

/**
 * Only verified addresses own an identity. Someone who signs in with another person's address and
 * `email_verified: false` gets that address written to the directory as unverified; it must never
 * resolve to them, never block the real owner, and a verified owner takes it over.
 */
describe.each(testDatabases())('unverified addresses own nothing, on $name', (kind) => {
  let api: TestServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    api = await startTestServer(db.config);
  });
  afterAll(async () => {
    await api?.stop();
    await drop?.();
  });

  /** The attacker signs in with `email` unverified; the Frontend API writes them to the directory. */
  async function claimUnverified(sub: string, email: string) {
    const res = await api.call(
      'FrontendListMyOrganizationInvitations',
      'GET',
      `${FAPI}/me/organization_invitations`,
      undefined,
      await asUser(sub, email, false),
    );
    expect(res.status).toBe(200);
    expect(res.body.response.total_count).toBe(0);
  }

  const usersByEmail = async (email: string) => {
    const res = await api.call('GetUserList', 'GET', `/v1/users?email_address=${encodeURIComponent(email)}`);
    expect(res.status).toBe(200);
    return (res.body as { id: string }[]).map((u) => u.id);
  };

  it('an unverified claim does not resolve the user, nor show the victim’s invitations', async () => {
    const { orgId, adminId } = await seedOrganization(api, 'own1');
    const invited = await api.call(
      'CreateOrganizationInvitation',
      'POST',
      `/v1/organizations/${orgId}/invitations`,
      {
        email_address: 'victim1@example.com',
        role: 'org:member',
        inviter_user_id: adminId,
        private_metadata: { crm: 'secret' },
      },
    );
    expect(invited.status).toBe(200);
    await claimUnverified('user_attacker1', 'victim1@example.com');

    expect(await usersByEmail('victim1@example.com')).toEqual([]);
    const theirs = await api.call(
      'UsersGetOrganizationInvitations',
      'GET',
      '/v1/users/user_attacker1/organization_invitations',
    );
    expect(theirs.status).toBe(200);
    expect(theirs.body.total_count).toBe(0);
    expect(JSON.stringify(theirs.body)).not.toContain('secret');
    // A substring search does not find them by the address either.
    const search = await api.call('GetUserList', 'GET', '/v1/users?query=victim1');
    expect(search.body.map((u: { id: string }) => u.id)).not.toContain('user_attacker1');
  });

  it('an unverified claim blocks neither a user, nor an application invitation; the owner takes it over', async () => {
    await claimUnverified('user_attacker2', 'victim2@example.com');
    await claimUnverified('user_attacker2b', 'victim2b@example.com');

    const app = await api.call('CreateInvitation', 'POST', '/v1/invitations', {
      email_address: 'victim2b@example.com',
    });
    expect(app.status).toBe(200);

    const created = await api.call('CreateUser', 'POST', '/v1/users', {
      email_address: ['victim2@example.com'],
    });
    expect(created.status).toBe(200);
    expect(await usersByEmail('victim2@example.com')).toEqual([created.body.id]);
    const attacker = await api.call('GetUser', 'GET', '/v1/users/user_attacker2');
    expect(attacker.body.email_addresses).toEqual([]);
    expect(attacker.body.primary_email_address_id).toBeNull();
    expect(created.body.primary_email_address_id).toBe(created.body.email_addresses[0].id);

    // A verified owner's address stays theirs: a second create is refused as before.
    const again = await api.call('CreateUser', 'POST', '/v1/users', {
      email_address: ['victim2@example.com'],
    });
    expect(again.status).toBe(400);
    expect(again.body.errors[0].code).toBe('form_identifier_exists');
  });

  it('an unverified claim by a member does not make the address a member (single and bulk)', async () => {
    const { orgId, adminId } = await seedOrganization(api, 'own3');
    await claimUnverified('user_attacker3', 'victim3@example.com');
    const joined = await api.call(
      'CreateOrganizationMembership',
      'POST',
      `/v1/organizations/${orgId}/memberships`,
      { user_id: 'user_attacker3', role: 'org:member' },
    );
    expect(joined.status).toBe(200);

    const single = await api.call(
      'CreateOrganizationInvitation',
      'POST',
      `/v1/organizations/${orgId}/invitations`,
      { email_address: 'victim3@example.com', role: 'org:member', inviter_user_id: adminId },
    );
    expect(single.status).toBe(200);
    await api.call(
      'RevokeOrganizationInvitation',
      'POST',
      `/v1/organizations/${orgId}/invitations/${single.body.id}/revoke`,
      { requesting_user_id: adminId },
    );
    const bulk = await api.call(
      'CreateOrganizationInvitationBulk',
      'POST',
      `/v1/organizations/${orgId}/invitations/bulk`,
      [{ email_address: 'victim3@example.com', role: 'org:member', inviter_user_id: adminId }],
    );
    expect(bulk.status).toBe(200);
  });

  it('a verified session takes an unverified address over, and then owns it', async () => {
    await claimUnverified('user_attacker4', 'victim4@example.com');
    const res = await api.call(
      'FrontendListMyOrganizationInvitations',
      'GET',
      `${FAPI}/me/organization_invitations`,
      undefined,
      await asUser('user_owner4', 'victim4@example.com', true),
    );
    expect(res.status).toBe(200);
    expect(await usersByEmail('victim4@example.com')).toEqual(['user_owner4']);
    const owner = await api.call('GetUser', 'GET', '/v1/users/user_owner4');
    expect(owner.body.email_addresses.map((e: { email_address: string }) => e.email_address)).toEqual([
      'victim4@example.com',
    ]);
    expect(owner.body.primary_email_address_id).toBe(owner.body.email_addresses[0].id);
    const attacker = await api.call('GetUser', 'GET', '/v1/users/user_attacker4');
    expect(attacker.body.email_addresses).toEqual([]);
    expect(attacker.body.primary_email_address_id).toBeNull();

    // The attacker signing in again, still unverified, changes nothing.
    await claimUnverified('user_attacker4', 'victim4@example.com');
    expect(await usersByEmail('victim4@example.com')).toEqual(['user_owner4']);
  });

  it('a verified owner keeps an address another session claims verified too (first owner stays)', async () => {
    const created = await api.call('CreateUser', 'POST', '/v1/users', {
      email_address: ['owner5@example.com'],
    });
    await api.call(
      'FrontendListMyOrganizationInvitations',
      'GET',
      `${FAPI}/me/organization_invitations`,
      undefined,
      await asUser('user_other5', 'owner5@example.com', true),
    );
    expect(await usersByEmail('owner5@example.com')).toEqual([created.body.id]);
  });
});
