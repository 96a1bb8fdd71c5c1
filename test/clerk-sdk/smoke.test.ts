import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  address,
  type ClerkTarget,
  clerkError,
  expectResource,
  startClerkTarget,
} from '../support/clerk-sdk.js';
import { testDatabases } from '../support/databases.js';

describe.each(testDatabases())('@clerk/backend against Invitekit on $name: the basics', (kind) => {
  let t: ClerkTarget;
  beforeAll(async () => {
    t = await startClerkTarget(kind);
  });
  afterAll(() => t?.stop());

  it('creates a user, an organization and an organization invitation as typed resources', async () => {
    const email = address('ada');
    const user = await t.clerk.users.createUser({ emailAddress: [email], firstName: 'Ada' });
    expectResource(user, 'User');
    expect(user.primaryEmailAddress?.emailAddress).toBe(email);
    expect(user.firstName).toBe('Ada');

    const org = await t.clerk.organizations.createOrganization({ name: 'Acme', createdBy: user.id });
    expectResource(org, 'Organization');
    expect(org.name).toBe('Acme');

    const invitation = await t.clerk.organizations.createOrganizationInvitation({
      organizationId: org.id,
      emailAddress: address('bob'),
      role: 'org:member',
      inviterUserId: user.id,
    });
    expectResource(invitation, 'OrganizationInvitation');
    expect(invitation.status).toBe('pending');
    expect(invitation.organizationId).toBe(org.id);
  });

  it('surfaces a refusal as ClerkAPIResponseError with status, code and long message', async () => {
    await clerkError(
      t.clerk.organizations.getOrganization({ organizationId: 'org_missing' }),
      404,
      'resource_not_found',
    );
  });
});
