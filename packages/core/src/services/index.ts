import { ApplicationInvitationsService } from './application-invitations.js';
import type { ServiceContext } from './context.js';
import { InvitationEventsService } from './invitation-events.js';
import { MembershipsService } from './memberships.js';
import { OrganizationInvitationsService } from './organization-invitations.js';
import { OrganizationsService } from './organizations.js';
import { UsersService } from './users.js';

/** The service API: what the HTTP routes call, and what host code can call directly. */
export interface InvitekitServices {
  organizationInvitations: OrganizationInvitationsService;
  invitations: ApplicationInvitationsService;
  organizations: OrganizationsService;
  memberships: MembershipsService;
  users: UsersService;
  invitationEvents: InvitationEventsService;
}

export function createServices(ctx: ServiceContext): InvitekitServices {
  return {
    organizationInvitations: new OrganizationInvitationsService(ctx),
    invitations: new ApplicationInvitationsService(ctx),
    organizations: new OrganizationsService(ctx),
    memberships: new MembershipsService(ctx),
    users: new UsersService(ctx),
    invitationEvents: new InvitationEventsService(ctx),
  };
}
