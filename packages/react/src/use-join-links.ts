'use client';

import type { CreateJoinLinkParams, JoinLink, JoinLinkUse } from '@invitekit/client';
import { type UseMutationResult, useMutation, useQuery } from '@tanstack/react-query';
import { useInvitekit } from './context.js';
import { invitekitKeys } from './keys.js';

export interface UseJoinLinksOptions {
  /** Links per page (1–500). Default 20. */
  pageSize?: number;
  /** Set false to hold the query (e.g. until you know the user is an admin). Default true. */
  enabled?: boolean;
}

export interface UseJoinLinksResult {
  /** The organization's join links, newest first (their `url` is only on `create`'s answer). */
  data: JoinLink[];
  totalCount: number;
  isLoading: boolean;
  isFetching: boolean;
  /** The last load error (an InvitekitApiError for API answers), or null. */
  error: Error | null;
  refetch(): void;
  /** Creates a link; the answer's `url` (with the token) is the one to share: it is shown only once. */
  create: UseMutationResult<JoinLink, Error, CreateJoinLinkParams>;
  /** Revokes a link (by id): nobody can join through it any more. */
  revoke: UseMutationResult<JoinLink, Error, string>;
  /** Approves a pending join request: `{ joinLinkId, useId }`. */
  approve: UseMutationResult<JoinLinkUse, Error, { joinLinkId: string; useId: string }>;
  /** Rejects a pending join request: `{ joinLinkId, useId }`. */
  reject: UseMutationResult<JoinLinkUse, Error, { joinLinkId: string; useId: string }>;
}

/**
 * Invitekit extension: an organization's join links, for its admins: the list, and create / revoke /
 * approve / reject mutations that refetch the organization's links, uses and members when settled.
 */
export function useJoinLinks(
  organizationId: string | null | undefined,
  options: UseJoinLinksOptions = {},
): UseJoinLinksResult {
  const { client, queryClient, scope } = useInvitekit();
  const orgId = organizationId ?? '';
  const pageSize = options.pageSize ?? 20;
  const key = invitekitKeys.joinLinks(scope, orgId);
  const query = useQuery(
    {
      queryKey: [...key, { pageSize }],
      queryFn: ({ signal }) => client.listJoinLinks(orgId, { limit: pageSize }, { signal }),
      enabled: (options.enabled ?? true) && orgId !== '',
    },
    queryClient,
  );
  const settle = () => void queryClient.invalidateQueries({ queryKey: key });
  const create = useMutation(
    { mutationFn: (params: CreateJoinLinkParams) => client.createJoinLink(orgId, params), onSettled: settle },
    queryClient,
  );
  const revoke = useMutation(
    { mutationFn: (joinLinkId: string) => client.revokeJoinLink(orgId, joinLinkId), onSettled: settle },
    queryClient,
  );
  // A decision changes members too: refresh everything the provider caches.
  const decided = () => void queryClient.invalidateQueries({ queryKey: invitekitKeys.all(scope) });
  const approve = useMutation(
    {
      mutationFn: ({ joinLinkId, useId }: { joinLinkId: string; useId: string }) =>
        client.approveJoinLinkUse(orgId, joinLinkId, useId),
      onSettled: decided,
    },
    queryClient,
  );
  const reject = useMutation(
    {
      mutationFn: ({ joinLinkId, useId }: { joinLinkId: string; useId: string }) =>
        client.rejectJoinLinkUse(orgId, joinLinkId, useId),
      onSettled: decided,
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
    create,
    revoke,
    approve,
    reject,
  };
}

/** Who used one join link and when, with pending requests first to decide (admins only). */
export function useJoinLinkUses(
  organizationId: string | null | undefined,
  joinLinkId: string | null | undefined,
  options: { status?: JoinLinkUse['status'][]; pageSize?: number; enabled?: boolean } = {},
) {
  const { client, queryClient, scope } = useInvitekit();
  const orgId = organizationId ?? '';
  const linkId = joinLinkId ?? '';
  const status = options.status ? [...options.status].sort() : undefined;
  const pageSize = options.pageSize ?? 20;
  const query = useQuery(
    {
      queryKey: [...invitekitKeys.joinLinks(scope, orgId), linkId, 'uses', { status, pageSize }],
      queryFn: ({ signal }) =>
        client.listJoinLinkUses(orgId, linkId, { status, limit: pageSize }, { signal }),
      enabled: (options.enabled ?? true) && orgId !== '' && linkId !== '',
    },
    queryClient,
  );
  return {
    data: query.data?.data ?? [],
    totalCount: query.data?.total_count ?? 0,
    isLoading: query.isLoading,
    error: query.error,
    refetch: () => void query.refetch(),
  };
}
