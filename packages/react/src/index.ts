export {
  type InvitekitContextValue,
  InvitekitProvider,
  type InvitekitProviderProps,
  useInvitekit,
  useInvitekitClient,
} from './context.js';
export { invitekitKeys } from './keys.js';
export { isOptimisticInvitation } from './optimistic.js';
export { type InvitationState, type UseInvitationResult, useInvitation } from './use-invitation.js';
export {
  importResultsCsv,
  type UseInvitationImportOptions,
  type UseInvitationImportResult,
  useInvitationImport,
} from './use-invitation-import.js';
export { type JoinLinkState, type UseJoinLinkResult, useJoinLink } from './use-join-link.js';
export {
  type UseJoinLinksOptions,
  type UseJoinLinksResult,
  useJoinLinks,
  useJoinLinkUses,
} from './use-join-links.js';
export {
  type UseMembershipRequestsOptions,
  type UseMembershipRequestsResult,
  useMembershipRequests,
} from './use-membership-requests.js';
export {
  type UseMyInvitationsOptions,
  type UseMyInvitationsResult,
  useMyInvitations,
} from './use-my-invitations.js';
export {
  type UseOrgInvitationsOptions,
  type UseOrgInvitationsResult,
  useOrgInvitations,
} from './use-org-invitations.js';
export {
  type UseOrganizationSuggestionsOptions,
  type UseOrganizationSuggestionsResult,
  useOrganizationSuggestions,
} from './use-organization-suggestions.js';
