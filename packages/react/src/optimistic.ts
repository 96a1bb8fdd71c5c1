import type { InvitationStatus, OrganizationInvitation, Page } from '@invitekit/client';
import type { QueryClient, QueryKey } from '@tanstack/react-query';

const PREFIX = 'optimistic_';
let counter = 0;

/** True for the placeholder rows an `invite` shows until the server answers. */
export function isOptimisticInvitation(invitation: { id: string }): boolean {
  return invitation.id.startsWith(PREFIX);
}

export function optimisticInvitation(
  organizationId: string,
  emailAddress: string,
  role: string,
): OrganizationInvitation {
  const now = Date.now();
  counter += 1;
  return {
    object: 'organization_invitation',
    id: `${PREFIX}${counter}`,
    email_address: emailAddress.trim().toLowerCase(),
    role,
    role_name: role,
    organization_id: organizationId,
    inviter_id: null,
    public_inviter_data: null,
    status: 'pending',
    public_metadata: {},
    url: null,
    expires_at: null,
    created_at: now,
    updated_at: now,
  };
}

export type Snapshot = [QueryKey, unknown][];

/** Cancels fetches under `key`, remembers what is cached there, and applies `update` to every page. */
export async function patchPages<T>(
  queryClient: QueryClient,
  key: QueryKey,
  update: (page: Page<T>, filter: PageFilter) => Page<T>,
): Promise<Snapshot> {
  await queryClient.cancelQueries({ queryKey: key });
  const snapshot = queryClient.getQueriesData({ queryKey: key });
  for (const [queryKey, data] of snapshot) {
    if (!data) continue;
    const filter = (queryKey[queryKey.length - 1] ?? {}) as PageFilter;
    queryClient.setQueryData(queryKey, update(data as Page<T>, filter));
  }
  return snapshot;
}

export function restore(queryClient: QueryClient, snapshot: Snapshot | undefined) {
  for (const [queryKey, data] of snapshot ?? []) queryClient.setQueryData(queryKey, data);
}

export interface PageFilter {
  status?: readonly InvitationStatus[] | null;
  pageSize?: number;
  page?: number;
}

export const shows = (filter: PageFilter, status: InvitationStatus) =>
  !filter.status || filter.status.includes(status);
