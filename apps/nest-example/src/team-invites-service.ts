import { InvitekitError, type OrganizationInvitation } from '@invitekit/core';
import { InvitekitService } from '@invitekit/nestjs';
import { ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { type AppOrganization, OrganizationsService } from './organizations.js';
import { type AppUser, UsersService } from './users.js';

const isNotFound = (err: unknown) =>
  err instanceof InvitekitError && err.errors.some((e) => e.code === 'resource_not_found');

/**
 * The host's own service: its rule (only an organization's admins invite), then Invitekit through the
 * injected InvitekitService. Invitekit keeps a minimal directory of its own; the host's organizations and
 * users are mirrored into it on first use (organization slug = host id, user found by email).
 */
@Injectable()
export class TeamInvitesService {
  constructor(
    @Inject(InvitekitService) private readonly invitekit: InvitekitService,
    @Inject(OrganizationsService) private readonly organizations: OrganizationsService,
    @Inject(UsersService) private readonly users: UsersService,
  ) {}

  async invite(inviter: AppUser, organizationId: string, email: string, role = 'org:member') {
    const organization = this.adminOrganization(inviter, organizationId);
    const inviterId = await this.mirrorUser(inviter);
    const mirrored = await this.mirrorOrganization(organization, inviterId);
    return this.invitekit.organizationInvitations.create(mirrored, {
      emailAddress: email,
      role,
      inviterUserId: inviterId,
      publicMetadata: { invitedFrom: 'nest-example' },
    });
  }

  async pending(viewer: AppUser, organizationId: string): Promise<OrganizationInvitation[]> {
    const organization = this.adminOrganization(viewer, organizationId);
    const mirrored = await this.mirrorOrganization(organization, await this.mirrorUser(viewer));
    const page = await this.invitekit.organizationInvitations.list(mirrored, { statuses: ['pending'] });
    return page.data;
  }

  private adminOrganization(user: AppUser, organizationId: string): AppOrganization {
    const organization = this.organizations.byId(organizationId);
    if (!organization) throw new NotFoundException(`No organization ${organizationId}`);
    if (!organization.adminIds.includes(user.id)) throw new ForbiddenException('Only admins invite');
    return organization;
  }

  /**
   * Invitekit's user id for a host user: found by email (Invitekit may know them already, from a Frontend
   * API sign-in), else created; remembered, so resolveUser names the same Invitekit user.
   */
  private async mirrorUser(user: AppUser): Promise<string> {
    if (user.invitekitUserId) return user.invitekitUserId;
    const [found] = await this.invitekit.users.list({ emailAddresses: [user.email] });
    if (found) {
      user.invitekitUserId = found.id;
      return found.id;
    }
    const [firstName, ...rest] = user.name.split(' ');
    const created = await this.invitekit.users.create({
      emailAddresses: [user.email],
      externalId: user.id,
      firstName,
      lastName: rest.join(' ') || null,
    });
    user.invitekitUserId = created.id;
    return created.id;
  }

  /** Invitekit's organization id for a host organization, created (with its admin) on first use. */
  private async mirrorOrganization(organization: AppOrganization, adminId: string): Promise<string> {
    try {
      return (await this.invitekit.organizations.get(organization.id)).id;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const created = await this.invitekit.organizations.create({
        name: organization.name,
        slug: organization.id,
        createdBy: adminId,
      });
      return created.id;
    }
  }
}
