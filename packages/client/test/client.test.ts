import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Standalone, startStandalone } from '../../../test/support/standalone.js';
import {
  createBackendClient,
  createFrontendClient,
  type InvitekitApiError,
  isInvitekitApiError,
} from '../src/index.js';

let api: Standalone;
beforeAll(async () => {
  api = await startStandalone();
});
afterAll(() => api?.stop());

const frontend = (token: string | null) => createFrontendClient({ baseUrl: api.url, getToken: () => token });

/** The rejection of `promise`, which must be an InvitekitApiError. */
async function apiError(promise: Promise<unknown>): Promise<InvitekitApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(isInvitekitApiError(error)).toBe(true);
  return error as InvitekitApiError;
}

describe('Backend API client', () => {
  test('creates and lists invitations, typed', async () => {
    const { admin, org } = await api.organization('bapi');
    const created = await api.backend.organizationInvitations.create(org.id, {
      email_address: 'Bob@Example.test',
      role: 'org:member',
      inviter_user_id: admin.id,
      private_metadata: { seat: 3 },
    });
    expect(created).toMatchObject({ object: 'organization_invitation', email_address: 'bob@example.test' });
    expect(created.private_metadata).toEqual({ seat: 3 });
    const page = await api.backend.organizationInvitations.list(org.id, { status: ['pending'], limit: 5 });
    expect(page.total_count).toBe(1);
    expect(page.data[0]!.id).toBe(created.id);
  });

  test('edits a pending invitation in place (Invitekit extension): Backend and Frontend API', async () => {
    const { admin, org } = await api.organization('edit');
    const created = await api.backend.organizationInvitations.create(org.id, {
      email_address: 'edit@example.test',
      role: 'org:member',
      locale: 'de',
    });
    const edited = await api.backend.organizationInvitations.update(org.id, created.id, {
      private_metadata: { seat: 9 },
      locale: 'fr-ca',
    });
    expect(edited).toMatchObject({
      id: created.id,
      role: 'org:member',
      private_metadata: { seat: 9 },
      locale: 'fr-CA',
      url: null,
    });
    const byAdmin = await frontend(admin.token).updateOrganizationInvitation(org.id, created.id, {
      role: 'org:admin',
      expires_in_days: 2,
    });
    expect(byAdmin).toMatchObject({ id: created.id, role: 'org:admin', status: 'pending' });
    expect(byAdmin).not.toHaveProperty('private_metadata');
    const refused = await apiError(
      frontend(admin.token).updateOrganizationInvitation(org.id, created.id, { role: 'org:nope' }),
    );
    expect([refused.status, refused.code]).toEqual([422, 'form_param_value_invalid']);
  });

  test('API errors are InvitekitApiErrors carrying the ClerkErrors body', async () => {
    const { org } = await api.organization('errors');
    await api.backend.organizationInvitations.create(org.id, {
      email_address: 'dup@example.test',
      role: 'org:member',
    });
    const duplicate = await apiError(
      api.backend.organizationInvitations.create(org.id, {
        email_address: 'dup@example.test',
        role: 'org:member',
      }),
    );
    expect(duplicate.status).toBe(400);
    expect(duplicate.code).toBe('duplicate_record');
    expect(duplicate.errors[0]).toMatchObject({ code: 'duplicate_record', message: expect.any(String) });

    const wrongKey = createBackendClient({ baseUrl: api.url, secretKey: 'sk_wrong' });
    const unauthorised = await apiError(wrongKey.users.list());
    expect(unauthorised).toMatchObject({ status: 401, code: 'authentication_invalid' });
  });

  test('a body that is not ClerkErrors still surfaces as a typed error', async () => {
    const client = createBackendClient({
      baseUrl: api.url,
      secretKey: 'x',
      fetch: async () => new Response('<html>bad gateway</html>', { status: 502 }),
    });
    const error = await apiError(client.users.list());
    expect(error).toMatchObject({ status: 502, code: 'unexpected_response' });
  });
});

