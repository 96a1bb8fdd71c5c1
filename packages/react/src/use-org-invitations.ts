'use client';

import type {
  CreateInvitationParams,
  CreateInvitationsParams,
  InvitationStatus,
  OrganizationInvitation,
  Page,
  UpdateInvitationParams,
} from '@invitekit/client';
import {
  keepPreviousData as keepPrevious,
  type UseMutationResult,
  useMutation,
  useQuery,
} from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useInvitekit } from './context.js';
import { invitekitKeys, statusList } from './keys.js';
import { optimisticInvitation, patchPages, restore, type Snapshot, shows } from './optimistic.js';

export interface UseOrgInvitationsOptions {
  /** Which invitations to list: one status, several, or `'all'`. Default `'pending'`. */
  status?: InvitationStatus | readonly InvitationStatus[] | 'all';
  /** Invitations per page (1–500). Default 10. */
  pageSize?: number;
  /** Keep showing the previous page while the next one loads. Default true. */
  keepPreviousData?: boolean;
  /** The page to start on (1-based). Default 1. */
  initialPage?: number;
  /** Set false to hold the query (e.g. until you know the user is an admin). Default true. */
  enabled?: boolean;
}

export interface UseOrgInvitationsResult {
  /** The invitations on the current page (optimistic rows included while a mutation is in flight). */
  data: OrganizationInvitation[];
  /** How many invitations match the filter, across all pages. */
  totalCount: number;
  /** The current page, 1-based. */
  page: number;
  pageCount: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  fetchNext(): void;
  fetchPrevious(): void;
  setPage(page: number): void;
  /** First load, nothing to show yet. */
  isLoading: boolean;
  /** Any request in flight, background refreshes included. */
  isFetching: boolean;
  /** `data` is the previous page's while the current one loads. */
  isPlaceholderData: boolean;
  /** The last load error (an InvitekitApiError for API answers), or null. */
  error: Error | null;
  refetch(): void;
  /** Invites one address; the row appears at once on the first page, and disappears again on error. */
  invite: UseMutationResult<OrganizationInvitation, Error, CreateInvitationParams, Snapshot>;
  /** Invites several addresses with one role, all or nothing. */
  inviteMany: UseMutationResult<OrganizationInvitation[], Error, CreateInvitationsParams, Snapshot>;
  /** Revokes a pending invitation (by id); it leaves the pending list at once, and returns on error. */
  revoke: UseMutationResult<OrganizationInvitation, Error, string, Snapshot>;
  /**
   * Invitekit extension: edits a pending invitation (role, `expires_in_days` from now, locale). Its link
   * stays valid and nothing is emailed unless `notify: true`. A new role shows at once, and reverts on error.
   */
  update: UseMutationResult<OrganizationInvitation, Error, UpdateOrganizationInvitationVariables, Snapshot>;
}

/** What `update` takes: the invitation's id, and the fields to change. */
export interface UpdateOrganizationInvitationVariables extends UpdateInvitationParams {
  invitationId: string;
}

/**
 * An organization's invitations for its admins: a paginated list, and invite / inviteMany / revoke
 * mutations that update it optimistically, roll back on error and refetch when settled.
 */
