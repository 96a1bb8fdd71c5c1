import type { InvitationImportRow, JoinLinkUse, OrganizationInvitation } from './wire.gen.js';

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

/** One row of an import (Invitekit extension): JSON rows, or the columns of a CSV file. */
export interface ImportRow {
  email_address: string;
  /** Default: the import's `role` option. */
  role?: string;
  public_metadata?: Record<string, unknown>;
  /** Backend API only in spirit: it is stored on the invitation, never shown to the browser. */
  private_metadata?: Record<string, unknown>;
  /** A BCP 47 tag, e.g. `pt-BR`. */
  locale?: string;
}

/** A row of a Frontend API import: no metadata, which is the backend's to set (the server answers 422). */
export type FrontendImportRow = Omit<ImportRow, 'public_metadata' | 'private_metadata'>;

/** An import's options (sent in the query string). */
export interface ImportOptions {
  /** The role of rows that have none. */
  role?: string;
  /** Email the invitees (default true). */
  notify?: boolean;
  redirect_url?: string;
  expires_in_days?: number;
}

/** Paging and filtering an import's rows. */
export interface ImportRowsParams extends ListParams {
  result?: InvitationImportRow['result'] | readonly NonNullable<InvitationImportRow['result']>[];
}
