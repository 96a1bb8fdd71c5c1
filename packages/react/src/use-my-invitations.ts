'use client';

import type { InvitationStatus, OrganizationInvitationWithOrganization } from '@invitekit/client';
import { type UseMutationResult, useMutation, useQuery } from '@tanstack/react-query';
import { useInvitekit } from './context.js';
import { invitekitKeys, statusList } from './keys.js';
import { patchPages, restore, type Snapshot, shows } from './optimistic.js';

export interface UseMyInvitationsOptions {
  /** Default `'pending'`. */
  status?: InvitationStatus | readonly InvitationStatus[] | 'all';
  /** Default 10. */
  pageSize?: number;
  enabled?: boolean;
}

export interface UseMyInvitationsResult {
  data: OrganizationInvitationWithOrganization[];
  totalCount: number;
  isLoading: boolean;
  isFetching: boolean;
  error: Error | null;
  refetch(): void;
  /** Accepts an invitation (by id): the user joins the organization. */
  accept: UseMutationResult<OrganizationInvitationWithOrganization, Error, string, Snapshot>;
  /** Declines an invitation (by id). */
  decline: UseMutationResult<OrganizationInvitationWithOrganization, Error, string, Snapshot>;
}

/** The signed-in user's organization invitations, with accept and decline. */
export function useMyInvitations(options: UseMyInvitationsOptions = {}): UseMyInvitationsResult {
  const { client, queryClient, scope } = useInvitekit();
  const status = statusList(options.status ?? 'pending');
  const pageSize = options.pageSize ?? 10;
  const query = useQuery(
    {
      queryKey: invitekitKeys.myInvitationsPage(scope, { status, pageSize }),
      queryFn: ({ signal }) =>
        client.listMyInvitations({ status: status ?? undefined, limit: pageSize }, { signal }),
      enabled: options.enabled ?? true,
    },
    queryClient,
  );

  const respond = (next: 'accepted' | 'revoked') => (invitationId: string) =>
    patchPages<OrganizationInvitationWithOrganization>(
      queryClient,
      invitekitKeys.myInvitations(scope),
      (data, filter) =>
        shows(filter, next)
          ? {
              ...data,
              data: data.data.map((row) => (row.id === invitationId ? { ...row, status: next } : row)),
            }
          : data.data.some((row) => row.id === invitationId)
            ? {
                data: data.data.filter((row) => row.id !== invitationId),
                total_count: Math.max(0, data.total_count - 1),
              }
            : data,
    );
  // Accepting changes memberships and organization lists too: refresh everything under this provider.
  const settle = () => void queryClient.invalidateQueries({ queryKey: invitekitKeys.all(scope) });

  const accept = useMutation(
    {
      mutationFn: (invitationId: string) => client.acceptMyInvitation(invitationId),
      onMutate: respond('accepted'),
      onError: (_error, _id, snapshot) => restore(queryClient, snapshot),
      onSettled: settle,
    },
    queryClient,
  );
  const decline = useMutation(
    {
      mutationFn: (invitationId: string) => client.declineMyInvitation(invitationId),
      onMutate: respond('revoked'),
      onError: (_error, _id, snapshot) => restore(queryClient, snapshot),
      onSettled: settle,
    },
    queryClient,
  );

  return {
    data: query.data?.data ?? [],
    totalCount: query.data?.total_count ?? 0,
    isLoading: query.isLoading,
    isFetching: query.isFetching,
    error: query.error,
    refetch: () => void query.refetch(),
    accept,
    decline,
  };
}
