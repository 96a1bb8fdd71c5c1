'use client';

import type { OrganizationSuggestion } from '@invitekit/client';
import { type UseMutationResult, useMutation, useQuery } from '@tanstack/react-query';
import { useInvitekit } from './context.js';
import { invitekitKeys } from './keys.js';

export interface UseOrganizationSuggestionsOptions {
  /** Default `'pending'`; `'all'` lists accepted ones too. */
  status?: 'pending' | 'accepted' | 'all';
  /** Default 10. */
  pageSize?: number;
  enabled?: boolean;
}

export interface UseOrganizationSuggestionsResult {
  data: OrganizationSuggestion[];
  totalCount: number;
  isLoading: boolean;
  error: Error | null;
  refetch(): void;
  /** Accepts a suggestion (by id): a membership request goes to the organization's admins. */
  accept: UseMutationResult<OrganizationSuggestion, Error, string>;
}

/** Organizations the signed-in user may ask to join: their verified address is at a suggesting domain. */
export function useOrganizationSuggestions(
  options: UseOrganizationSuggestionsOptions = {},
): UseOrganizationSuggestionsResult {
  const { client, queryClient, scope } = useInvitekit();
  const status = options.status ?? 'pending';
  const pageSize = options.pageSize ?? 10;
  const query = useQuery(
    {
      queryKey: [...invitekitKeys.mySuggestions(scope), { status, pageSize }],
      queryFn: ({ signal }) =>
        client.listMySuggestions(
          { status: status === 'all' ? undefined : status, limit: pageSize },
          { signal },
        ),
      enabled: options.enabled ?? true,
    },
    queryClient,
  );
  const accept = useMutation(
    {
      mutationFn: (suggestionId: string) => client.acceptMySuggestion(suggestionId),
      onSettled: () => void queryClient.invalidateQueries({ queryKey: invitekitKeys.mySuggestions(scope) }),
    },
    queryClient,
  );
  return {
    data: query.data?.data ?? [],
    totalCount: query.data?.total_count ?? 0,
    isLoading: query.isLoading,
    error: query.error,
    refetch: () => void query.refetch(),
    accept,
  };
}
