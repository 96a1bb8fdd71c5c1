'use client';

import { isInvitekitApiError, type JoinLinkJoin, type JoinLinkPreview } from '@invitekit/client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useInvitekit } from './context.js';
import { invitekitKeys } from './keys.js';

/**
 * Where a join page stands:
 * - `loading`: the preview is on its way
 * - `active`: ready to join; `joining` while the join request runs
 * - `joined`: a member now; `requested`: waiting for an admin to approve
 * - `revoked`, `expired`, `used_up`: the link no longer works
 * - `invalid`: no such link (a wrong or tampered token, or none)
 * - `not_allowed`: the signed-in user has no verified address the link admits
 * - `already_member`: the signed-in user is a member already (or has used this link)
 * - `signed_out`: joining needs a signed-in user
 * - `error`: anything else (network, server, membership quota); see `error`
 */
export type JoinLinkState =
  | 'loading'
  | 'active'
  | 'joining'
  | 'joined'
  | 'requested'
  | 'revoked'
  | 'expired'
  | 'used_up'
  | 'invalid'
  | 'not_allowed'
  | 'already_member'
  | 'signed_out'
  | 'error';

export interface UseJoinLinkResult {
  state: JoinLinkState;
  /** What the link offers (organization, role, approval, allowed domains), once loaded. */
  preview: JoinLinkPreview | undefined;
  /** Joins as the signed-in user. Never rejects: the outcome shows in `state` (and `error`). */
  join(): Promise<JoinLinkJoin | undefined>;
  error: Error | null;
  refetch(): void;
}

const closed = (status: unknown): JoinLinkState | null =>
  status === 'revoked' || status === 'expired' || status === 'used_up' ? status : null;

function stateOfError(error: unknown): JoinLinkState {
  if (!isInvitekitApiError(error)) return 'error';
  switch (error.code) {
    case 'join_link_token_invalid':
      return 'invalid';
    case 'join_link_not_active':
      return closed(error.meta.status) ?? 'error';
    case 'join_link_email_not_allowed':
      return 'not_allowed';
    case 'already_a_member_in_organization':
    case 'duplicate_record':
      return 'already_member';
    case 'authentication_invalid':
      return 'signed_out';
    default:
      return 'error';
  }
}

/** Invitekit extension: a join page: the preview behind a join link's token, `join()`, and where things stand. */
export function useJoinLink(token: string | null | undefined): UseJoinLinkResult {
  const { client, queryClient, scope } = useInvitekit();
  const key = token ?? '';
  const preview = useQuery(
    {
      queryKey: invitekitKeys.joinLinkPreview(scope, key),
      queryFn: ({ signal }) => client.previewJoinLink(key, { signal }),
      enabled: key !== '',
      retry: (failures, error) => !(isInvitekitApiError(error) && error.status < 500) && failures < 2,
    },
    queryClient,
  );
  const joining = useMutation(
    {
      mutationFn: () => client.acceptJoinLink(key),
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: invitekitKeys.all(scope) }),
    },
    queryClient,
  );

  let state: JoinLinkState;
  if (key === '') state = 'invalid';
  else if (joining.isPending) state = 'joining';
  else if (joining.isSuccess) state = joining.data.status === 'pending' ? 'requested' : 'joined';
  else if (joining.isError) state = stateOfError(joining.error);
  else if (preview.isPending) state = 'loading';
  else if (preview.isError) state = stateOfError(preview.error);
  else state = closed(preview.data.status) ?? 'active';

  return {
    state,
    preview: preview.data,
    join: () => joining.mutateAsync().catch(() => undefined),
    error: joining.error ?? preview.error,
    refetch: () => void preview.refetch(),
  };
}
