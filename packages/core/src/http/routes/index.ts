import { applicationInvitationRoutes } from './application-invitations.js';
import { directoryRoutes } from './directory.js';
import { invitationEditRoutes } from './invitation-edits.js';
import { invitationImportRoutes } from './invitation-imports.js';
import { joinLinkBackendRoutes } from './join-links.js';
import { membershipRequestRoutes } from './membership-requests.js';
import { membershipRoutes } from './memberships.js';
import { metadataRoutes } from './metadata.js';
import { organizationDomainRoutes } from './organization-domains.js';
import { organizationInvitationRoutes } from './organization-invitations.js';
import { reminderRoutes } from './reminders.js';

/** The Backend API: every operation of shared/contract/clerk-bapi-invitations.yml, under /v1. */
export const backendRoutes = [
  ...organizationInvitationRoutes,
  ...applicationInvitationRoutes,
  ...directoryRoutes,
  ...membershipRoutes,
  ...metadataRoutes,
  ...reminderRoutes,
  ...organizationDomainRoutes,
  ...membershipRequestRoutes,
  ...joinLinkBackendRoutes,
  ...invitationEditRoutes,
  ...invitationImportRoutes,
];