export function useOrgInvitations(
  organizationId: string | null | undefined,
  options: UseOrgInvitationsOptions = {},
): UseOrgInvitationsResult {
  const { client, queryClient, scope } = useInvitekit();
  const status = statusList(options.status ?? 'pending');
  const pageSize = options.pageSize ?? 10;
  const orgId = organizationId ?? '';
  const [page, setPageState] = useState(Math.max(1, options.initialPage ?? 1));

  // A new organization or filter starts again at page 1 (state adjusted during render, not in an effect).
  const filterKey = JSON.stringify([orgId, status, pageSize]);
  const [seenFilter, setSeenFilter] = useState(filterKey);
  if (seenFilter !== filterKey) {
    setSeenFilter(filterKey);
    setPageState(1);
  }

  const query = useQuery(
    {
      queryKey: invitekitKeys.organizationInvitationsPage(scope, orgId, { status, pageSize, page }),
      queryFn: ({ signal }) =>
        client.listOrganizationInvitations(
          orgId,
          { status: status ?? undefined, limit: pageSize, offset: (page - 1) * pageSize },
          { signal },
        ),
      enabled: (options.enabled ?? true) && orgId !== '',
      placeholderData: (options.keepPreviousData ?? true) ? keepPrevious : undefined,
    },
    queryClient,
  );

  const totalCount = query.data?.total_count ?? 0;
  const pageCount = Math.max(1, Math.ceil(totalCount / pageSize));
  // After revoking the last row of the last page, step back to the page that still exists.
  useEffect(() => {
    if (query.isSuccess && !query.isPlaceholderData && page > pageCount) setPageState(pageCount);
  }, [query.isSuccess, query.isPlaceholderData, page, pageCount]);

  const listKey = invitekitKeys.organizationInvitations(scope, orgId);
  // Refetch when settled, without holding the mutation until the list is back (errors show at once).
  const settle = () => void queryClient.invalidateQueries({ queryKey: listKey });

  const addPending = (rows: OrganizationInvitation[]) =>
    patchPages<OrganizationInvitation>(queryClient, listKey, (data, filter) =>
      filter.page === 1 && shows(filter, 'pending')
        ? {
            data: [...rows, ...data.data].slice(0, filter.pageSize ?? pageSize),
            total_count: data.total_count + rows.length,
          }
        : data,
    );

  const invite = useMutation(
    {
      mutationFn: (params: CreateInvitationParams) => client.createOrganizationInvitation(orgId, params),
      onMutate: (params) => addPending([optimisticInvitation(orgId, params.email_address, params.role)]),
      onError: (_error, _params, snapshot) => restore(queryClient, snapshot),
      onSettled: settle,
    },
    queryClient,
  );

  const inviteMany = useMutation(
    {
      mutationFn: (params: CreateInvitationsParams) => client.createOrganizationInvitations(orgId, params),
      onMutate: (params) =>
        addPending(params.email_address.map((email) => optimisticInvitation(orgId, email, params.role))),
      onError: (_error, _params, snapshot) => restore(queryClient, snapshot),
      onSettled: settle,
    },
    queryClient,
  );

  const revoke = useMutation(
    {
      mutationFn: (invitationId: string) => client.revokeOrganizationInvitation(orgId, invitationId),
      onMutate: (invitationId) =>
        patchPages<OrganizationInvitation>(queryClient, listKey, (data, filter) => {
          if (!data.data.some((row) => row.id === invitationId)) return data;
          if (shows(filter, 'revoked')) {
            return {
              ...data,
              data: data.data.map((row) =>
                row.id === invitationId ? { ...row, status: 'revoked' as const } : row,
              ),
            };
          }
          return {
            data: data.data.filter((row) => row.id !== invitationId),
            total_count: Math.max(0, data.total_count - 1),
          };
        }),
      onError: (_error, _id, snapshot) => restore(queryClient, snapshot),
      onSettled: settle,
    },
    queryClient,
  );

  const update = useMutation(
    {
      mutationFn: ({ invitationId, ...params }: UpdateOrganizationInvitationVariables) =>
        client.updateOrganizationInvitation(orgId, invitationId, params),
      onMutate: ({ invitationId, role }) =>
        patchPages<OrganizationInvitation>(queryClient, listKey, (data) =>
          role && data.data.some((row) => row.id === invitationId)
            ? { ...data, data: data.data.map((row) => (row.id === invitationId ? { ...row, role } : row)) }
            : data,
        ),
      onError: (_error, _variables, snapshot) => restore(queryClient, snapshot),
      onSettled: settle,
    },
    queryClient,
  );

  const setPage = (next: number) => setPageState(Math.min(Math.max(1, Math.floor(next)), pageCount));
  const data: Page<OrganizationInvitation> | undefined = query.data;
  return {
    data: data?.data ?? [],
    totalCount,
    page,
    pageCount,
    hasNextPage: page < pageCount,
    hasPreviousPage: page > 1,
    fetchNext: () => setPage(page + 1),
    fetchPrevious: () => setPage(page - 1),
    setPage,
    isLoading: query.isLoading,
    isFetching: query.isFetching,
    isPlaceholderData: query.isPlaceholderData,
    error: query.error,
    refetch: () => void query.refetch(),
    invite,
    inviteMany,
    revoke,
    update,
  };
}
