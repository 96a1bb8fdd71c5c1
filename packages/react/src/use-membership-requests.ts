'use client';

import type { OrganizationMembershipRequest } from '@invitekit/client';
import { type UseMutationResult, useMutation, useQuery } from '@tanstack/react-query';
import { useInvitekit } from './context.js';
import { invitekitKeys } from './keys.js';

export interface UseMembershipRequestsOptions {
  /** Default `'pending'`; `'all'` lists decided ones too. */
  status?: 'pending' | 'accepted' | 'rejected' | 'all';
  /** Default 10. */
  pageSize?: number;
  enabled?: boolean;
}

export interface UseMembershipRequestsResult {
  data: OrganizationMembershipRequest[];
  totalCount: number;
  isLoading: boolean;
  error: Error | null;
  refetch(): void;
  /** Lets the person in (a membership with the default role), by request id. */
  accept: UseMutationResult<OrganizationMembershipRequest, Error, string>;
  /** Turns the request down, by request id. */
  reject: UseMutationResult<OrganizationMembershipRequest, Error, string>;
}

/** An organization's membership requests, for its admins, with accept and reject. */
export function useMembershipRequests(
  organizationId: string,
  options: UseMembershipRequestsOptions = {},
): UseMembershipRequestsResult {
  const { client, queryClient, scope } = useInvitekit();
  const status = options.status ?? 'pending';
  const pageSize = options.pageSize ?? 10;
  const query = useQuery(
    {
      queryKey: [...invitekitKeys.membershipRequests(scope, organizationId), { status, pageSize }],
      queryFn: ({ signal }) =>
        client.listMembershipRequests(
          organizationId,
          { status: status === 'all' ? undefined : status, limit: pageSize },
          { signal },
        ),
      enabled: options.enabled ?? true,
    },
    queryClient,
  );
  // A decision changes memberships too: refresh everything under this provider.
  const settle = () => void queryClient.invalidateQueries({ queryKey: invitekitKeys.all(scope) });
  const decide = (decision: 'accept' | 'reject') => ({
    mutationFn: (requestId: string) => client.decideMembershipRequest(organizationId, requestId, decision),
    onSettled: settle,
  });
  const accept = useMutation(decide('accept'), queryClient);
  const reject = useMutation(decide('reject'), queryClient);
  return {
    data: query.data?.data ?? [],
    totalCount: query.data?.total_count ?? 0,
    isLoading: query.isLoading,
    error: query.error,
    refetch: () => void query.refetch(),
    accept,
    reject,
  };
}
