import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClerkTarget, startClerkTarget } from '../support/clerk-sdk.js';
import { testDatabases } from '../support/databases.js';

// Wire details that Clerk's other generated SDKs (Python, Dart, Ruby, Java: shared/seeds/) exercise and
// @clerk/backend does not, sent over raw HTTP. `server.call` checks every 2xx body against Clerk's
// contract and every error against ClerkErrors.

describe.each(testDatabases())("Clerk's other SDKs on the wire, on $name", (kind) => {
  let t: ClerkTarget;
  let orgId: string;
  let userId: string;
  const email = (label: string) => `${label}@wire.example.com`;
  beforeAll(async () => {
    t = await startClerkTarget(kind);
    const user = await t.clerk.users.createUser({ emailAddress: [email('invitee')] });
    userId = user.id;
    const org = await t.clerk.organizations.createOrganization({ name: 'Wire' });
    orgId = org.id;
    // Three pending, one revoked; all to the same user's address in other organizations would clash, so
    // the user's list gets one pending and one revoked from two more organizations.
    for (const label of ['c', 'a', 'b', 'r']) {
      await t.server.call(null, 'POST', `/v1/organizations/${orgId}/invitations`, {
        email_address: email(label),
        role: 'org:member',
      });
    }
    const list = await t.clerk.organizations.getOrganizationInvitationList({ organizationId: orgId });
    const r = list.data.find((i) => i.emailAddress === email('r'))!;
    await t.clerk.organizations.revokeOrganizationInvitation({ organizationId: orgId, invitationId: r.id });
    for (const name of ['Mine 1', 'Mine 2']) {
      const o = await t.clerk.organizations.createOrganization({ name });
      const inv = await t.clerk.organizations.createOrganizationInvitation({
        organizationId: o.id,
        emailAddress: email('invitee'),
        role: 'org:member',
      });
      if (name === 'Mine 2') {
        await t.clerk.organizations.revokeOrganizationInvitation({
          organizationId: o.id,
          invitationId: inv.id,
        });
      }
    }
    for (const label of ['x', 'y']) {
      await t.clerk.invitations.createInvitation({ emailAddress: email(`app-${label}`), notify: false });
    }
    const y = await t.clerk.invitations.getInvitationList({ query: email('app-y') });
    await t.clerk.invitations.revokeInvitation(y.data[0]!.id);
  });
  afterAll(() => t?.stop());

  const emailsOf = (body: { data: { email_address: string }[] } | { email_address: string }[]) =>
    (Array.isArray(body) ? body : body.data).map((i) => i.email_address.split('@')[0]);

  describe('status arrays travel three ways and read the same', () => {
    const forms = {
      'repeated (Speakeasy: Java, Ruby, Python, @clerk/backend)': 'status=pending&status=revoked',
      'comma-separated (openapi-generator csv: Dart, Python clerk_client)': 'status=pending,revoked',
      'bracketed (PHP / Rails style)': 'status[]=pending&status[]=revoked',
    };
    for (const [name, qs] of Object.entries(forms)) {
      it(name, async () => {
        const org = await t.server.call(
          'ListOrganizationInvitations',
          'GET',
          `/v1/organizations/${orgId}/invitations?${qs}&order_by=email_address`,
        );
        expect(emailsOf(org.body)).toEqual(['a', 'b', 'c', 'r']);
        const instance = await t.server.call(
          'ListInstanceOrganizationInvitations',
          'GET',
          `/v1/organization_invitations?${qs}&query=wire.example.com&order_by=email_address`,
        );
        expect(emailsOf(instance.body)).toEqual(['a', 'b', 'c', 'invitee', 'invitee', 'r']);
        const mine = await t.server.call(
          'UsersGetOrganizationInvitations',
          'GET',
          `/v1/users/${userId}/organization_invitations?${qs}`,
        );
        expect(mine.body.total_count).toBe(2);
        const apps = await t.server.call(
          null,
          'GET',
          `/v1/invitations?${qs}&query=app-&order_by=email_address`,
        );
        expect(emailsOf(apps.body)).toEqual(['app-x', 'app-y']);
      });
    }

    it('one value filters; an unknown one is a 422 naming status', async () => {
      const one = await t.server.call(
        'ListOrganizationInvitations',
        'GET',
        `/v1/organizations/${orgId}/invitations?status=revoked`,
      );
      expect(emailsOf(one.body)).toEqual(['r']);
      const bad = await t.server.call(null, 'GET', `/v1/organizations/${orgId}/invitations?status[]=lost`);
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0].meta.param_name).toBe('status[0]');
    });
  });

  it('booleans: paginated takes the spellings Go parses (true, True, 1, t; false, 0), anything else is a 422', async () => {
    for (const yes of ['true', 'True', 'TRUE', '1', 't']) {
      const res = await t.server.call(null, 'GET', `/v1/invitations?paginated=${yes}&query=app-`);
      expect(res.body, yes).toMatchObject({ total_count: 2 });
    }
    for (const no of ['false', 'False', '0', 'f']) {
      const res = await t.server.call('ListInvitations', 'GET', `/v1/invitations?paginated=${no}&query=app-`);
      expect(Array.isArray(res.body), no).toBe(true);
    }
    const bad = await t.server.call(null, 'GET', '/v1/invitations?paginated=yes');
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({
      code: 'form_param_value_invalid',
      meta: { param_name: 'paginated' },
    });
  });

  it('limit and offset: absent means 10 and 0; a float written by Python (10.0) is a whole number; 1.5 is not', async () => {
    const path = `/v1/organizations/${orgId}/invitations`;
    const none = await t.server.call('ListOrganizationInvitations', 'GET', path);
    expect(none.body.data).toHaveLength(4);
    const floats = await t.server.call('ListOrganizationInvitations', 'GET', `${path}?limit=2.0&offset=1.0`);
    expect(floats.body.data).toHaveLength(2);
    expect(floats.body.total_count).toBe(4);
    const half = await t.server.call(null, 'GET', `${path}?limit=1.5`);
    expect(half.status).toBe(422);
    expect(half.body.errors[0].meta.param_name).toBe('limit');
  });

  it('order_by: the first of several counts (as Clerk documents), and an unencoded + means ascending', async () => {
    const path = `/v1/organizations/${orgId}/invitations`;
    const first = await t.server.call(
      'ListOrganizationInvitations',
      'GET',
      `${path}?order_by=-email_address&order_by=created_at`,
    );
    expect(emailsOf(first.body)).toEqual(['r', 'c', 'b', 'a']);
    const plus = await t.server.call('ListOrganizationInvitations', 'GET', `${path}?order_by=+email_address`);
    expect(emailsOf(plus.body)).toEqual(['a', 'b', 'c', 'r']);
    const encoded = await t.server.call(
      'ListOrganizationInvitations',
      'GET',
      `${path}?order_by=%2Bemail_address`,
    );
    expect(emailsOf(encoded.body)).toEqual(['a', 'b', 'c', 'r']);
    const expires = await t.server.call(null, 'GET', `/v1/invitations?order_by=-expires_at&query=app-`);
    expect(expires.status).toBe(200);
    // expires_at orders application invitations only, as in Clerk's spec.
    const notHere = await t.server.call(null, 'GET', `${path}?order_by=expires_at`);
    expect(notHere.status).toBe(422);
  });

  it('null for an optional body field means absent (Python and Java send null for unset nullable fields)', async () => {
    const org = await t.server.call(
      'CreateOrganizationInvitation',
      'POST',
      `/v1/organizations/${orgId}/invitations`,
      {
        email_address: email('nulls'),
        role: 'org:member',
        inviter_user_id: null,
        public_metadata: null,
        private_metadata: null,
        redirect_url: null,
        expires_in_days: null,
        notify: null,
      },
    );
    expect(org.status).toBe(200);
    expect(org.body).toMatchObject({ public_metadata: {}, private_metadata: {}, inviter_id: null });
    const revoked = await t.server.call(
      'RevokeOrganizationInvitation',
      'POST',
      `/v1/organizations/${orgId}/invitations/${org.body.id}/revoke`,
      { requesting_user_id: null },
    );
    expect(revoked.body.status).toBe('revoked');

    const app = await t.server.call('CreateInvitation', 'POST', '/v1/invitations', {
      email_address: email('app-nulls'),
      public_metadata: null,
      redirect_url: null,
      notify: null,
      ignore_existing: null,
      expires_in_days: null,
      template_slug: null,
    });
    expect(app.status).toBe(200);
    expect(app.body.public_metadata).toEqual({});
    const bulk = await t.server.call('CreateBulkInvitations', 'POST', '/v1/invitations/bulk', [
      { email_address: email('app-bulk-nulls'), notify: null, ignore_existing: null, template_slug: null },
    ]);
    expect(bulk.body).toHaveLength(1);
  });

  it('revoke takes no body, an empty one, or {} (Content-Type: application/json on an empty POST, as the SDKs send it)', async () => {
    const make = async (label: string) =>
      (
        await t.server.call(null, 'POST', `/v1/organizations/${orgId}/invitations`, {
          email_address: email(label),
          role: 'org:member',
        })
      ).body.id as string;
    const revoke = (id: string, body?: string) =>
      fetch(`${t.server.url}/v1/organizations/${orgId}/invitations/${id}/revoke`, {
        method: 'POST',
        headers: { authorization: `Bearer sk_test_invitekit`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body }),
      });
    for (const body of [undefined, '', '{}']) {
      const res = await revoke(await make(`rv${body?.length ?? 'none'}`), body);
      expect(res.status, String(body)).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe('revoked');
    }
  });

  it('responses: null where Clerk is nullable, absent where it is optional', async () => {
    const list = await t.server.call(
      'ListOrganizationInvitations',
      'GET',
      `/v1/organizations/${orgId}/invitations?limit=1`,
    );
    const item = list.body.data[0];
    // OrganizationInvitation: url, inviter_id and public_inviter_data are required and nullable.
    expect(item).toHaveProperty('url', null);
    expect(item).toHaveProperty('inviter_id', null);
    expect(item).toHaveProperty('public_inviter_data', null);
    expect(typeof item.expires_at).toBe('number');
    // Invitation: url is optional and not nullable: present on create only.
    const created = await t.server.call('CreateInvitation', 'POST', '/v1/invitations', {
      email_address: email('app-url'),
      notify: false,
    });
    expect(created.body.url).toMatch(/invitation_token=/);
    const read = await t.server.call('ListInvitations', 'GET', `/v1/invitations?query=${created.body.id}`);
    expect(read.body[0]).not.toHaveProperty('url');
    expect(read.body[0]).toMatchObject({ revoked: false, status: 'pending' });
  });

  it('errors: the ClerkErrors envelope with meta and clerk_trace_id, as exactly application/json', async () => {
    const res = await fetch(`${t.server.url}/v1/organizations/org_missing/invitations`, {
      headers: { authorization: 'Bearer sk_test_invitekit' },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      errors: [
        {
          code: 'resource_not_found',
          message: 'not found',
          long_message: 'No organization was found with id org_missing',
          meta: { id: 'org_missing' },
        },
      ],
      meta: {},
      clerk_trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const again = (await (
      await fetch(`${t.server.url}/v1/organizations/org_missing/invitations`, {
        headers: { authorization: 'Bearer sk_test_invitekit' },
      })
    ).json()) as { clerk_trace_id: string };
    expect(again.clerk_trace_id).not.toBe(body.clerk_trace_id);
    const unauthorized = await fetch(`${t.server.url}/v1/invitations`);
    expect(unauthorized.status).toBe(401);
    expect(((await unauthorized.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe(
      'authentication_invalid',
    );
  });
});