describe('Frontend API client', () => {
  test('an admin invites, lists, bulk-invites and revokes; no private metadata leaves', async () => {
    const { admin, org } = await api.organization('fapi');
    const client = frontend(admin.token);
    const one = await client.createOrganizationInvitation(org.id, {
      email_address: 'one@example.test',
      role: 'org:member',
    });
    expect(one).toMatchObject({
      object: 'organization_invitation',
      status: 'pending',
      organization_id: org.id,
    });
    expect(one).not.toHaveProperty('private_metadata');
    const many = await client.createOrganizationInvitations(org.id, {
      email_address: ['two@example.test', 'three@example.test'],
      role: 'org:admin',
    });
    expect(many.map((i) => i.email_address).sort()).toEqual(['three@example.test', 'two@example.test']);

    const page = await client.listOrganizationInvitations(org.id, { status: 'pending', limit: 2 });
    expect(page.total_count).toBe(3);
    expect(page.data).toHaveLength(2);

    const revoked = await client.revokeOrganizationInvitation(org.id, one.id);
    expect(revoked.status).toBe('revoked');
    const again = await apiError(client.revokeOrganizationInvitation(org.id, one.id));
    expect(again).toMatchObject({ status: 400, code: 'organization_invitation_not_pending' });
  });

  test('signed out is 401, a plain member is 403', async () => {
    const { org } = await api.organization('authz');
    expect(await apiError(frontend(null).listOrganizationInvitations(org.id))).toMatchObject({
      status: 401,
      code: 'authentication_invalid',
    });
    const member = await api.user('member');
    await api.backend.memberships.create(org.id, { user_id: member.id, role: 'org:member' });
    expect(await apiError(frontend(member.token).listOrganizationInvitations(org.id))).toMatchObject({
      status: 403,
      code: 'not_an_admin_in_organization',
    });
  });

  test('the invitee lists, accepts and declines their invitations', async () => {
    const { org } = await api.organization('mine');
    const { org: other } = await api.organization('other');
    const invitee = await api.user('invitee');
    const first = await api.backend.organizationInvitations.create(org.id, {
      email_address: invitee.email,
      role: 'org:member',
    });
    await api.backend.organizationInvitations.create(other.id, {
      email_address: invitee.email,
      role: 'org:member',
    });
    const client = frontend(invitee.token);

    const mine = await client.listMyInvitations({ status: 'pending' });
    expect(mine.total_count).toBe(2);
    expect(mine.data.map((i) => i.public_organization_data.name).sort()).toEqual(['mine Inc', 'other Inc']);

    const accepted = await client.acceptMyInvitation(first.id);
    expect(accepted.status).toBe('accepted');
    const declined = await client.declineMyInvitation(
      mine.data.find((i) => i.organization_id === other.id)!.id,
    );
    expect(declined.status).not.toBe('pending');
    expect((await client.listMyInvitations({ status: 'pending' })).total_count).toBe(0);
    const members = await api.backend.memberships.list(org.id);
    expect(members.data.map((m) => m.public_user_data.user_id)).toContain(invitee.id);
  });

  test('tickets: preview without a session, accept as the invited user, typed failures', async () => {
    const { org } = await api.organization('ticket');
    const invitee = await api.user('ticket-invitee');
    const invitation = await api.backend.organizationInvitations.create(org.id, {
      email_address: invitee.email,
      role: 'org:member',
    });
    const token = api.tokenOf(invitation);
    expect(token).not.toBe('');

    const preview = await frontend(null).previewTicket(token);
    expect(preview).toMatchObject({
      object: 'invitation_preview',
      invitation_id: invitation.id,
      status: 'pending',
      organization: { id: org.id, name: 'ticket Inc' },
    });
    expect(preview.email_address).not.toBe(invitee.email); // masked

    expect(await apiError(frontend(null).previewTicket('not-a-token'))).toMatchObject({
      status: 404,
      code: 'invitation_token_invalid',
    });
    const stranger = await api.user('stranger');
    expect(await apiError(frontend(stranger.token).acceptTicket(token))).toMatchObject({
      status: 403,
      code: 'invitation_email_mismatch',
    });
    await frontend(invitee.token).acceptTicket(token);
    const twice = await apiError(frontend(invitee.token).acceptTicket(token));
    expect(twice).toMatchObject({
      status: 400,
      code: 'invitation_not_pending',
      meta: { status: 'accepted' },
    });
  });
});

