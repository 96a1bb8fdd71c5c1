import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectWire, expectWirePage } from '../support/clerk-contract.js';
import {
  address,
  type ClerkTarget,
  clerkError,
  expectResource,
  startClerkTarget,
} from '../support/clerk-sdk.js';
import { testDatabases } from '../support/databases.js';

describe.each(testDatabases())('@clerk/backend organizations.* against Invitekit on $name', (kind) => {
  let t: ClerkTarget;
  let adminId: string;
  beforeAll(async () => {
    t = await startClerkTarget(kind);
    adminId = (await t.clerk.users.createUser({ emailAddress: [address('org-admin')], firstName: 'Ada' })).id;
  });
  afterAll(() => t?.stop());

  it('createOrganization returns an Organization with its creator as first admin', async () => {
    const org = await t.clerk.organizations.createOrganization({
      name: 'Created Co',
      slug: 'created-co',
      createdBy: adminId,
      maxAllowedMemberships: 5,
      publicMetadata: { plan: 'pro' },
      privateMetadata: { crm: 42 },
    });
    expectResource(org, 'Organization');
    expectWire('CreateOrganization', org);
    expect(org).toMatchObject({
      name: 'Created Co',
      slug: 'created-co',
      createdBy: adminId,
      maxAllowedMemberships: 5,
      adminDeleteEnabled: true,
      publicMetadata: { plan: 'pro' },
      privateMetadata: { crm: 42 },
      hasImage: false,
    });
    expect(org.id).toMatch(/^org_/);
    expect(org.createdAt).toBeGreaterThan(Date.UTC(2020, 0));

    const members = await t.clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
    expect(members.data.map((m) => [m.publicUserData?.userId, m.role])).toEqual([[adminId, 'org:admin']]);

    // Without a slug, one is derived from the name.
    const derived = await t.clerk.organizations.createOrganization({ name: 'Derived Slug & Co' });
    expect(derived.slug).toMatch(/^derived-slug-co-[0-9a-f]{6}$/);
    expect(derived.createdBy).toBeUndefined();
  });

  it('createOrganization refuses a taken slug, an unknown creator and bad input', async () => {
    await t.clerk.organizations.createOrganization({ name: 'Taken', slug: 'taken-slug' });
    const taken = await clerkError(
      t.clerk.organizations.createOrganization({ name: 'Again', slug: 'taken-slug' }),
      400,
      'form_identifier_exists',
    );
    expect(taken.errors[0]?.meta?.paramName).toBe('slug');
    expect(taken.errors[0]?.longMessage).toContain('taken-slug');

    const creator = await clerkError(
      t.clerk.organizations.createOrganization({ name: 'Orphan', createdBy: 'user_missing' }),
      400,
      'organization_creator_not_found',
    );
    expect(creator.errors[0]?.longMessage).toContain('user_missing');

    const slug = await clerkError(
      t.clerk.organizations.createOrganization({ name: 'Bad', slug: 'Not A Slug' }),
      422,
      'form_param_value_invalid',
    );
    expect(slug.errors[0]?.meta?.paramName).toBe('slug');
    await clerkError(t.clerk.organizations.createOrganization({ name: '' }), 422, 'form_param_value_invalid');
  });

  it('getOrganization by id and by slug, with the members count on request', async () => {
    const org = await t.clerk.organizations.createOrganization({
      name: 'Lookup',
      slug: 'lookup-co',
      createdBy: adminId,
    });
    const byId = await t.clerk.organizations.getOrganization({ organizationId: org.id });
    expectResource(byId, 'Organization');
    expectWire('GetOrganization', byId);
    expect(byId).toMatchObject({ id: org.id, slug: 'lookup-co', membersCount: undefined });

    const bySlug = await t.clerk.organizations.getOrganization({
      slug: 'lookup-co',
      includeMembersCount: true,
    });
    expectWire('GetOrganization', bySlug);
    expect(bySlug).toMatchObject({ id: org.id, membersCount: 1 });

    const missing = await clerkError(
      t.clerk.organizations.getOrganization({ slug: 'no-such-org' }),
      404,
      'resource_not_found',
    );
    expect(missing.errors[0]?.longMessage).toContain('no-such-org');
  });

  it('getOrganizationList pages, searches, filters and orders as Clerk documents', async () => {
    const tag = `list${Date.now().toString(36)}`;
    const member = await t.clerk.users.createUser({ emailAddress: [address('list-member')] });
    const created = [];
    for (const name of ['Charlie', 'Alpha', 'Bravo']) {
      created.push(
        await t.clerk.organizations.createOrganization({ name: `${tag} ${name}`, createdBy: adminId }),
      );
    }
    const [charlie, alpha, bravo] = created as [
      (typeof created)[0],
      (typeof created)[0],
      (typeof created)[0],
    ];
    await t.clerk.organizations.createOrganizationMembership({
      organizationId: bravo.id,
      userId: member.id,
      role: 'org:member',
    });

    // Default: newest first, with the total of all matches.
    const page = await t.clerk.organizations.getOrganizationList({ query: tag, limit: 2 });
    expectWirePage('ListOrganizations', page);
    expect(page.totalCount).toBe(3);
    expect(page.data.map((o) => o.id)).toEqual([bravo.id, alpha.id]);
    for (const o of page.data) expectResource(o, 'Organization');
    const next = await t.clerk.organizations.getOrganizationList({ query: tag, limit: 2, offset: 2 });
    expect(next.data.map((o) => o.id)).toEqual([charlie.id]);

    const byName = await t.clerk.organizations.getOrganizationList({ query: tag, orderBy: 'name' });
    expect(byName.data.map((o) => o.id)).toEqual([alpha.id, bravo.id, charlie.id]);
    const byNameDesc = await t.clerk.organizations.getOrganizationList({ query: tag, orderBy: '-name' });
    expect(byNameDesc.data.map((o) => o.id)).toEqual([charlie.id, bravo.id, alpha.id]);

    const counted = await t.clerk.organizations.getOrganizationList({
      query: tag,
      includeMembersCount: true,
      orderBy: '-members_count',
    });
    expectWirePage('ListOrganizations', counted);
    // Ties keep the requested direction on creation time: newest first here.
    expect(counted.data.map((o) => [o.id, o.membersCount])).toEqual([
      [bravo.id, 2],
      [alpha.id, 1],
      [charlie.id, 1],
    ]);
    const uncounted = await t.clerk.organizations.getOrganizationList({ query: tag });
    expect(uncounted.data.every((o) => o.membersCount === undefined)).toBe(true);

    // query matches an exact id, or part of a name or slug, ignoring case.
    const byId = await t.clerk.organizations.getOrganizationList({ query: alpha.id });
    expect(byId.data.map((o) => o.id)).toEqual([alpha.id]);
    const partial = await t.clerk.organizations.getOrganizationList({ query: `${tag} BRA` });
    expect(partial.data.map((o) => o.id)).toEqual([bravo.id]);

    const some = await t.clerk.organizations.getOrganizationList({
      organizationId: [alpha.id, charlie.id],
    });
    expect(some.data.map((o) => o.id)).toEqual([alpha.id, charlie.id]);
    const excluding = await t.clerk.organizations.getOrganizationList({
      query: tag,
      organizationId: [`-${alpha.id}`],
    });
    expect(excluding.data.map((o) => o.id)).toEqual([bravo.id, charlie.id]);

    const bad = await clerkError(
      t.clerk.organizations.getOrganizationList({ orderBy: 'slug' as 'name' }),
      422,
      'form_param_value_invalid',
    );
    expect(bad.errors[0]?.meta?.paramName).toBe('order_by');
    await clerkError(
      t.clerk.organizations.getOrganizationList({ limit: 501 }),
      422,
      'form_param_value_invalid',
    );
  });

  it('updateOrganization changes name, slug and settings; metadata goes through the metadata endpoint', async () => {
    const org = await t.clerk.organizations.createOrganization({ name: 'Before', slug: 'before-co' });
    const updated = await t.clerk.organizations.updateOrganization(org.id, {
      name: 'After',
      slug: 'after-co',
      maxAllowedMemberships: 3,
      adminDeleteEnabled: false,
    });
    expectResource(updated, 'Organization');
    expectWire('UpdateOrganization', updated);
    expect(updated).toMatchObject({
      id: org.id,
      name: 'After',
      slug: 'after-co',
      maxAllowedMemberships: 3,
      adminDeleteEnabled: false,
    });
    expect(updated.updatedAt).toBeGreaterThanOrEqual(org.updatedAt);

    // The SDK's deprecated metadata path: PATCH the rest, then PUT /metadata (replace semantics).
    const withMeta = await t.clerk.organizations.updateOrganization(org.id, {
      name: 'After Again',
      publicMetadata: { tier: 'gold' },
    });
    expectWire('ReplaceOrganizationMetadata', withMeta);
    expect(withMeta).toMatchObject({ name: 'After Again', publicMetadata: { tier: 'gold' } });

    await t.clerk.organizations.createOrganization({ name: 'Other', slug: 'other-co' });
    await clerkError(
      t.clerk.organizations.updateOrganization(org.id, { slug: 'other-co' }),
      400,
      'form_identifier_exists',
    );
    await clerkError(
      t.clerk.organizations.updateOrganization('org_missing', { name: 'X' }),
      404,
      'resource_not_found',
    );
  });

  it('updateOrganizationMetadata deep-merges, null removes; replaceOrganizationMetadata replaces', async () => {
    const org = await t.clerk.organizations.createOrganization({
      name: 'Meta',
      publicMetadata: { plan: 'pro', limits: { seats: 5, projects: 2 }, legacy: true },
      privateMetadata: { crm: 'a' },
    });
    const merged = await t.clerk.organizations.updateOrganizationMetadata(org.id, {
      publicMetadata: { limits: { seats: 10 }, legacy: null, region: 'eu' },
    });
    expectResource(merged, 'Organization');
    expectWire('MergeOrganizationMetadata', merged);
    expect(merged.publicMetadata).toEqual({ plan: 'pro', limits: { seats: 10, projects: 2 }, region: 'eu' });
    expect(merged.privateMetadata).toEqual({ crm: 'a' });

    const replaced = await t.clerk.organizations.replaceOrganizationMetadata(org.id, {
      privateMetadata: { crm: 'b' },
    });
    expectWire('ReplaceOrganizationMetadata', replaced);
    expect(replaced.privateMetadata).toEqual({ crm: 'b' });
    expect(replaced.publicMetadata).toEqual(merged.publicMetadata);

    const tooBig = await clerkError(
      t.clerk.organizations.updateOrganizationMetadata(org.id, {
        publicMetadata: { blob: 'x'.repeat(9000) },
      }),
      422,
      'form_param_exceeds_allowed_size',
    );
    expect(tooBig.errors[0]?.meta?.paramName).toBe('public_metadata');
    await clerkError(
      t.clerk.organizations.updateOrganizationMetadata('org_missing', { publicMetadata: { a: 1 } }),
      404,
      'resource_not_found',
    );
  });

  it('deleteOrganization returns a DeletedObject and revokes its pending invitations', async () => {
    const org = await t.clerk.organizations.createOrganization({
      name: 'Doomed',
      slug: 'doomed-co',
      createdBy: adminId,
    });
    const invitation = await t.clerk.organizations.createOrganizationInvitation({
      organizationId: org.id,
      emailAddress: address('doomed-invitee'),
      role: 'org:member',
    });
    const deleted = await t.clerk.organizations.deleteOrganization(org.id);
    expectResource(deleted, 'DeletedObject');
    expect(deleted).toMatchObject({ object: 'organization', id: org.id, slug: 'doomed-co', deleted: true });

    await clerkError(
      t.clerk.organizations.getOrganization({ organizationId: org.id }),
      404,
      'resource_not_found',
    );
    await clerkError(
      t.clerk.organizations.getOrganizationInvitation({
        organizationId: org.id,
        invitationId: invitation.id,
      }),
      404,
      'resource_not_found',
    );
    // The creator is no longer a member of anything there.
    const mine = await t.clerk.users.getOrganizationMembershipList({ userId: adminId, limit: 100 });
    expect(mine.data.map((m) => m.organization.id)).not.toContain(org.id);

    await clerkError(t.clerk.organizations.deleteOrganization(org.id), 404, 'resource_not_found');
  });
});
