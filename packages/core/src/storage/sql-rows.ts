import type { Metadata } from '../domain/metadata.js';
import type { OrganizationInvitation, PublicUserData } from '../domain/models.js';
import { effectiveStatus } from '../domain/status.js';

/** Both drivers answer `execute` with `{ rows }`. */
export const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/**
 * An organization invitation's columns as hand-written SQL returns them: snake_case, and int8 as a string
 * (node-postgres) or a number (PGlite, and jsonb snapshots). Shared by the prepared list and accept
 * statements and by event snapshots, so all three map to the domain object in one place.
 */
export interface OrganizationInvitationSqlRow {
  organization_id: string;
  id: string;
  email_address: string;
  role: string;
  status: string;
  inviter_id: string | null;
  public_metadata: Metadata;
  private_metadata: Metadata;
  redirect_url: string | null;
  notify: boolean;
  /** Absent from rows read before migration 0012_locale (old event snapshots). */
  locale?: string | null;
  expires_at: string | number;
  created_at: string | number;
  updated_at: string | number;
}

/** The inviter's public data, as the prepared statements select it next to the invitation. */
export interface InviterSqlColumns {
  inviter_user_id: string | null;
  inviter_first_name: string | null;
  inviter_last_name: string | null;
  inviter_identifier: string | null;
}

export const inviterFromSql = (r: InviterSqlColumns): PublicUserData | null =>
  r.inviter_user_id
    ? {
        userId: r.inviter_user_id,
        firstName: r.inviter_first_name,
        lastName: r.inviter_last_name,
        identifier: r.inviter_identifier,
      }
    : null;

/** The domain object for an SQL row; `now` decides whether a pending invitation reads `expired`. */
export function organizationInvitationFromSql(
  r: OrganizationInvitationSqlRow,
  inviter: PublicUserData | null,
  now: number,
  url: string | null = null,
): OrganizationInvitation {
  const expiresAt = Number(r.expires_at);
  return {
    id: r.id,
    organizationId: r.organization_id,
    emailAddress: r.email_address,
    role: r.role,
    status: effectiveStatus(r.status, expiresAt, now),
    inviterId: r.inviter_id,
    inviter,
    publicMetadata: r.public_metadata ?? {},
    privateMetadata: r.private_metadata ?? {},
    redirectUrl: r.redirect_url,
    notify: r.notify !== false,
    locale: r.locale ?? null,
    url,
    expiresAt,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
