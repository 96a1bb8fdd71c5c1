import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectWire } from '../support/clerk-contract.js';
import {
  address,
  type ClerkTarget,
  clerkError,
  expectResource,
  startClerkTarget,
} from '../support/clerk-sdk.js';
import { assertContract } from '../support/contract.js';
import { testDatabases } from '../support/databases.js';

describe.each(testDatabases())('@clerk/backend users.* against Invitekit on $name', (kind) => {
  let t: ClerkTarget;
  beforeAll(async () => {
    t = await startClerkTarget(kind);
  });
  afterAll(() => t?.stop());

  it('createUser returns a User with verified addresses, the first one primary', async () => {
    const [first, second] = [address('create-a'), address('create-b')];
    const user = await t.clerk.users.createUser({
      emailAddress: [first.toUpperCase(), second],
      firstName: 'Grace',
      lastName: 'Hopper',
      externalId: `ext-${first}`,
      publicMetadata: { role: 'admiral' },
      privateMetadata: { badge: 1 },
      unsafeMetadata: { theme: 'dark' },
      // Clerk fields Invitekit does not model are accepted and ignored.
      skipPasswordRequirement: true,
    });
    expectResource(user, 'User');
    expectWire('CreateUser', user);
    expect(user).toMatchObject({
      firstName: 'Grace',
      lastName: 'Hopper',
      fullName: 'Grace Hopper',
      externalId: `ext-${first}`,
      publicMetadata: { role: 'admiral' },
      privateMetadata: { badge: 1 },
      unsafeMetadata: { theme: 'dark' },
      banned: false,
      passwordEnabled: false,
    });
    expect(user.id).toMatch(/^user_/);
    expect(user.emailAddresses.map((e) => e.emailAddress)).toEqual([first, second]);
    expect(user.primaryEmailAddress?.emailAddress).toBe(first);
    expect(user.emailAddresses[0]?.verification?.status).toBe('verified');

    const taken = await clerkError(
      t.clerk.users.createUser({ emailAddress: [second] }),
      400,
      'form_identifier_exists',
    );
    expect(taken.errors[0]?.longMessage).toContain(second);
    expect(taken.errors[0]?.meta?.paramName).toBe('email_address');
    await clerkError(t.clerk.users.createUser({ externalId: `ext-${first}` }), 400, 'form_identifier_exists');
    const dup = address('dup');
    const twice = await clerkError(
      t.clerk.users.createUser({ emailAddress: [dup, dup.toUpperCase()] }),
      400,
      'duplicate_record',
    );
    expect(twice.errors[0]?.meta?.paramName).toBe('email_address');
    await clerkError(
      t.clerk.users.createUser({ emailAddress: ['not an address'] }),
      422,
      'form_param_format_invalid',
    );
  });

  it('getUser returns the User; an unknown id is a 404', async () => {
    const created = await t.clerk.users.createUser({ emailAddress: [address('get')], firstName: 'Get' });
    const user = await t.clerk.users.getUser(created.id);
    expectResource(user, 'User');
    expectWire('GetUser', user);
    expect(user).toMatchObject({ id: created.id, firstName: 'Get' });
    const missing = await clerkError(t.clerk.users.getUser('user_missing'), 404, 'resource_not_found');
    expect(missing.errors[0]?.longMessage).toContain('user_missing');
  });

  it('getUserList returns { data, totalCount } with the email filter, query, paging and order', async () => {
    const tag = `ul${Date.now().toString(36)}`;
    const emails = [`${tag}-carol@example.com`, `${tag}-alice@example.com`, `${tag}-bob@example.com`];
    const names = ['Carol', 'Alice', 'Bob'];
    const users = [];
    for (const [i, email] of emails.entries()) {
      users.push(
        await t.clerk.users.createUser({
          emailAddress: [email],
          firstName: names[i],
          externalId: `${tag}-${i}`,
        }),
      );
    }
    const [carol, alice, bob] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];

    const byEmail = await t.clerk.users.getUserList({ emailAddress: [emails[1]!.toUpperCase(), emails[2]!] });
    expect(byEmail.totalCount).toBe(2);
    expect(byEmail.data.map((u) => u.id)).toEqual([bob.id, alice.id]);
    for (const u of byEmail.data) expectResource(u, 'User');
    assertContract(
      'GetUserList',
      200,
      byEmail.data.map((u) => u.raw),
    );

    const paged = await t.clerk.users.getUserList({ query: tag, limit: 2, offset: 1 });
    expect(paged.totalCount).toBe(3);
    expect(paged.data.map((u) => u.id)).toEqual([alice.id, carol.id]);

    const byName = await t.clerk.users.getUserList({ query: tag, orderBy: '+first_name' });
    expect(byName.data.map((u) => u.firstName)).toEqual(['Alice', 'Bob', 'Carol']);
    const byEmailDesc = await t.clerk.users.getUserList({ query: tag, orderBy: '-email_address' });
    expect(byEmailDesc.data.map((u) => u.id)).toEqual([carol.id, bob.id, alice.id]);

    expect((await t.clerk.users.getUserList({ query: alice.id })).data.map((u) => u.id)).toEqual([alice.id]);
    expect((await t.clerk.users.getUserList({ userId: [carol.id, bob.id] })).totalCount).toBe(2);
    const ext = await t.clerk.users.getUserList({ externalId: [`${tag}-0`] });
    expect(ext.data.map((u) => u.id)).toEqual([carol.id]);
    expect(
      (await t.clerk.users.getUserList({ query: tag, createdAtBefore: carol.createdAt })).totalCount,
    ).toBe(0);
    expect(
      (await t.clerk.users.getUserList({ query: tag, createdAtAfter: carol.createdAt - 1 })).totalCount,
    ).toBe(3);

    const org = await t.clerk.organizations.createOrganization({ name: `${tag} org`, createdBy: bob.id });
    const members = await t.clerk.users.getUserList({ query: tag, organizationId: [org.id] });
    expect(members).toMatchObject({ totalCount: 1, data: [{ id: bob.id }] });
    const nonMembers = await t.clerk.users.getUserList({ query: tag, organizationId: [`-${org.id}`] });
    expect(nonMembers.data.map((u) => u.id)).toEqual([alice.id, carol.id]);

    // Identifiers Invitekit's users never have match nobody.
    expect(await t.clerk.users.getUserList({ username: ['alice'] })).toEqual({ data: [], totalCount: 0 });
    expect(await t.clerk.users.getUserList({ emailAddress: ['nobody@example.com'] })).toEqual({
      data: [],
      totalCount: 0,
    });

    const order = await clerkError(
      t.clerk.users.getUserList({ orderBy: 'shoe_size' as 'created_at' }),
      422,
      'form_param_value_invalid',
    );
    expect(order.errors[0]?.meta?.paramName).toBe('order_by');
  });

  it('getCount counts with the same filters (GET /v1/users/count)', async () => {
    const tag = `uc${Date.now().toString(36)}`;
    for (const name of ['a', 'b']) {
      await t.clerk.users.createUser({ emailAddress: [`${tag}-${name}@example.com`] });
    }
    expect(await t.clerk.users.getCount({ query: tag })).toBe(2);
    expect(await t.clerk.users.getCount({ emailAddress: [`${tag}-a@example.com`] })).toBe(1);
    expect(await t.clerk.users.getCount({ phoneNumber: ['+15555550100'] })).toBe(0);
    const all = await t.clerk.users.getCount();
    expect(all).toBe((await t.clerk.users.getUserList({ limit: 500 })).data.length);

    const raw = await t.server.call('GetUsersCount', 'GET', `/v1/users/count?query=${tag}`);
    expect(raw.body).toEqual({ object: 'total_count', total_count: 2 });
  });

  it('updateUser changes names and external id; metadata goes through PUT /metadata', async () => {
    const user = await t.clerk.users.createUser({
      emailAddress: [address('update-a'), address('update-b')],
      firstName: 'Old',
      publicMetadata: { keep: false, nested: { a: 1 } },
    });
    const updated = await t.clerk.users.updateUser(user.id, {
      firstName: 'New',
      lastName: 'Name',
      externalId: `ext-upd-${user.id}`,
      primaryEmailAddressID: user.emailAddresses[1]!.id,
    });
    expectResource(updated, 'User');
    expectWire('UpdateUser', updated);
    expect(updated).toMatchObject({ firstName: 'New', lastName: 'Name', externalId: `ext-upd-${user.id}` });
    expect(updated.primaryEmailAddress?.id).toBe(user.emailAddresses[1]!.id);

    // The SDK's deprecated path: PATCH the rest, then PUT /metadata, which replaces each given object.
    const replaced = await t.clerk.users.updateUser(user.id, {
      firstName: 'Newer',
      publicMetadata: { nested: { b: 2 } },
    });
    expectWire('ReplaceUserMetadata', replaced);
    expect(replaced).toMatchObject({ firstName: 'Newer', publicMetadata: { nested: { b: 2 } } });

    await clerkError(t.clerk.users.updateUser('user_missing', { firstName: 'X' }), 404, 'resource_not_found');
    const other = await t.clerk.users.createUser({ emailAddress: [address('update-other')] });
    const notOwned = await clerkError(
      t.clerk.users.updateUser(user.id, { primaryEmailAddressID: other.emailAddresses[0]!.id }),
      422,
      'form_param_value_invalid',
    );
    expect(notOwned.errors[0]?.meta?.paramName).toBe('primary_email_address_id');
  });

  it('updateUserMetadata deep-merges, null removes; replaceUserMetadata replaces', async () => {
    const user = await t.clerk.users.createUser({
      emailAddress: [address('meta')],
      publicMetadata: { plan: 'free', flags: { beta: true, dark: false } },
      privateMetadata: { stripe: 'cus_1' },
    });
    const merged = await t.clerk.users.updateUserMetadata(user.id, {
      publicMetadata: { plan: 'pro', flags: { dark: null, wide: true } },
      unsafeMetadata: { onboarding: { step: 2 } },
    });
    expectResource(merged, 'User');
    expectWire('UpdateUserMetadata', merged);
    expect(merged.publicMetadata).toEqual({ plan: 'pro', flags: { beta: true, wide: true } });
    expect(merged.privateMetadata).toEqual({ stripe: 'cus_1' });
    expect(merged.unsafeMetadata).toEqual({ onboarding: { step: 2 } });

    const replaced = await t.clerk.users.replaceUserMetadata(user.id, { publicMetadata: {} });
    expectWire('ReplaceUserMetadata', replaced);
    expect(replaced.publicMetadata).toEqual({});
    expect(replaced.privateMetadata).toEqual({ stripe: 'cus_1' });

    await clerkError(
      t.clerk.users.updateUserMetadata('user_missing', { publicMetadata: { a: 1 } }),
      404,
      'resource_not_found',
    );
    await clerkError(
      t.clerk.users.updateUserMetadata(user.id, { privateMetadata: { blob: 'x'.repeat(9000) } }),
      422,
      'form_param_exceeds_allowed_size',
    );
  });

  it('deleteUser returns a DeletedObject and takes the memberships with it; invitations they sent stay', async () => {
    const admin = await t.clerk.users.createUser({ emailAddress: [address('del-admin')] });
    const leaving = await t.clerk.users.createUser({ emailAddress: [address('del-leaving')] });
    const org = await t.clerk.organizations.createOrganization({ name: 'Left', createdBy: admin.id });
    await t.clerk.organizations.createOrganizationMembership({
      organizationId: org.id,
      userId: leaving.id,
      role: 'org:admin',
    });
    const invitation = await t.clerk.organizations.createOrganizationInvitation({
      organizationId: org.id,
      emailAddress: address('del-invitee'),
      role: 'org:member',
      inviterUserId: leaving.id,
    });

    const deleted = await t.clerk.users.deleteUser(leaving.id);
    expectResource(deleted, 'DeletedObject');
    expect(deleted).toMatchObject({ object: 'user', id: leaving.id, deleted: true });

    await clerkError(t.clerk.users.getUser(leaving.id), 404, 'resource_not_found');
    const members = await t.clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
    expect(members.data.map((m) => m.publicUserData?.userId)).toEqual([admin.id]);
    const kept = await t.clerk.organizations.getOrganizationInvitation({
      organizationId: org.id,
      invitationId: invitation.id,
    });
    expect(kept.status).toBe('pending');
    expect((kept.raw as unknown as { inviter_id: string | null }).inviter_id).toBeNull();

    // Deleting an organization's only admin is allowed (Clerk allows it too); the organization stays.
    expectResource(await t.clerk.users.deleteUser(admin.id), 'DeletedObject');
    expect(
      (await t.clerk.organizations.getOrganization({ organizationId: org.id, includeMembersCount: true }))
        .membersCount,
    ).toBe(0);

    await clerkError(t.clerk.users.deleteUser(leaving.id), 404, 'resource_not_found');
  });

  it('SDK methods Invitekit does not serve surface a ClerkErrors 404', async () => {
    const user = await t.clerk.users.createUser({ emailAddress: [address('unserved')] });
    const org = await t.clerk.organizations.createOrganization({ name: 'Unserved' });
    for (const call of [
      () => t.clerk.users.banUser(user.id),
      () => t.clerk.users.lockUser(user.id),
      () => t.clerk.users.verifyPassword({ userId: user.id, password: 'secret-password' }),
      () => t.clerk.users.disableUserMFA(user.id),
      () => t.clerk.users.getUserOauthAccessToken(user.id, 'google'),
      () => t.clerk.users.deleteUserProfileImage(user.id),
      () => t.clerk.users.updateUserProfileImage(user.id, { file: new Blob(['png'], { type: 'image/png' }) }),
      () =>
        t.clerk.organizations.updateOrganizationLogo(org.id, {
          file: new Blob(['png'], { type: 'image/png' }),
        }),
      () => t.clerk.organizations.deleteOrganizationLogo(org.id),
      () => t.clerk.organizationRoles.getOrganizationRoleList(),
      () => t.clerk.emailAddresses.getEmailAddress(user.emailAddresses[0]!.id),
    ]) {
      const err = await clerkError(call(), 404, 'resource_not_found');
      expect(err.errors[0]?.longMessage).toMatch(/not served by Invitekit/);
    }
  });
});