describe('join links (Invitekit extension)', () => {
  test('an admin creates, lists and revokes a link; a person previews it and joins; uses are listed', async () => {
    const { admin, org } = await api.organization('links');
    const asAdmin = frontend(admin.token);
    const link = await asAdmin.createJoinLink(org.id, { role: 'org:member', max_uses: 3 });
    expect(link).toMatchObject({ object: 'join_link', uses_count: 0, max_uses: 3, created_by: admin.id });
    const token = new URL(link.url!).searchParams.get('join_token')!;

    const preview = await frontend(null).previewJoinLink(token);
    expect(preview).toMatchObject({ join_link_id: link.id, status: 'active', organization: { id: org.id } });

    const bob = await api.user('bob');
    const joined = await frontend(bob.token).acceptJoinLink(token);
    expect(joined).toMatchObject({ status: 'joined', user_id: bob.id, organization: { id: org.id } });

    const listed = await asAdmin.listJoinLinks(org.id);
    expect(listed.data).toEqual([expect.objectContaining({ id: link.id, uses_count: 1, url: null })]);
    const uses = await asAdmin.listJoinLinkUses(org.id, link.id, { status: 'joined' });
    expect(uses.data.map((u) => u.user_id)).toEqual([bob.id]);
    expect((await api.backend.joinLinks.get(org.id, link.id)).uses_count).toBe(1);

    const revoked = await asAdmin.revokeJoinLink(org.id, link.id);
    expect(revoked.status).toBe('revoked');
    const carol = await api.user('carol');
    const refused = await apiError(frontend(carol.token).acceptJoinLink(token));
    expect(refused.status).toBe(400);
    expect(refused.code).toBe('join_link_not_active');
  });

  test('the Backend API client creates links and decides approval requests', async () => {
    const { admin, org } = await api.organization('approve');
    const link = await api.backend.joinLinks.create(org.id, {
      role: 'org:member',
      created_by: admin.id,
      require_approval: true,
    });
    const dave = await api.user('dave');
    const asked = await frontend(dave.token).acceptJoinLink(
      new URL(link.url!).searchParams.get('join_token')!,
    );
    expect(asked.status).toBe('pending');
    const pending = await api.backend.joinLinks.listUses(org.id, link.id, { status: ['pending'] });
    expect(pending.total_count).toBe(1);
    const approved = await api.backend.joinLinks.approveUse(org.id, link.id, asked.id, {
      requesting_user_id: admin.id,
    });
    expect(approved).toMatchObject({ status: 'joined', decided_by: admin.id });
    const members = await api.backend.memberships.list(org.id);
    expect(members.data.map((m) => m.public_user_data.user_id)).toContain(dave.id);
  });
});

describe('imports (Invitekit extension)', () => {
  /** Polls until the import is completed. */
  async function completed<T extends { status: string }>(get: () => Promise<T>): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const job = await get();
      if (job.status === 'completed') return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the import did not complete');
  }

  test('the Backend API client uploads CSV text and reads progress and row results', async () => {
    const { admin, org } = await api.organization('bapi-import');
    const started = await api.backend.invitationImports.create(
      org.id,
      'email,role\nc1@example.test,org:member\nnot-an-address,org:member\n',
      { inviter_user_id: admin.id, notify: false },
    );
    expect(started).toMatchObject({ object: 'invitation_import', total_rows: 2 });
    const done = await completed(() =>
      api.backend.invitationImports.get(org.id, started.id, { result: 'invalid' }),
    );
    expect(done.counts).toMatchObject({ created: 1, invalid: 1 });
    expect(done.rows).toMatchObject({ total_count: 1, data: [{ row: 2, result: 'invalid' }] });
  });

  test('the Frontend API client imports JSON rows as an admin; a plain member is refused', async () => {
    const { admin, org } = await api.organization('fapi-import');
    const client = frontend(admin.token);
    const started = await client.importOrganizationInvitations(
      org.id,
      [{ email_address: 'r1@example.test', locale: 'fr' }, { email_address: 'r2@example.test' }],
      { role: 'org:member' },
    );
    expect(started.inviter_user_id).toBe(admin.id);
    const done = await completed(() =>
      client.getOrganizationInvitationImport(org.id, started.id, { limit: 1 }),
    );
    expect(done).toMatchObject({ processed_rows: 2, counts: { created: 2 }, rows: { total_count: 2 } });
    expect(done.rows.data).toHaveLength(1);

    // No metadata from a browser (the type says so too): the whole upload is refused.
    const withMetadata = [{ email_address: 'r3@example.test', private_metadata: { seat: 1 } }];
    const metadataRefused = await apiError(
      client.importOrganizationInvitations(org.id, withMetadata as never, { role: 'org:member' }),
    );
    expect(metadataRefused).toMatchObject({ status: 422, code: 'form_param_unknown' });

    const member = await api.user('import-member');
    await api.backend.memberships.create(org.id, { user_id: member.id, role: 'org:member' });
    const refused = await apiError(
      frontend(member.token).importOrganizationInvitations(org.id, 'email\nx@example.test\n'),
    );
    expect(refused).toMatchObject({ status: 403, code: 'not_an_admin_in_organization' });
  });
});
