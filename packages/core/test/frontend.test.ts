import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvitekit, type Invitekit } from '../src/index.js';

// The Frontend API's identity plumbing, literal in and out: the `authenticate` hook, `frontendPath`,
// and the acceptance service called from code.
describe('Frontend API in core', () => {
  let ik: Invitekit;
  let bare: Invitekit;
  const people = new Map([
    [
      'Bearer alice',
      { id: 'user_alice', emailAddresses: [{ emailAddress: 'alice@example.com', verified: true }] },
    ],
  ]);

  beforeAll(async () => {
    ik = await createInvitekit({
      database: { dataDir: 'memory://' },
      frontendPath: '/api/fapi/',
      authenticate: async (request) => people.get(String(request.headers.authorization)) ?? null,
    });
    bare = await createInvitekit({ database: { dataDir: 'memory://' } });
  });
  afterAll(async () => {
    await ik.close();
    await bare.close();
  });

  const get = (target: Invitekit, path: string, authorization?: string) =>
    target.handle({ method: 'GET', path, query: {}, headers: authorization ? { authorization } : {} });

  it('serves under frontendPath, and answers 401 when authenticate says no one or is not configured', async () => {
    expect((await get(ik, '/api/fapi/me/organization_invitations', 'Bearer alice')).status).toBe(200);
    expect((await get(ik, '/api/fapi/me/organization_invitations', 'Bearer mallory')).status).toBe(401);
    expect((await get(ik, '/frontend/v1/me/organization_invitations', 'Bearer alice')).status).toBe(404);
    const none = await get(bare, '/frontend/v1/me/organization_invitations', 'Bearer alice');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ errors: [{ code: 'authentication_invalid' }] });
  });

  it('refuses a frontendPath that collides with the Backend API', async () => {
    await expect(
      createInvitekit({ database: { dataDir: 'memory://' }, frontendPath: '/v1' }),
    ).rejects.toThrow(/two routes serve/);
  });

  it('accepts from code: previews, then accepts exactly once', async () => {
    const org = await ik.services.organizations.create({ name: 'Code' });
    const created = await ik.services.organizationInvitations.create(org.id, {
      emailAddress: 'alice@example.com',
      role: 'org:member',
      privateMetadata: { seat: 7 },
    });
    const token = new URL(created.url!).searchParams.get('invitation_token')!;
    const preview = await ik.services.acceptance.preview(token);
    expect(preview).toMatchObject({
      kind: 'organization',
      status: 'pending',
      emailAddress: 'a***@example.com',
    });
    const alice = people.get('Bearer alice')!;
    const accepted = await ik.services.acceptance.acceptToken(token, alice);
    expect(accepted).toMatchObject({ kind: 'organization', invitation: { status: 'accepted' } });
    await expect(ik.services.acceptance.acceptToken(token, alice)).rejects.toMatchObject({
      status: 400,
      errors: [{ code: 'invitation_not_pending', meta: { status: 'accepted' } }],
    });
    const members = await ik.services.memberships.list(org.id);
    expect(members.data.map((m) => [m.user.userId, m.role, m.privateMetadata])).toEqual([
      ['user_alice', 'org:member', { seat: 7 }],
    ]);
  });
});
