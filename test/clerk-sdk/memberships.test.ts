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

describe.each(testDatabases())(
  '@clerk/backend organization memberships against Invitekit on $name',
  (kind) => {
    let t: ClerkTarget;
    beforeAll(async () => {
      t = await startClerkTarget(kind);
    });
    afterAll(() => t?.stop());

    /** An organization created by an admin, and `count` further users who are not members yet. */
    async function setup(label: string, count = 2) {
      const admin = await t.clerk.users.createUser({
        emailAddress: [address(`${label}-admin`)],
        firstName: 'Ada',
        lastName: 'Admin',
      });
      const org = await t.clerk.organizations.createOrganization({
        name: `${label} Org`,
        createdBy: admin.id,
      });
      const others = [];
      for (let i = 0; i < count; i++) {
        others.push(
          await t.clerk.users.createUser({
            emailAddress: [address(`${label}-user${i}`)],
            firstName: `Name${i}`,
            lastName: `Zed${i}`,
          }),
        );
      }
      return { admin, org, others };
    }

    it('createOrganizationMembership returns an OrganizationMembership with organization and public user data', async () => {
      const { org, others } = await setup('create', 1);
      const user = others[0]!;
      const m = await t.clerk.organizations.createOrganizationMembership({
        organizationId: org.id,
        userId: user.id,
        role: 'org:member',
      });
      expectResource(m, 'OrganizationMembership');
      expectWire('CreateOrganizationMembership', m);
      expect(m).toMatchObject({ role: 'org:member', publicMetadata: {}, privateMetadata: {} });
      expect(m.permissions).not.toContain('org:sys_memberships:manage');
      expectResource(m.organization, 'Organization');
      expect(m.organization.id).toBe(org.id);
      expect(m.publicUserData).toMatchObject({
        userId: user.id,
        firstName: 'Name0',
        lastName: 'Zed0',
        identifier: user.primaryEmailAddress?.emailAddress,
      });

      const again = await clerkError(
        t.clerk.organizations.createOrganizationMembership({
          organizationId: org.id,
          userId: user.id,
          role: 'org:admin',
        }),
        400,
        'already_a_member_in_organization',
      );
      expect(again.errors[0]?.longMessage).toContain(user.id);
      await clerkError(
        t.clerk.organizations.createOrganizationMembership({
          organizationId: org.id,
          userId: 'user_missing',
          role: 'org:member',
        }),
        404,
        'resource_not_found',
      );
      await clerkError(
        t.clerk.organizations.createOrganizationMembership({
          organizationId: 'org_missing',
          userId: user.id,
          role: 'org:member',
        }),
        404,
        'resource_not_found',
      );
      const role = await clerkError(
        t.clerk.organizations.createOrganizationMembership({
          organizationId: org.id,
          userId: user.id,
          role: 'org:boss',
        }),
        422,
        'form_param_value_invalid',
      );
      expect(role.errors[0]?.meta?.paramName).toBe('role');
    });

    it('getOrganizationMembershipList: newest first, paged, filtered and ordered', async () => {
      const { admin, org, others } = await setup('list', 2);
      const [first, second] = others as [(typeof others)[0], (typeof others)[0]];
      await t.clerk.organizations.createOrganizationMembership({
        organizationId: org.id,
        userId: first.id,
        role: 'org:member',
      });
      await t.clerk.organizations.createOrganizationMembership({
        organizationId: org.id,
        userId: second.id,
        role: 'org:admin',
      });

      const all = await t.clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
      expectWirePage('ListOrganizationMemberships', all);
      for (const m of all.data) expectResource(m, 'OrganizationMembership');
      expect(all.totalCount).toBe(3);
      expect(all.data.map((m) => m.publicUserData?.userId)).toEqual([second.id, first.id, admin.id]);

      const paged = await t.clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        limit: 1,
        offset: 1,
      });
      expect(paged.totalCount).toBe(3);
      expect(paged.data.map((m) => m.publicUserData?.userId)).toEqual([first.id]);

      const oldest = await t.clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        orderBy: 'created_at',
      });
      expect(oldest.data.map((m) => m.publicUserData?.userId)).toEqual([admin.id, first.id, second.id]);
      const byFirstName = await t.clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        orderBy: '-first_name',
      });
      expect(byFirstName.data.map((m) => m.publicUserData?.firstName)).toEqual(['Name1', 'Name0', 'Ada']);

      const admins = await t.clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        role: ['org:admin'],
      });
      expect(admins.data.map((m) => m.publicUserData?.userId).sort()).toEqual([admin.id, second.id].sort());
      const byUser = await t.clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        userId: [first.id],
      });
      expect(byUser.totalCount).toBe(1);
      const byEmail = await t.clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        emailAddress: [second.primaryEmailAddress!.emailAddress.toUpperCase()],
      });
      expect(byEmail.data.map((m) => m.publicUserData?.userId)).toEqual([second.id]);
      const byQuery = await t.clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        query: 'zed1',
      });
      expect(byQuery.data.map((m) => m.publicUserData?.userId)).toEqual([second.id]);
      const byName = await t.clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        nameQuery: 'ada adm',
      });
      expect(byName.data.map((m) => m.publicUserData?.userId)).toEqual([admin.id]);
      // Invitekit's users have no phone numbers: such a filter matches nobody.
      const byPhone = await t.clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        phoneNumber: ['+15555550100'],
      });
      expect(byPhone).toEqual({ data: [], totalCount: 0 });

      await clerkError(
        t.clerk.organizations.getOrganizationMembershipList({ organizationId: 'org_missing' }),
        404,
        'resource_not_found',
      );
      const order = await clerkError(
        t.clerk.organizations.getOrganizationMembershipList({
          organizationId: org.id,
          orderBy: 'role' as 'created_at',
        }),
        422,
        'form_param_value_invalid',
      );
      expect(order.errors[0]?.meta?.paramName).toBe('order_by');
    });

    it('updateOrganizationMembership changes the role; the last admin cannot be demoted', async () => {
      const { admin, org, others } = await setup('role', 1);
      const user = others[0]!;
      await t.clerk.organizations.createOrganizationMembership({
        organizationId: org.id,
        userId: user.id,
        role: 'org:member',
      });
      const promoted = await t.clerk.organizations.updateOrganizationMembership({
        organizationId: org.id,
        userId: user.id,
        role: 'org:admin',
      });
      expectResource(promoted, 'OrganizationMembership');
      expectWire('UpdateOrganizationMembership', promoted);
      expect(promoted.role).toBe('org:admin');
      expect(promoted.permissions).toContain('org:sys_memberships:manage');

      // Two admins: one may step down.
      const demoted = await t.clerk.organizations.updateOrganizationMembership({
        organizationId: org.id,
        userId: admin.id,
        role: 'org:member',
      });
      expect(demoted.role).toBe('org:member');
      const last = await clerkError(
        t.clerk.organizations.updateOrganizationMembership({
          organizationId: org.id,
          userId: user.id,
          role: 'org:member',
        }),
        400,
        'organization_minimum_permissions_needed',
      );
      expect(last.errors[0]?.longMessage).toContain('at least one member');
      const still = await t.clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        userId: [user.id],
      });
      expect(still.data[0]?.role).toBe('org:admin');

      await clerkError(
        t.clerk.organizations.updateOrganizationMembership({
          organizationId: org.id,
          userId: 'user_missing',
          role: 'org:member',
        }),
        404,
        'resource_not_found',
      );
      await clerkError(
        t.clerk.organizations.updateOrganizationMembership({
          organizationId: 'org_missing',
          userId: user.id,
          role: 'org:member',
        }),
        404,
        'resource_not_found',
      );
      await clerkError(
        t.clerk.organizations.updateOrganizationMembership({
          organizationId: org.id,
          userId: user.id,
          role: 'org:boss',
        }),
        422,
        'form_param_value_invalid',
      );
    });

    it('updateOrganizationMembershipMetadata deep-merges public and private metadata', async () => {
      const { org, others } = await setup('meta', 1);
      const user = others[0]!;
      await t.clerk.organizations.createOrganizationMembership({
        organizationId: org.id,
        userId: user.id,
        role: 'org:member',
      });
      await t.clerk.organizations.updateOrganizationMembershipMetadata({
        organizationId: org.id,
        userId: user.id,
        publicMetadata: { title: 'Engineer', prefs: { theme: 'dark', lang: 'en' } },
        privateMetadata: { salaryBand: 3 },
      });
      const merged = await t.clerk.organizations.updateOrganizationMembershipMetadata({
        organizationId: org.id,
        userId: user.id,
        publicMetadata: { prefs: { theme: 'light', lang: null } },
      });
      expectResource(merged, 'OrganizationMembership');
      expectWire('UpdateOrganizationMembershipMetadata', merged);
      expect(merged.publicMetadata).toEqual({ title: 'Engineer', prefs: { theme: 'light' } });
      expect(merged.privateMetadata).toEqual({ salaryBand: 3 });

      await clerkError(
        t.clerk.organizations.updateOrganizationMembershipMetadata({
          organizationId: org.id,
          userId: 'user_missing',
          publicMetadata: { a: 1 },
        }),
        404,
        'resource_not_found',
      );
      await clerkError(
        t.clerk.organizations.updateOrganizationMembershipMetadata({
          organizationId: org.id,
          userId: user.id,
          privateMetadata: { blob: 'x'.repeat(9000) },
        }),
        422,
        'form_param_exceeds_allowed_size',
      );
    });

    it('deleteOrganizationMembership returns the membership removed; the last admin cannot leave', async () => {
      const { admin, org, others } = await setup('delete', 1);
      const user = others[0]!;
      await t.clerk.organizations.createOrganizationMembership({
        organizationId: org.id,
        userId: user.id,
        role: 'org:member',
      });
      const removed = await t.clerk.organizations.deleteOrganizationMembership({
        organizationId: org.id,
        userId: user.id,
      });
      expectResource(removed, 'OrganizationMembership');
      expectWire('DeleteOrganizationMembership', removed);
      expect(removed).toMatchObject({ role: 'org:member', publicUserData: { userId: user.id } });
      const left = await t.clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
      expect(left.data.map((m) => m.publicUserData?.userId)).toEqual([admin.id]);

      await clerkError(
        t.clerk.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: user.id }),
        404,
        'resource_not_found',
      );
      await clerkError(
        t.clerk.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: admin.id }),
        400,
        'organization_minimum_permissions_needed',
      );
      // Once re-added, the former member can join again.
      const back = await t.clerk.organizations.createOrganizationMembership({
        organizationId: org.id,
        userId: user.id,
        role: 'org:member',
      });
      expect(back.id).not.toBe(removed.id);
    });

    it('two admins removing each other at once: one succeeds, the organization keeps an admin', async () => {
      const { admin, org, others } = await setup('race', 1);
      const other = others[0]!;
      await t.clerk.organizations.createOrganizationMembership({
        organizationId: org.id,
        userId: other.id,
        role: 'org:admin',
      });
      const outcomes = await Promise.allSettled([
        t.clerk.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: admin.id }),
        t.clerk.organizations.updateOrganizationMembership({
          organizationId: org.id,
          userId: other.id,
          role: 'org:member',
        }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason.errors[0].code).toBe('organization_minimum_permissions_needed');
      const admins = await t.clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        role: ['org:admin'],
      });
      expect(admins.totalCount).toBe(1);
    });

    it("users.getOrganizationMembershipList lists a user's memberships, newest first", async () => {
      const user = await t.clerk.users.createUser({ emailAddress: [address('multi')] });
      const orgs = [];
      for (const name of ['One', 'Two', 'Three']) {
        const org = await t.clerk.organizations.createOrganization({ name });
        await t.clerk.organizations.createOrganizationMembership({
          organizationId: org.id,
          userId: user.id,
          role: 'org:member',
        });
        orgs.push(org);
      }
      const mine = await t.clerk.users.getOrganizationMembershipList({ userId: user.id, limit: 2 });
      expectWirePage('UsersGetOrganizationMemberships', mine);
      for (const m of mine.data) expectResource(m, 'OrganizationMembership');
      expect(mine.totalCount).toBe(3);
      expect(mine.data.map((m) => m.organization.name)).toEqual(['Three', 'Two']);
      const rest = await t.clerk.users.getOrganizationMembershipList({
        userId: user.id,
        limit: 2,
        offset: 2,
      });
      expect(rest.data.map((m) => m.organization.id)).toEqual([orgs[0]!.id]);

      const none = await t.clerk.users.createUser({ emailAddress: [address('loner')] });
      expect(await t.clerk.users.getOrganizationMembershipList({ userId: none.id })).toEqual({
        data: [],
        totalCount: 0,
      });
      await clerkError(
        t.clerk.users.getOrganizationMembershipList({ userId: 'user_missing' }),
        404,
        'resource_not_found',
      );
    });

    it('getInstanceOrganizationMembershipList lists every membership of the instance', async () => {
      const { admin, org, others } = await setup('instance', 1);
      await t.clerk.organizations.createOrganizationMembership({
        organizationId: org.id,
        userId: others[0]!.id,
        role: 'org:member',
      });
      const page = await t.clerk.organizations.getInstanceOrganizationMembershipList({ limit: 2 });
      expectWirePage('InstanceGetOrganizationMemberships', page);
      for (const m of page.data) expectResource(m, 'OrganizationMembership');
      // Newest first: the two just made lead the instance-wide list.
      expect(page.data.map((m) => m.publicUserData?.userId)).toEqual([others[0]!.id, admin.id]);
      const everything = await t.clerk.organizations.getInstanceOrganizationMembershipList({ limit: 500 });
      expect(everything.totalCount).toBe(everything.data.length);
      expect(everything.totalCount).toBeGreaterThan(2);
      const oldest = await t.clerk.organizations.getInstanceOrganizationMembershipList({
        orderBy: 'created_at',
        limit: 500,
      });
      expect(oldest.data.map((m) => m.id)).toEqual(everything.data.map((m) => m.id).reverse());
    });
  },
);
