import { applicationInvitationRoutes } from './application-invitations.js';
import { directoryRoutes } from './directory.js';
import { organizationInvitationRoutes } from './organization-invitations.js';

/** The Backend API: every operation of shared/contract/clerk-bapi-invitations.yml, under /v1. */
export const backendRoutes = [
  ...organizationInvitationRoutes,
  ...applicationInvitationRoutes,
  ...directoryRoutes,
];
