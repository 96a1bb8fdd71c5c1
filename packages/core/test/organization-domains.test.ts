import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertClerkErrors,
  assertContract,
  assertFapiDomainsSchema,
  assertOwnDocument,
} from '../../../test/support/contract.js';
import { testDatabases } from '../../../test/support/databases.js';
import { startWebhookReceiver } from '../../../test/support/webhook-receiver.js';
import { createInvitekit, type Invitekit } from '../src/index.js';

const SECRET = 'sk_domains';
const WEBHOOK_SECRET = `whsec_${Buffer.from('domains-webhook-secret-0123456789').toString('base64')}`;

type Person = { id: string; emailAddresses: { emailAddress: string; verified: boolean }[] };
type Json = Record<string, any>;

// Verified domains end to end through core's `handle`: Backend API with the secret key, Frontend API
// through the `authenticate` hook, on PGlite and PostgreSQL, with a real webhook receiver.
describe.each(testDatabases())('verified domains on $name', (kind) => {
  let ik: Invitekit;
  let drop: () => Promise<void>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let openapi: object;
  const people = new Map<string, Person>();
  let n = 0;
  const unique = (label: string) => `${label}${++n}${Date.now().toString(36)}`;

  beforeAll(async () => {
    const db = await kind.create();
    drop = db.drop;
    receiver = await startWebhookReceiver();
    ik = await createInvitekit({
      database: db.config,
      secretKeys: [SECRET],
      authenticate: async (request) => people.get(String(request.headers.authorization)) ?? null,
      webhooks: [
        { url: receiver.url, secret: WEBHOOK_SECRET },
        // Membership-request events are an Invitekit extension: heard only by endpoints that name them.
        {
          url: receiver.url,
          secret: WEBHOOK_SECRET,
          events: [
            'organizationMembershipRequest.created',
            'organizationMembershipRequest.accepted',
            'organizationMembershipRequest.rejected',
          ],
        },
      ],
      delivery: { pollIntervalMs: 20 },
    });
    ik.start();
    openapi = (await bapi('GET', '/v1/openapi.json')).body as object;
  });
  afterAll(async () => {
    await ik?.close();
    await receiver?.close();
    await drop?.();
  });

  async function bapi(method: string, path: string, body?: unknown, query: Record<string, string> = {}) {
    const res = await ik.handle({
      method,
      path,
      query,
      headers: { authorization: `Bearer ${SECRET}` },
      body,
    });
    return { status: res.status, body: res.body as Json };
  }
  async function fapi(
    who: string,
    method: string,
    path: string,
    body?: unknown,
    query: Record<string, string> = {},
  ) {
    const res = await ik.handle({
      method,
      path: `/frontend/v1${path}`,
      query,
      headers: { authorization: `Bearer ${who}` },
      body,
    });
    return { status: res.status, body: res.body as Json };
  }
  /** A signed-in person the `authenticate` hook knows; the Frontend API sees them at their first call. */
  function person(email: string, verified = true): string {
    const token = unique('t');
    people.set(`Bearer ${token}`, {
      id: unique('user_'),
      emailAddresses: [{ emailAddress: email, verified }],
    });
    return token;
  }
  const personId = (token: string) => people.get(`Bearer ${token}`)!.id;

  /** An organization with an admin signed in through the Frontend API (at `adminEmail`). */
  async function org(adminEmail = `admin@${unique('corp')}.io`, maxAllowedMemberships = 0) {
    const admin = person(adminEmail);
    await fapi(admin, 'GET', '/me/organization_invitations'); // writes the admin to the directory
    const created = await ik.services.organizations.create({
      name: unique('Org '),
      createdBy: personId(admin),
      maxAllowedMemberships,
    });
    return { id: created.id, admin };
  }
  function expectError(res: { status: number; body: Json }, status: number, code: string) {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    assertClerkErrors(res.body);
    expect(res.body.errors[0]?.code).toBe(code);
  }

  it('Backend API: create (verified by default), list with filters, update, delete, as the contract says', async () => {
    const { id } = await org();
    const name = `${unique('acme')}.com`;
    const created = await bapi('POST', `/v1/organizations/${id}/domains`, {
      name: `  ${name.toUpperCase()}.`,
      enrollment_mode: 'automatic_invitation',
    });
    expect(created.status).toBe(200);
    assertContract('CreateOrganizationDomain', 200, created.body);
    expect(created.body).toMatchObject({
      object: 'organization_domain',
      organization_id: id,
      name,
      enrollment_mode: 'automatic_invitation',
      verification: { status: 'verified', strategy: 'admin' },
      total_pending_invitations: 0,
    });
    const unverified = await bapi('POST', `/v1/organizations/${id}/domains`, {
      name: `${unique('beta')}.org`,
      verified: false,
    });
    expect(unverified.body).toMatchObject({ enrollment_mode: 'manual_invitation', verification: null });

    const all = await bapi('GET', `/v1/organizations/${id}/domains`);
    assertContract('ListOrganizationDomains', 200, all.body);
    expect(all.body.total_count).toBe(2);
    const verified = await bapi('GET', `/v1/organizations/${id}/domains`, undefined, { verified: 'true' });
    expect(verified.body.data.map((d: Json) => d.name)).toEqual([name]);
    const notAuto = await bapi('GET', `/v1/organizations/${id}/domains`, undefined, {
      enrollment_mode: '-automatic_invitation',
    });
    expect(notAuto.body.data.map((d: Json) => d.id)).toEqual([unverified.body.id]);

    const updated = await bapi('PATCH', `/v1/organizations/${id}/domains/${unverified.body.id}`, {
      enrollment_mode: 'automatic_suggestion',
      verified: true,
    });
    assertContract('UpdateOrganizationDomain', 200, updated.body);
    expect(updated.body).toMatchObject({
      enrollment_mode: 'automatic_suggestion',
      verification: { status: 'verified' },
    });

    const deleted = await bapi('DELETE', `/v1/organizations/${id}/domains/${created.body.id}`);
    assertContract('DeleteOrganizationDomain', 200, deleted.body);
    expect(deleted.body).toEqual({ object: 'organization_domain', id: created.body.id, deleted: true });
    expectError(
      await bapi('DELETE', `/v1/organizations/${id}/domains/${created.body.id}`),
      404,
      'resource_not_found',
    );
    expectError(await bapi('GET', '/v1/organizations/org_nope/domains'), 404, 'resource_not_found');
  });

  it('Backend API: lists every organization’s domains with Clerk’s filters (GET /v1/organization_domains)', async () => {
    const [a, b] = [await org(), await org()];
    const tag = unique('all');
    const names = [`zeta-${tag}.com`, `alpha-${tag}.com`, `mid-${tag}.org`];
    await bapi('POST', `/v1/organizations/${a.id}/domains`, {
      name: names[0],
      enrollment_mode: 'automatic_invitation',
    });
    await bapi('POST', `/v1/organizations/${a.id}/domains`, { name: names[1], verified: false });
    await bapi('POST', `/v1/organizations/${b.id}/domains`, { name: names[2] });
    const byQuery = await bapi('GET', '/v1/organization_domains', undefined, {
      query: tag.toUpperCase(),
      order_by: 'name',
    });
    assertContract('ListAllOrganizationDomains', 200, byQuery.body);
    expect(byQuery.body.data.map((d: Json) => d.name)).toEqual([names[1], names[2], names[0]]);
    const ofA = await bapi('GET', '/v1/organization_domains', undefined, { query: a.id });
    expect(ofA.body.total_count).toBe(2);
    const verifiedOfA = await bapi('GET', '/v1/organization_domains', undefined, {
      organization_id: a.id,
      verified: 'false',
    });
    expect(verifiedOfA.body.data.map((d: Json) => d.name)).toEqual([names[1]]);
    const exact = await bapi('GET', '/v1/organization_domains', undefined, {
      domains: [names[2], names[0]],
    } as never);
    expect(exact.body.data.map((d: Json) => d.name).sort()).toEqual([names[2], names[0]].sort());
    expectError(
      await bapi('GET', '/v1/organization_domains', undefined, { query: '  ' }),
      422,
      'form_param_value_invalid',
    );
  });

  it('refuses free and disposable mail domains (maintained npm lists), bad names and enterprise_sso', async () => {
    const { id } = await org();
    expectError(
      await bapi('POST', `/v1/organizations/${id}/domains`, { name: 'gmail.com' }),
      400,
      'organization_domain_common',
    );
    expectError(
      await bapi('POST', `/v1/organizations/${id}/domains`, { name: 'YAHOO.com' }),
      400,
      'organization_domain_common',
    );
    expectError(
      await bapi('POST', `/v1/organizations/${id}/domains`, { name: '0-180.com' }),
      400,
      'organization_domain_blocked',
    );
    expectError(
      await bapi('POST', `/v1/organizations/${id}/domains`, { name: 'a@b.com' }),
      422,
      'form_param_format_invalid',
    );
    expectError(
      await bapi('POST', `/v1/organizations/${id}/domains`, { name: 'localhost' }),
      422,
      'form_param_format_invalid',
    );
    expectError(
      await bapi('POST', `/v1/organizations/${id}/domains`, {
        name: 'sso.example.net',
        enrollment_mode: 'enterprise_sso',
      }),
      422,
      'form_param_value_invalid',
    );
  });

  it('holds at most 10 domains per organization, exactly, under concurrent creates', async () => {
    const { id } = await org();
    const results = await Promise.all(
      Array.from({ length: 14 }, (_, i) =>
        bapi('POST', `/v1/organizations/${id}/domains`, {
          name: `d${i}.${unique('many')}.com`,
          verified: false,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    for (const r of results.filter((r) => r.status !== 200))
      expectError(r, 403, 'organization_domain_quota_exceeded');
    expect((await bapi('GET', `/v1/organizations/${id}/domains`)).body.total_count).toBe(10);
  });

  it('lets one organization at a time verify a domain (a unique index), and one organization add it once', async () => {
    const [a, b] = [await org(), await org()];
    const name = `${unique('shared')}.com`;
    expect((await bapi('POST', `/v1/organizations/${a.id}/domains`, { name })).status).toBe(200);
    expectError(
      await bapi('POST', `/v1/organizations/${a.id}/domains`, { name, verified: false }),
      400,
      'organization_domain_already_exists',
    );
    expectError(
      await bapi('POST', `/v1/organizations/${b.id}/domains`, { name }),
      400,
      'organization_domain_verified_elsewhere',
    );
    const pending = await bapi('POST', `/v1/organizations/${b.id}/domains`, { name, verified: false });
    expect(pending.status).toBe(200);
    expectError(
      await bapi('PATCH', `/v1/organizations/${b.id}/domains/${pending.body.id}`, { verified: true }),
      400,
      'organization_domain_verified_elsewhere',
    );
    // Concurrent verifications of one name: one wins.
    const other = `${unique('race')}.com`;
    const race = await Promise.all(
      [a, b].map((o) => bapi('POST', `/v1/organizations/${o.id}/domains`, { name: other })),
    );
    expect(race.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it('Frontend API: an admin with an address at the domain verifies it; others add it unverified and verify later', async () => {
    const corp = `${unique('fcorp')}.io`;
    const { id, admin } = await org(`boss@${corp}`);
    const mine = await fapi(admin, 'POST', `/organizations/${id}/domains`, {
      name: corp,
      enrollment_mode: 'automatic_suggestion',
    });
    expect(mine.status).toBe(200);
    assertFapiDomainsSchema('Client.ClientWrappedOrganizationDomain', mine.body);
    expect(mine.body.response).toMatchObject({
      affiliation_email_address: `boss@${corp}`,
      affiliation_verification: { status: 'verified', strategy: 'email_address' },
    });
    const elsewhere = `${unique('other')}.io`;
    const theirs = await fapi(admin, 'POST', `/organizations/${id}/domains`, { name: elsewhere });
    expect(theirs.body.response.verification).toBeNull();
    expectError(
      await fapi(
        admin,
        'POST',
        `/organizations/${id}/domains/${theirs.body.response.id}/prepare_affiliation_verification`,
        {
          affiliation_email_address: `boss@${elsewhere}`,
        },
      ),
      422,
      'form_param_value_invalid',
    );
    // Once the admin's identity provider vouches for an address at that domain, it verifies the domain.
    people.get(`Bearer ${admin}`)!.emailAddresses.push({ emailAddress: `Boss@${elsewhere}`, verified: true });
    const proven = await fapi(
      admin,
      'POST',
      `/organizations/${id}/domains/${theirs.body.response.id}/prepare_affiliation_verification`,
      { affiliation_email_address: `boss@${elsewhere.toUpperCase()}` },
    );
    expect(proven.status).toBe(200);
    expect(proven.body.response).toMatchObject({
      affiliation_email_address: `boss@${elsewhere}`,
      verification: { status: 'verified', strategy: 'email_address' },
    });
    const list = await fapi(admin, 'GET', `/organizations/${id}/domains`);
    assertFapiDomainsSchema('Client.ClientWrappedOrganizationDomains', list.body);
    expect(list.body.response.total_count).toBe(2);
    const mode = await fapi(
      admin,
      'POST',
      `/organizations/${id}/domains/${mine.body.response.id}/update_enrollment_mode`,
      {
        enrollment_mode: 'automatic_invitation',
      },
    );
    expect(mode.body.response.enrollment_mode).toBe('automatic_invitation');
    const gone = await fapi(admin, 'DELETE', `/organizations/${id}/domains/${theirs.body.response.id}`);
    assertFapiDomainsSchema('Client.ClientWrappedDeletedObject', gone.body);
    // Not an admin: 403.
    const outsider = person(`x@${unique('out')}.io`);
    expectError(
      await fapi(outsider, 'GET', `/organizations/${id}/domains`),
      403,
      'not_an_admin_in_organization',
    );
  });

  it('automatic_invitation: a user created through the Backend API gets a pending invitation, kept out of the organization list', async () => {
    const corp = `${unique('auto')}.com`;
    const { id } = await org();
    const domain = await bapi('POST', `/v1/organizations/${id}/domains`, {
      name: corp,
      enrollment_mode: 'automatic_invitation',
    });
    const user = await bapi('POST', '/v1/users', { email_address: [`Jo@${corp}`], first_name: 'Jo' });
    expect(user.status).toBe(200);
    const own = await bapi('GET', `/v1/users/${user.body.id}/organization_invitations`);
    expect(own.body.data).toHaveLength(1);
    expect(own.body.data[0]).toMatchObject({
      organization_id: id,
      role: 'org:member',
      status: 'pending',
      email_address: `jo@${corp}`,
    });
    const orgList = await bapi('GET', `/v1/organizations/${id}/invitations`);
    expect(orgList.body).toMatchObject({ data: [], total_count: 0 });
    const pendingOnly = await bapi('GET', `/v1/organizations/${id}/invitations`, undefined, {
      status: 'pending',
    });
    expect(pendingOnly.body.total_count).toBe(0);
    const counted = await bapi('GET', `/v1/organizations/${id}/domains`);
    expect(counted.body.data[0]).toMatchObject({ id: domain.body.id, total_pending_invitations: 1 });
    // An unverified domain enrolls no one, whatever its mode; nor does one in manual_invitation mode.
    const unverifiedName = `${unique('unver')}.com`;
    await bapi('POST', `/v1/organizations/${id}/domains`, {
      name: unverifiedName,
      enrollment_mode: 'automatic_invitation',
      verified: false,
    });
    const early = await bapi('POST', '/v1/users', { email_address: [`max@${unverifiedName}`] });
    expect((await bapi('GET', `/v1/users/${early.body.id}/organization_invitations`)).body.data).toEqual([]);
    const manual = `${unique('manual')}.com`;
    await bapi('POST', `/v1/organizations/${id}/domains`, { name: manual });
    const other = await bapi('POST', '/v1/users', { email_address: [`kim@${manual}`] });
    expect((await bapi('GET', `/v1/users/${other.body.id}/organization_invitations`)).body.data).toEqual([]);
  });

  it('automatic_invitation: a signed-in person is invited at their first Frontend API call, and accepts like any invitation', async () => {
    const corp = `${unique('seen')}.com`;
    const { id } = await org();
    await bapi('POST', `/v1/organizations/${id}/domains`, {
      name: corp,
      enrollment_mode: 'automatic_invitation',
    });
    const unverified = person(`nope@${corp}`, false);
    expect((await fapi(unverified, 'GET', '/me/organization_invitations')).body.response.data).toEqual([]);
    const sam = person(`sam@${corp}`);
    const mine = await fapi(sam, 'GET', '/me/organization_invitations');
    assertContract('getUsersOrganizationInvitations', 200, mine.body);
    expect(mine.body.response.data).toHaveLength(1);
    const invitation = mine.body.response.data[0];
    expect(invitation).toMatchObject({ status: 'pending', public_organization_data: { id } });
    const accepted = await fapi(sam, 'POST', `/me/organization_invitations/${invitation.id}/accept`);
    expect(accepted.status).toBe(200);
    const members = await ik.services.memberships.list(id);
    expect(members.data.map((m) => [m.user.userId, m.role])).toContainEqual([personId(sam), 'org:member']);
    // Once per person: no new invitation after accepting, nor after revoking another's.
    expect(await ik.services.organizationDomains.enrollUser(personId(sam))).toEqual({
      invitations: 0,
      suggestions: 0,
    });
  });

  it('automatic_invitation: a person first seen through a token accept is enrolled too', async () => {
    // Their first call is the accept, which writes them in its own statement; enrollment follows it.
    const corp = `${unique('first')}.com`;
    const { id } = await org();
    await bapi('POST', `/v1/organizations/${id}/domains`, {
      name: corp,
      enrollment_mode: 'automatic_invitation',
    });
    const other = await org();
    const created = await bapi('POST', `/v1/organizations/${other.id}/invitations`, {
      email_address: `uma@${corp}`,
      role: 'org:member',
    });
    const token = new URL(created.body.url).searchParams.get('invitation_token');
    const uma = person(`uma@${corp}`);
    const accepted = await fapi(uma, 'POST', '/tickets/accept', { token });
    expect(accepted.status).toBe(200);
    const mine = await fapi(uma, 'GET', '/me/organization_invitations');
    expect(
      mine.body.response.data
        .filter((i: Json) => i.status === 'pending')
        .map((i: Json) => i.public_organization_data.id),
    ).toEqual([id]);
  });

  it("automatic_invitation: the invitation is in the organization's locale, else the configured one, with no reminder", async () => {
    const plain = await org();
    const french = await org();
    await ik.services.organizations.update(french.id, { locale: 'fr-ca' });
    /** The automatic invitation of a new user at a domain of the organization, as stored. */
    const enrolled = async (orgId: string) => {
      const corp = `${unique('loc')}.com`;
      await bapi('POST', `/v1/organizations/${orgId}/domains`, {
        name: corp,
        enrollment_mode: 'automatic_invitation',
      });
      const user = await bapi('POST', '/v1/users', { email_address: [`lou@${corp}`] });
      const own = await bapi('GET', `/v1/users/${user.body.id}/organization_invitations`);
      expect(own.body.data).toHaveLength(1);
      const invitation = await ik.services.organizationInvitations.get(orgId, own.body.data[0].id);
      const stored = await ik.database.db.execute(
        sql`SELECT notify, next_reminder_at FROM organization_invitations WHERE id = ${invitation.id}`,
      );
      return { locale: invitation.locale, ...(stored as unknown as { rows: Json[] }).rows[0] };
    };
    expect(await enrolled(french.id)).toEqual({ locale: 'fr-CA', notify: false, next_reminder_at: null });
    // No `locale` configured here: the base locale, as any invitation that names none.
    expect(await enrolled(plain.id)).toEqual({ locale: 'en', notify: false, next_reminder_at: null });
  });

  it('automatic_invitation respects the membership quota with no overshoot under concurrency', async () => {
    const corp = `${unique('quota')}.com`;
    const { id } = await org(undefined, 3); // the admin holds one seat
    await bapi('POST', `/v1/organizations/${id}/domains`, {
      name: corp,
      enrollment_mode: 'automatic_invitation',
    });
    const created = await Promise.all(
      Array.from({ length: 6 }, (_, i) => bapi('POST', '/v1/users', { email_address: [`p${i}@${corp}`] })),
    );
    expect(created.every((r) => r.status === 200)).toBe(true);
    const domains = await bapi('GET', `/v1/organizations/${id}/domains`);
    expect(domains.body.data[0].total_pending_invitations).toBe(2);
  });

  it('automatic_suggestion: suggestion, accept, membership request, approve or reject (Frontend and Backend APIs, webhooks)', async () => {
    const corp = `${unique('sugg')}.com`;
    const { id, admin } = await org();
    const domain = await bapi('POST', `/v1/organizations/${id}/domains`, {
      name: corp,
      enrollment_mode: 'automatic_suggestion',
    });
    const [ann, bob] = [person(`ann@${corp}`), person(`bob@${corp}`)];
    await fapi(bob, 'GET', '/me/organization_suggestions'); // Bob is seen, and suggested, too
    const suggestions = await fapi(ann, 'GET', '/me/organization_suggestions');
    assertContract('getOrganizationSuggestions', 200, suggestions.body);
    expect(suggestions.body.response.data).toHaveLength(1);
    expect(suggestions.body.response.data[0]).toMatchObject({
      status: 'pending',
      public_organization_data: { id },
    });
    expect(
      (await bapi('GET', `/v1/organizations/${id}/domains`)).body.data[0].total_pending_suggestions,
    ).toBe(2);
    // No invitation for a suggestion domain.
    expect((await fapi(ann, 'GET', '/me/organization_invitations')).body.response.data).toEqual([]);

    const accepted = await fapi(
      ann,
      'POST',
      `/me/organization_suggestions/${suggestions.body.response.data[0].id}/accept`,
    );
    assertContract('acceptOrganizationSuggestion', 200, accepted.body);
    expect(accepted.body.response.status).toBe('accepted');
    expectError(
      await fapi(ann, 'POST', `/me/organization_suggestions/${suggestions.body.response.data[0].id}/accept`),
      400,
      'organization_suggestion_not_pending',
    );
    expectError(
      await fapi(bob, 'POST', `/me/organization_suggestions/${suggestions.body.response.data[0].id}/accept`),
      404,
      'resource_not_found',
    );
    const bobSuggestion = (await fapi(bob, 'GET', '/me/organization_suggestions')).body.response.data[0];
    await fapi(bob, 'POST', `/me/organization_suggestions/${bobSuggestion.id}/accept`);

    const requests = await fapi(admin, 'GET', `/organizations/${id}/membership_requests`, undefined, {
      status: 'pending',
    });
    assertContract('listOrganizationMembershipRequests', 200, requests.body);
    expect(requests.body.response.total_count).toBe(2);
    const annRequest = requests.body.response.data.find(
      (r: Json) => r.public_user_data.identifier === `ann@${corp}`,
    );
    const bobRequest = requests.body.response.data.find(
      (r: Json) => r.public_user_data.identifier === `bob@${corp}`,
    );
    expectError(
      await fapi(ann, 'POST', `/organizations/${id}/membership_requests/${annRequest.id}/accept`),
      403,
      'not_an_admin_in_organization',
    );

    const approved = await fapi(
      admin,
      'POST',
      `/organizations/${id}/membership_requests/${annRequest.id}/accept`,
    );
    assertContract('acceptOrganizationMembershipRequest', 200, approved.body);
    expect(approved.body.response.status).toBe('accepted');
    const members = await ik.services.memberships.list(id);
    expect(members.data.map((m) => m.user.userId)).toContain(personId(ann));
    expectError(
      await fapi(admin, 'POST', `/organizations/${id}/membership_requests/${annRequest.id}/reject`),
      400,
      'organization_membership_request_not_pending',
    );
    // The Backend API (an Invitekit extension) decides too.
    const rejected = await bapi(
      'POST',
      `/v1/organizations/${id}/membership_requests/${bobRequest.id}/reject`,
    );
    assertOwnDocument(openapi, 'RejectOrganizationMembershipRequest', 200, rejected.body);
    expect(rejected.body.status).toBe('rejected');
    const listed = await bapi('GET', `/v1/organizations/${id}/membership_requests`);
    assertOwnDocument(openapi, 'ListOrganizationMembershipRequests', 200, listed.body);
    expect(listed.body.data.map((r: Json) => r.status).sort()).toEqual(['accepted', 'rejected']);
    // The Backend API's shape (an Invitekit extension) says who decided, and that no join link made them.
    const listedAnn = listed.body.data.find((r: Json) => r.id === annRequest.id);
    expect(listedAnn).toMatchObject({ decided_by: personId(admin), role: null, join_link_id: null });
    expect(listedAnn.decided_at).toEqual(expect.any(Number));
    expect(listed.body.data.find((r: Json) => r.id === bobRequest.id)).toMatchObject({ decided_by: null });
    // …and the Frontend API's keeps Clerk's exactly.
    expect(Object.keys(approved.body.response)).not.toContain('decided_by');

    // Webhooks: the domain's creation and the requests' decisions, signed per Standard Webhooks.
    const wanted = [
      'organizationDomain.created',
      'organizationMembershipRequest.created',
      'organizationMembershipRequest.accepted',
      'organizationMembershipRequest.rejected',
    ];
    await expect
      .poll(
        () => {
          const types = receiver.requests
            .map((r) => JSON.parse(r.body) as Json)
            .filter((e) => e.data.organization_id === id)
            .map((e) => e.type);
          return wanted.every((t) => types.includes(t));
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    const verifier = new Webhook(WEBHOOK_SECRET);
    const created = receiver.requests
      .map((r) => ({ r, body: verifier.verify(r.body, r.headers as Record<string, string>) as Json }))
      .find(({ body }) => body.type === 'organizationDomain.created' && body.data.id === domain.body.id);
    expect(created?.body).toMatchObject({
      object: 'event',
      data: { object: 'organization_domain', name: corp },
    });
    assertContract('CreateOrganizationDomain', 200, created!.body.data);
  });

  it('approved membership requests respect the membership quota with no overshoot under concurrency', async () => {
    const corp = `${unique('reqq')}.com`;
    const { id, admin } = await org(undefined, 3);
    await bapi('POST', `/v1/organizations/${id}/domains`, {
      name: corp,
      enrollment_mode: 'automatic_suggestion',
    });
    for (let i = 0; i < 4; i++) {
      const who = person(`r${i}@${corp}`);
      const s = (await fapi(who, 'GET', '/me/organization_suggestions')).body.response.data[0];
      await fapi(who, 'POST', `/me/organization_suggestions/${s.id}/accept`);
    }
    const requests = (await bapi('GET', `/v1/organizations/${id}/membership_requests`)).body.data as Json[];
    expect(requests).toHaveLength(4);
    const results = await Promise.all(
      requests.map((r) => fapi(admin, 'POST', `/organizations/${id}/membership_requests/${r.id}/accept`)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    for (const r of results.filter((r) => r.status !== 200))
      expectError(r, 403, 'organization_membership_quota_exceeded');
    expect((await ik.services.memberships.list(id)).totalCount).toBe(3);
    const still = await bapi('GET', `/v1/organizations/${id}/membership_requests`, undefined, {
      status: 'pending',
    });
    expect(still.body.total_count).toBe(2);
  });

  it('deleting a domain revokes its pending automatic invitations and drops its pending suggestions', async () => {
    const [a, b] = [await org(), await org()];
    const inv = `${unique('delinv')}.com`;
    const sug = `${unique('delsug')}.com`;
    const d1 = await bapi('POST', `/v1/organizations/${a.id}/domains`, {
      name: inv,
      enrollment_mode: 'automatic_invitation',
    });
    const d2 = await bapi('POST', `/v1/organizations/${b.id}/domains`, {
      name: sug,
      enrollment_mode: 'automatic_suggestion',
    });
    const u = await bapi('POST', '/v1/users', { email_address: [`a@${inv}`, `a@${sug}`] });
    const before = await bapi('GET', `/v1/users/${u.body.id}/organization_invitations`, undefined, {
      status: 'pending',
    });
    expect(before.body.data).toHaveLength(1);
    expect((await ik.services.membershipRequests.listSuggestions(u.body.id)).totalCount).toBe(1);
    await bapi('DELETE', `/v1/organizations/${a.id}/domains/${d1.body.id}`);
    await bapi('DELETE', `/v1/organizations/${b.id}/domains/${d2.body.id}`);
    const after = await bapi('GET', `/v1/users/${u.body.id}/organization_invitations`);
    expect(after.body.data.map((i: Json) => i.status)).toEqual(['revoked']);
    expect((await ik.services.membershipRequests.listSuggestions(u.body.id)).totalCount).toBe(0);
  });
});
