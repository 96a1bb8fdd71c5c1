import { type Invitekit, InvitekitError } from '@invitekit/core';
import type { AppOrganization, AppUser } from './users.js';

const isNotFound = (err: unknown) =>
  err instanceof InvitekitError && err.errors.some((e) => e.code === 'resource_not_found');

/** A rule of the host app, broken: answered by the host's own routes. */
export class HostRuleError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The host's own invite logic: its rule (only an organization's admins invite), then Invitekit's service
 * API. The host's organizations and users are mirrored into Invitekit's directory on first use
 * (organization slug = host id, user found by email; the user id is the host's, as `authenticate` says).
 */
export class TeamInvites {
  constructor(private readonly invitekit: Invitekit) {}

  async invite(
    inviter: AppUser,
    organization: AppOrganization | undefined,
    email: string,
    role = 'org:member',
  ) {
    const org = this.adminOrganization(inviter, organization);
    const inviterId = await this.mirrorUser(inviter);
    return this.invitekit.services.organizationInvitations.create(
      await this.mirrorOrganization(org, inviterId),
      {
        emailAddress: email,
        role,
        inviterUserId: inviterId,
        publicMetadata: { invitedFrom: 'express-example' },
      },
    );
  }

  async pending(viewer: AppUser, organization: AppOrganization | undefined) {
    const org = this.adminOrganization(viewer, organization);
    const mirrored = await this.mirrorOrganization(org, await this.mirrorUser(viewer));
    const page = await this.invitekit.services.organizationInvitations.list(mirrored, {
      statuses: ['pending'],
    });
    return page.data;
  }

  private adminOrganization(user: AppUser, organization: AppOrganization | undefined): AppOrganization {
    if (!organization) throw new HostRuleError(404, 'No such organization');
    if (!organization.adminIds.includes(user.id)) throw new HostRuleError(403, 'Only admins invite');
    return organization;
  }

  private async mirrorUser(user: AppUser): Promise<string> {
    if (user.invitekitUserId) return user.invitekitUserId;
    const users = this.invitekit.services.users;
    const [found] = await users.list({ emailAddresses: [user.email] });
    const [firstName, ...rest] = user.name.split(' ');
    const id =
      found?.id ??
      (
        await users.create({
          emailAddresses: [user.email],
          externalId: user.id,
          firstName,
          lastName: rest.join(' ') || null,
        })
      ).id;
    user.invitekitUserId = id;
    return id;
  }

  private async mirrorOrganization(organization: AppOrganization, adminId: string): Promise<string> {
    const organizations = this.invitekit.services.organizations;
    try {
      return (await organizations.get(organization.id)).id;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return (
        await organizations.create({ name: organization.name, slug: organization.id, createdBy: adminId })
      ).id;
    }
  }
}
