import { applicationInvitationRoutes } from './application-invitations.js';
import { directoryRoutes } from './directory.js';
import { invitationImportRoutes } from './invitation-imports.js';
import { membershipRoutes } from './memberships.js';
import { metadataRoutes } from './metadata.js';
import { organizationInvitationRoutes } from './organization-invitations.js';

/** The Backend API: every operation of shared/contract/clerk-bapi-invitations.yml, under /v1. */
export const backendRoutes = [
  ...organizationInvitationRoutes,
  ...applicationInvitationRoutes,
  ...directoryRoutes,
  ...membershipRoutes,
  ...metadataRoutes,
  ...invitationImportRoutes,
];
