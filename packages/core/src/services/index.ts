import { AcceptanceService } from './acceptance.js';
import { AccessService } from './access.js';
import { ApplicationInvitationsService } from './application-invitations.js';
import type { ServiceContext } from './context.js';
import { IdentitiesService } from './identities.js';
import { InvitationEditsService } from './invitation-edits.js';
import { InvitationEventsService } from './invitation-events.js';
import { type ImportOptions, InvitationImportsService } from './invitation-imports.js';
import { JoinLinksService } from './join-links.js';
import { MembershipRequestsService } from './membership-requests.js';
import { MembershipsService } from './memberships.js';
import { OrganizationDomainsService } from './organization-domains.js';
import { OrganizationInvitationsService } from './organization-invitations.js';
import { OrganizationsService } from './organizations.js';
import { RemindersService } from './reminders.js';
import { UsersService } from './users.js';

/** The service API: what the HTTP routes call, and what host code can call directly. */
export interface InvitekitServices {
  organizationInvitations: OrganizationInvitationsService;
  invitations: ApplicationInvitationsService;
  organizations: OrganizationsService;
  memberships: MembershipsService;
  users: UsersService;
  invitationEvents: InvitationEventsService;
  /** Signed-in people (from the `authenticate` hook) kept in the directory. */
  identities: IdentitiesService;
  /** Accept and decline, by token or by id; the invitation preview. */
  acceptance: AcceptanceService;
  /** Admin checks for the Frontend API. */
  access: AccessService;
  /** Invitekit extension: organizations' reminder settings. */
  reminders: RemindersService;
  /** Verified domains and enrollment (automatic invitations and suggestions). */
  organizationDomains: OrganizationDomainsService;
  /** Suggestions accepted by people, and the membership requests admins decide. */
  membershipRequests: MembershipRequestsService;
  /** Invitekit extension: shareable join links. */
  joinLinks: JoinLinksService;
  /** Invitekit extension: edit a pending invitation in place (role, metadata, expiry, locale). */
  invitationEdits: InvitationEditsService;
  /** Invitekit extension: large imports (CSV or JSON, up to 10,000 rows), run by the import worker. */
  invitationImports: InvitationImportsService;
}

export function createServices(ctx: ServiceContext, imports?: ImportOptions): InvitekitServices {
  const organizationInvitations = new OrganizationInvitationsService(ctx);
  const invitations = new ApplicationInvitationsService(ctx);
  const organizationDomains = new OrganizationDomainsService(ctx);
  const enroll = (userId: string) => organizationDomains.enrollUser(userId);
  const identities = new IdentitiesService(ctx, { enroll });
  const membershipRequests = new MembershipRequestsService(ctx);
  return {
    organizationInvitations,
    invitations,
    organizations: new OrganizationsService(ctx),
    memberships: new MembershipsService(ctx),
    users: new UsersService(ctx, { enroll }),
    invitationEvents: new InvitationEventsService(ctx),
    identities,
    acceptance: new AcceptanceService(ctx, { identities, organizationInvitations, invitations }),
    access: new AccessService(ctx),
    reminders: new RemindersService(ctx),
    organizationDomains,
    membershipRequests,
    joinLinks: new JoinLinksService(ctx, { identities, membershipRequests }),
    invitationEdits: new InvitationEditsService(ctx, { organizationInvitations, invitations }),
    invitationImports: new InvitationImportsService(ctx, imports),
  };
}
