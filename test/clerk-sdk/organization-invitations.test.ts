import type { OrganizationInvitation } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  address,
  type ClerkTarget,
  clerkError,
  expectResource,
  startClerkTarget,
} from '../support/clerk-sdk.js';
import { testDatabases } from '../support/databases.js';

// The organization invitation methods of `clerk.organizations.*`, and `clerk.users.getOrganizationInvitationList`,
// through the real @clerk/backend client.

describe.each(testDatabases())('@clerk/backend organization invitations on $name', (kind) => {
  let t: ClerkTarget;
  beforeAll(async () => {
    t = await startClerkTarget(kind);
  });
  afterAll(() => t?.stop());

  /** An organization with an admin (its creator) and a plain member, set up through the SDK. */
  async function organization(label: string, extra: { maxAllowedMemberships?: number } = {}) {
    const admin = await t.clerk.users.createUser({
      emailAddress: [address(`${label}-admin`)],
      firstName: 'Ada',
      lastName: 'Admin',
    });
    const member = await t.clerk.users.createUser({ emailAddress: [address(`${label}-member`)] });
    const org = await t.clerk.organizations.createOrganization({
      name: `${label} Inc`,
      createdBy: admin.id,
      ...extra,
    });
    await t.clerk.organizations.createOrganizationMembership({
      organizationId: org.id,
      userId: member.id,
      role: 'org:member',
    });
    return { org, admin, member, memberEmail: member.primaryEmailAddress!.emailAddress };
  }

  it('createOrganizationInvitation returns an OrganizationInvitation with every field the SDK reads', async () => {
    const { org, admin } = await organization('create');
    const email = address('bob');
    const invitation = await t.clerk.organizations.createOrganizationInvitation({
      organizationId: org.id,
      emailAddress: email,
      role: 'org:member',
      inviterUserId: admin.id,
      publicMetadata: { team: 'blue' },
      privateMetadata: { source: 'sdk' },
      redirectUrl: 'https://app.example.com/join',
      expiresInDays: 3,
    });
    expectResource(invitation, 'OrganizationInvitation');
    expect(invitation).toMatchObject({
      emailAddress: email,
      role: 'org:member',
      roleName: 'Member',
      organizationId: org.id,
      status: 'pending',
      publicMetadata: { team: 'blue' },
      privateMetadata: { source: 'sdk' },
    });
    expect(invitation.id).toMatch(/^orginv_/);
    expect(invitation.url).toMatch(/^https:\/\/app\.example\.com\/join\?invitation_token=/);
    expect(invitation.expiresAt - invitation.createdAt).toBe(3 * 24 * 60 * 60 * 1000);
    expect(invitation.updatedAt).toBe(invitation.createdAt);

    // Without an inviter (Clerk allows it on the Backend API).
    const anonymous = await t.clerk.organizations.createOrganizationInvitation({
      organizationId: org.id,
      emailAddress: address('anon'),
      role: 'org:admin',
    });
    expect(anonymous).toMatchObject({ role: 'org:admin', roleName: 'Admin' });
  });

  it('refuses with Clerk codes: duplicate, already a member, not an admin, unknown role, unknown organization', async () => {
    const { org, admin, member, memberEmail } = await organization('refuse');
    const email = address('twice');
    await t.clerk.organizations.createOrganizationInvitation({
      organizationId: org.id,
      emailAddress: email,
      role: 'org:member',
    });
    const dup = await clerkError(
      t.clerk.organizations.createOrganizationInvitation({
        organizationId: org.id,
        emailAddress: email,
        role: 'org:admin',
      }),
      400,
      'duplicate_record',
    );
    expect(dup.errors[0]?.meta?.emailAddresses).toEqual([email]);
    expect(dup.errors[0]?.longMessage).toContain(email);

    const already = await clerkError(
      t.clerk.organizations.createOrganizationInvitation({
        organizationId: org.id,
        emailAddress: memberEmail.toUpperCase(),
        role: 'org:member',
      }),
      400,
      'already_a_member_in_organization',
    );
    expect(already.errors[0]?.meta?.emailAddresses).toEqual([memberEmail]);
    expect(already.errors[0]?.longMessage).toContain(memberEmail);

    const notAdmin = await clerkError(
      t.clerk.organizations.createOrganizationInvitation({
        organizationId: org.id,
        emailAddress: address('x'),
        role: 'org:member',
        inviterUserId: member.id,
      }),
      403,
      'not_an_admin_in_organization',
    );
    expect(notAdmin.errors[0]?.meta?.paramName).toBe('inviter_user_id');

    const role = await clerkError(
      t.clerk.organizations.createOrganizationInvitation({
        organizationId: org.id,
        emailAddress: address('x'),
        role: 'org:owner',
        inviterUserId: admin.id,
      }),
      422,
      'form_param_value_invalid',
    );
    expect(role.errors[0]?.meta?.paramName).toBe('role');

    const email422 = await clerkError(
      t.clerk.organizations.createOrganizationInvitation({
        organizationId: org.id,
        emailAddress: 'not an address',
        role: 'org:member',
      }),
      422,
      'form_param_format_invalid',
    );
    expect(email422.errors[0]?.meta?.paramName).toBe('email_address');

    await clerkError(
      t.clerk.organizations.createOrganizationInvitation({
        organizationId: 'org_missing',
        emailAddress: address('x'),
        role: 'org:member',
      }),
      404,
      'resource_not_found',
    );
  });

  it('enforces max_allowed_memberships with organization_membership_quota_exceeded (members + pending)', async () => {
    // Two members already (admin and member); room for one more, members and invitations together.
    const { org } = await organization('quota', { maxAllowedMemberships: 3 });
    const first = await t.clerk.organizations.createOrganizationInvitation({
      organizationId: org.id,
      emailAddress: address('q1'),
      role: 'org:member',
    });
    const err = await clerkError(
      t.clerk.organizations.createOrganizationInvitation({
        organizationId: org.id,
        emailAddress: address('q2'),
        role: 'org:member',
      }),
      403,
      'organization_membership_quota_exceeded',
    );
    expect(err.errors[0]?.longMessage).toBe(
      'You have reached your limit of 3 organization memberships, including outstanding invitations.',
    );
    await clerkError(
      t.clerk.organizations.createOrganizationInvitationBulk(org.id, [
        { emailAddress: address('q3'), role: 'org:member' },
      ]),
      403,
      'organization_membership_quota_exceeded',
    );
    // A revoked invitation frees its place.
    await t.clerk.organizations.revokeOrganizationInvitation({
      organizationId: org.id,
      invitationId: first.id,
    });
    const next = await t.clerk.organizations.createOrganizationInvitation({
      organizationId: org.id,
      emailAddress: address('q4'),
      role: 'org:member',
    });
    expect(next.status).toBe('pending');
  });

  it('holds the quota exactly under concurrent creates', async () => {
    const { org } = await organization('race', { maxAllowedMemberships: 5 });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        t.clerk.organizations.createOrganizationInvitation({
          organizationId: org.id,
          emailAddress: address(`race${i}`),
          role: 'org:member',
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const list = await t.clerk.organizations.getOrganizationInvitationList({
      organizationId: org.id,
      status: ['pending'],
    });
    expect(list.totalCount).toBe(3);
  });

  it('createOrganizationInvitationBulk returns { data, totalCount }, all or nothing, naming every duplicate', async () => {
    const { org, admin, memberEmail } = await organization('bulk');
    const [a, b] = [address('ba'), address('bb')];
    const created = await t.clerk.organizations.createOrganizationInvitationBulk(org.id, [
      { emailAddress: a, role: 'org:member', inviterUserId: admin.id },
      { emailAddress: b, role: 'org:admin', publicMetadata: { n: 2 } },
    ]);
    expect(created.totalCount).toBe(2);
    for (const i of created.data) expectResource(i, 'OrganizationInvitation');
    expect(created.data.map((i) => [i.emailAddress, i.roleName])).toEqual([
      [a, 'Member'],
      [b, 'Admin'],
    ]);

    const c = address('bc');
    const dup = await clerkError(
      t.clerk.organizations.createOrganizationInvitationBulk(org.id, [
        { emailAddress: c, role: 'org:member' },
        { emailAddress: b, role: 'org:member' },
        { emailAddress: a, role: 'org:member' },
      ]),
      400,
      'duplicate_record',
    );
    expect(dup.errors[0]?.meta?.emailAddresses).toEqual([b, a]);
    const members = await clerkError(
      t.clerk.organizations.createOrganizationInvitationBulk(org.id, [
        { emailAddress: c, role: 'org:member' },
        { emailAddress: memberEmail, role: 'org:member' },
      ]),
      400,
      'already_a_member_in_organization',
    );
    expect(members.errors[0]?.meta?.emailAddresses).toEqual([memberEmail]);
    const none = await t.clerk.organizations.getOrganizationInvitationList({ organizationId: org.id });
    expect(none.data.map((i) => i.emailAddress)).not.toContain(c);
    await clerkError(
      t.clerk.organizations.createOrganizationInvitationBulk(
        org.id,
        Array.from({ length: 11 }, (_, i) => ({ emailAddress: address(`m${i}`), role: 'org:member' })),
      ),
      422,
      'form_param_value_invalid',
    );
  });

  it('getOrganizationInvitation returns the invitation (no url: only its hash is kept); 404 elsewhere', async () => {
    const { org } = await organization('get');
    const other = await organization('get-other');
    const created = await t.clerk.organizations.createOrganizationInvitation({
      organizationId: org.id,
      emailAddress: address('g'),
      role: 'org:member',
      privateMetadata: { secret: 1 },
    });
    const got = await t.clerk.organizations.getOrganizationInvitation({
      organizationId: org.id,
      invitationId: created.id,
    });
    expectResource(got, 'OrganizationInvitation');
    expect(got).toMatchObject({
      id: created.id,
      emailAddress: created.emailAddress,
      status: 'pending',
      privateMetadata: { secret: 1 },
      url: null,
      expiresAt: created.expiresAt,
    });
    await clerkError(
      t.clerk.organizations.getOrganizationInvitation({
        organizationId: other.org.id,
        invitationId: created.id,
      }),
      404,
      'resource_not_found',
    );
    await clerkError(
      t.clerk.organizations.getOrganizationInvitation({ organizationId: org.id, invitationId: 'orginv_x' }),
      404,
      'resource_not_found',
    );
  });

  it('revokeOrganizationInvitation with and without requestingUserId; not pending and not an admin refused', async () => {
    const { org, admin, member } = await organization('revoke');
    const invite = () =>
      t.clerk.organizations.createOrganizationInvitation({
        organizationId: org.id,
        emailAddress: address('r'),
        role: 'org:member',
      });
    const [one, two] = [await invite(), await invite()];

    const plain = await t.clerk.organizations.revokeOrganizationInvitation({
      organizationId: org.id,
      invitationId: one.id,
    });
    expectResource(plain, 'OrganizationInvitation');
    expect(plain).toMatchObject({ id: one.id, status: 'revoked' });

    const refused = await clerkError(
      t.clerk.organizations.revokeOrganizationInvitation({
        organizationId: org.id,
        invitationId: two.id,
        requestingUserId: member.id,
      }),
      403,
      'not_an_admin_in_organization',
    );
    expect(refused.errors[0]?.meta?.paramName).toBe('requesting_user_id');
    const byAdmin = await t.clerk.organizations.revokeOrganizationInvitation({
      organizationId: org.id,
      invitationId: two.id,
      requestingUserId: admin.id,
    });
    expect(byAdmin.status).toBe('revoked');

    const again = await clerkError(
      t.clerk.organizations.revokeOrganizationInvitation({ organizationId: org.id, invitationId: one.id }),
      400,
      'organization_invitation_not_pending',
    );
    expect(again.errors[0]?.longMessage).toContain("not in the 'pending' status");
    await clerkError(
      t.clerk.organizations.revokeOrganizationInvitation({
        organizationId: org.id,
        invitationId: 'orginv_x',
      }),
      404,
      'resource_not_found',
    );
  });

  describe('getOrganizationInvitationList', () => {
    let org: { id: string };
    let made: OrganizationInvitation[];
    beforeAll(async () => {
      ({ org } = await organization('list'));
      made = [];
      for (const label of ['c', 'a', 'e', 'b', 'd']) {
        made.push(
          await t.clerk.organizations.createOrganizationInvitation({
            organizationId: org.id,
            emailAddress: `${label}-${org.id.toLowerCase()}@example.com`,
            role: 'org:member',
          }),
        );
      }
      await t.clerk.organizations.revokeOrganizationInvitation({
        organizationId: org.id,
        invitationId: made[1]!.id,
      });
    });
    const letters = (list: OrganizationInvitation[]) => list.map((i) => i.emailAddress[0]);

    it('answers { data, totalCount } newest first', async () => {
      const page = await t.clerk.organizations.getOrganizationInvitationList({ organizationId: org.id });
      expect(page.totalCount).toBe(5);
      for (const i of page.data) expectResource(i, 'OrganizationInvitation');
      expect(letters(page.data)).toEqual(['d', 'b', 'e', 'a', 'c']);
    });

    it('filters by a status array (sent as status=a&status=b)', async () => {
      const pending = await t.clerk.organizations.getOrganizationInvitationList({
        organizationId: org.id,
        status: ['pending'],
      });
      expect(pending.totalCount).toBe(4);
      const both = await t.clerk.organizations.getOrganizationInvitationList({
        organizationId: org.id,
        status: ['revoked', 'accepted'],
      });
      expect(letters(both.data)).toEqual(['a']);
      const all = await t.clerk.organizations.getOrganizationInvitationList({
        organizationId: org.id,
        status: ['pending', 'revoked'],
      });
      expect(all.totalCount).toBe(5);
      await clerkError(
        t.clerk.organizations.getOrganizationInvitationList({
          organizationId: org.id,
          status: ['declined' as 'revoked'],
        }),
        422,
        'form_param_value_invalid',
      );
    });

    it('pages with limit and offset', async () => {
      const page = await t.clerk.organizations.getOrganizationInvitationList({
        organizationId: org.id,
        limit: 2,
        offset: 2,
      });
      expect(page.totalCount).toBe(5);
      expect(letters(page.data)).toEqual(['e', 'a']);
      const first = await t.clerk.organizations.getOrganizationInvitationList({
        organizationId: org.id,
        limit: 2,
        offset: 0,
      });
      expect(letters(first.data)).toEqual(['d', 'b']);
    });

    it('404s an unknown organization', async () => {
      await clerkError(
        t.clerk.organizations.getOrganizationInvitationList({ organizationId: 'org_missing' }),
        404,
        'resource_not_found',
      );
    });
  });

  it("users.getOrganizationInvitationList lists invitations to the user's addresses, with public organization data", async () => {
    const { org } = await organization('mine');
    const other = await organization('mine-other');
    const email = address('invitee');
    const user = await t.clerk.users.createUser({ emailAddress: [email] });
    const a = await t.clerk.organizations.createOrganizationInvitation({
      organizationId: org.id,
      emailAddress: email,
      role: 'org:member',
    });
    const b = await t.clerk.organizations.createOrganizationInvitation({
      organizationId: other.org.id,
      emailAddress: email,
      role: 'org:admin',
    });
    await t.clerk.organizations.revokeOrganizationInvitation({ organizationId: org.id, invitationId: a.id });

    const all = await t.clerk.users.getOrganizationInvitationList({ userId: user.id });
    expect(all.totalCount).toBe(2);
    for (const i of all.data) expectResource(i, 'OrganizationInvitation');
    expect(all.data.map((i) => i.id)).toEqual([b.id, a.id]);
    expect(all.data[0]?.publicOrganizationData).toMatchObject({
      id: other.org.id,
      name: 'mine-other Inc',
      slug: other.org.slug,
    });

    const pending = await t.clerk.users.getOrganizationInvitationList({ userId: user.id, status: 'pending' });
    expect(pending.data.map((i) => i.id)).toEqual([b.id]);
    const paged = await t.clerk.users.getOrganizationInvitationList({ userId: user.id, limit: 1, offset: 1 });
    expect(paged).toMatchObject({ totalCount: 2 });
    expect(paged.data.map((i) => i.id)).toEqual([a.id]);
    await clerkError(
      t.clerk.users.getOrganizationInvitationList({ userId: 'user_missing' }),
      404,
      'resource_not_found',
    );
  });
});
