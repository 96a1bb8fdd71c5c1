'use client';

import {
  type ApplicationInvitation,
  type InvitationPreview,
  isInvitekitApiError,
  type OrganizationInvitationWithOrganization,
} from '@invitekit/client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useInvitekit } from './context.js';
import { invitekitKeys } from './keys.js';

/**
 * Where an accept page stands:
 * - `loading`: the preview is on its way
 * - `pending`: ready to accept; `accepting` while the accept request runs
 * - `accepted`: accepted just now by this user
 * - `already_accepted`, `revoked`, `expired`: the link no longer works
 * - `invalid`: no such invitation (a wrong or tampered token, or none)
 * - `wrong_account`: the signed-in user's verified addresses do not include the invited one
 * - `signed_out`: accepting needs a signed-in user
 * - `error`: anything else (network, server); see `error`
 */
export type InvitationState =
  | 'loading'
  | 'pending'
  | 'accepting'
  | 'accepted'
  | 'already_accepted'
  | 'revoked'
  | 'expired'
  | 'invalid'
  | 'wrong_account'
  | 'signed_out'
  | 'error';

export interface UseInvitationResult {
  state: InvitationState;
  /** What the link leads to (organization, role, inviter, masked address), once loaded. */
  preview: InvitationPreview | undefined;
  /**
   * Accepts as the signed-in user. Never rejects: the outcome shows in `state` (and `error`); resolves
   * with the accepted invitation, or undefined.
   */
  accept(): Promise<OrganizationInvitationWithOrganization | ApplicationInvitation | undefined>;
  /** The error behind `wrong_account`, `signed_out`, `invalid` or `error` (an InvitekitApiError when the API answered). */
  error: Error | null;
  refetch(): void;
}

const notPendingState = (status: unknown): InvitationState | null =>
  status === 'accepted' ? 'already_accepted' : status === 'revoked' || status === 'expired' ? status : null;

function stateOfError(error: unknown): InvitationState {
  if (!isInvitekitApiError(error)) return 'error';
  switch (error.code) {
    case 'invitation_token_invalid':
      return 'invalid';
    case 'invitation_email_mismatch':
      return 'wrong_account';
    case 'authentication_invalid':
      return 'signed_out';
    case 'invitation_not_pending':
      return notPendingState(error.meta.status) ?? 'error';
    default:
      return 'error';
  }
}

/** An accept page: the preview behind an invitation link's token, `accept()`, and where things stand. */
export function useInvitation(token: string | null | undefined): UseInvitationResult {
  const { client, queryClient, scope } = useInvitekit();
  const key = token ?? '';
  const preview = useQuery(
    {
      queryKey: invitekitKeys.preview(scope, key),
      queryFn: ({ signal }) => client.previewTicket(key, { signal }),
      enabled: key !== '',
      // An answer from the API (expired, unknown token) will not change by asking again.
      retry: (failures, error) => !(isInvitekitApiError(error) && error.status < 500) && failures < 2,
    },
    queryClient,
  );
  const accepting = useMutation(
    {
      mutationFn: () => client.acceptTicket(key),
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: invitekitKeys.all(scope) });
      },
    },
    queryClient,
  );

  let state: InvitationState;
  if (key === '') state = 'invalid';
  else if (accepting.isPending) state = 'accepting';
  else if (accepting.isSuccess) state = 'accepted';
  else if (accepting.isError) state = stateOfError(accepting.error);
  else if (preview.isPending) state = 'loading';
  else if (preview.isError) state = stateOfError(preview.error);
  else state = notPendingState(preview.data.status) ?? 'pending';

  return {
    state,
    preview: preview.data,
    accept: () => accepting.mutateAsync().catch(() => undefined),
    error: accepting.error ?? preview.error,
    refetch: () => void preview.refetch(),
  };
}
