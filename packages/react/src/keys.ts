import type { InvitationStatus } from '@invitekit/client';

type Scope = readonly ['invitekit', string, string];

/** Query keys, so an app can invalidate or prefetch what the hooks cache. */
export const invitekitKeys = {
  all: (scope: Scope) => [...scope] as const,
  organizationInvitations: (scope: Scope, organizationId: string) =>
    [...scope, 'organization-invitations', organizationId] as const,
  organizationInvitationsPage: (
    scope: Scope,
    organizationId: string,
    filter: { status: readonly InvitationStatus[] | null; pageSize: number; page: number },
  ) => [...scope, 'organization-invitations', organizationId, filter] as const,
  myInvitations: (scope: Scope) => [...scope, 'my-invitations'] as const,
  myInvitationsPage: (
    scope: Scope,
    filter: { status: readonly InvitationStatus[] | null; pageSize: number },
  ) => [...scope, 'my-invitations', filter] as const,
  preview: (scope: Scope, token: string) => [...scope, 'invitation-preview', token] as const,
  mySuggestions: (scope: Scope) => [...scope, 'my-suggestions'] as const,
  membershipRequests: (scope: Scope, organizationId: string) =>
    [...scope, 'membership-requests', organizationId] as const,
  joinLinks: (scope: Scope, organizationId: string) => [...scope, 'join-links', organizationId] as const,
  joinLinkPreview: (scope: Scope, token: string) => [...scope, 'join-link-preview', token] as const,
  invitationImport: (
    scope: Scope,
    organizationId: string,
    importId: string,
    rows: { page: number; pageSize: number },
  ) => [...scope, 'invitation-import', organizationId, importId, rows] as const,
};

export const statusList = (
  status: InvitationStatus | readonly InvitationStatus[] | 'all' | undefined,
): readonly InvitationStatus[] | null =>
  status === undefined || status === 'all'
    ? null
    : typeof status === 'string'
      ? [status]
      : [...status].sort();
