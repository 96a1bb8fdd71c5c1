import type { OrganizationInvitation } from './wire.gen.js';

export type InvitationStatus = OrganizationInvitation['status'];

/** A page of a list, as the API sends it: `{ data, total_count }`. */
export interface Page<T> {
  data: T[];
  total_count: number;
}

export interface ListParams {
  /** 1–500, default 10. */
  limit?: number;
  offset?: number;
}

export interface ListInvitationsParams extends ListParams {
  /** One status or several (sent comma-separated). */
  status?: InvitationStatus | readonly InvitationStatus[];
}

export interface CreateInvitationParams {
  email_address: string;
  /** A role key configured on the server, e.g. `org:member`. */
  role: string;
  /** Email the invitee (default true). */
  notify?: boolean;
}

export interface CreateInvitationsParams {
  /** 1–10 addresses; all or nothing. */
  email_address: string[];
  role: string;
  notify?: boolean;
}

/**
 * What anyone holding an invitation link may see before accepting: enough to render the accept page,
 * with the address masked (`b**@example.com`). Answered by `POST /frontend/v1/tickets/preview`.
 */
export interface InvitationPreview {
  object: 'invitation_preview';
  kind: 'organization' | 'application';
  invitation_id: string;
  status: InvitationStatus;
  /** Masked. */
  email_address: string;
  role: string | null;
  role_name: string | null;
  organization: { id: string; name: string; slug: string } | null;
  inviter: { first_name: string | null; last_name: string | null } | null;
  expires_at: number | null;
}
