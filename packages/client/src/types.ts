import type { JoinLinkUse, OrganizationInvitation } from './wire.gen.js';

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

export interface ListJoinLinkUsesParams extends ListParams {
  /** One status or several (sent comma-separated). */
  status?: JoinLinkUse['status'] | readonly JoinLinkUse['status'][];
}
