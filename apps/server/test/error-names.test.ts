import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.js';
import { asUser, seedOrganization, startTestServer, type TestServer } from './harness.js';

// Errors people read (accept pages, admin screens) name the organization, not its id; the id stays in
// meta.organization_id for code.
describe.each(testDatabases())('error messages name the organization on $name', (kind) => {
  let api: TestServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    api = await startTestServer(db.config, { limits: { maxPendingPerOrganization: 1 } });
  });
  afterAll(async () => {
    await api?.stop();
    await drop?.();
  });

  it('not an admin, already a member, over a limit', async () => {
    const { orgId, adminId, memberId } = await seedOrganization(api, 'names');
    const asMember = await asUser(memberId, 'names-member@example.com');
    const notAdmin = await api.call(
      null,
      'POST',
      `/frontend/v1/organizations/${orgId}/invitations`,
      { email_address: 'x@example.com', role: 'org:member' },
      asMember,
    );
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.body.errors[0].long_message).toBe(`User ${memberId} must be an admin of names Inc`);
    expect(notAdmin.body.errors[0].meta.organization_id).toBe(orgId);

    const member = await api.call(null, 'POST', `/v1/organizations/${orgId}/invitations`, {
      email_address: 'names-member@example.com',
      role: 'org:member',
    });
    expect(member.body.errors[0].long_message).toBe(
      'names-member@example.com is already a member of names Inc.',
    );

    const invited = await api.call(null, 'POST', `/v1/organizations/${orgId}/invitations`, {
      email_address: 'first@example.com',
      role: 'org:member',
      inviter_user_id: adminId,
    });
    expect(invited.status).toBe(200);
    const over = await api.call(null, 'POST', `/v1/organizations/${orgId}/invitations`, {
      email_address: 'second@example.com',
      role: 'org:member',
    });
    expect(over.status).toBe(429);
    expect(over.body.errors[0].long_message).toMatch(/^names Inc may hold at most 1 pending invitations/);

    // Accepting by token as someone who became a member meanwhile.
    const token = new URL(invited.body.url).searchParams.get('invitation_token')!;
    const user = await api.call(null, 'POST', '/v1/users', { email_address: ['first@example.com'] });
    await api.call(null, 'POST', `/v1/organizations/${orgId}/memberships`, {
      user_id: user.body.id,
      role: 'org:member',
    });
    const accept = await api.call(
      null,
      'POST',
      '/frontend/v1/tickets/accept',
      { token },
      await asUser(user.body.id, 'first@example.com'),
    );
    expect(accept.body.errors[0]).toMatchObject({
      code: 'already_a_member_in_organization',
      long_message: 'You are already a member of names Inc',
      meta: { organization_id: orgId },
    });
    for (const res of [notAdmin, member, over, accept]) {
      expect(JSON.stringify(res.body.errors[0].long_message)).not.toContain(orgId);
    }
  });
});
