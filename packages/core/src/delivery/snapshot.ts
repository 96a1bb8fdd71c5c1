import type { Metadata } from '../domain/metadata.js';
import type {
  ApplicationInvitation,
  OrganizationInvitation,
  PublicOrganizationData,
} from '../domain/models.js';
import { effectiveStatus } from '../domain/status.js';
import { type OrganizationInvitationSqlRow, organizationInvitationFromSql } from '../storage/sql-rows.js';

/**
 * What an event remembers (migration 0004): the invitation's row as snake_case JSON (never the token
 * hash) and, for organization invitations, the inviter's and organization's public data at that moment.
 */
export interface EventSnapshot {
  invitation: Record<string, unknown>;
  inviter?: {
    user_id: string;
    first_name: string | null;
    last_name: string | null;
    identifier: string | null;
  } | null;
  organization?: { id: string; name: string; slug: string } | null;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const meta = (v: unknown) => (v && typeof v === 'object' ? (v as Metadata) : {});

/**
 * The invitation an event describes, as the service layer's domain object, so the one serializer
 * (wire/serialize.ts) builds webhook payloads too. `url` is always null: a webhook never carries a token.
 * The status is the one stored at the event, read at the event's time (a pending invitation past expiry
 * reads `expired`, as everywhere).
 */
export function invitationFromSnapshot(
  snapshot: EventSnapshot,
  at: number,
):
  | { organizationInvitation: OrganizationInvitation; organization: PublicOrganizationData | null }
  | {
      applicationInvitation: ApplicationInvitation;
    } {
  const row = snapshot.invitation;
  if (row.organization_id != null) {
    const inviter = snapshot.inviter;
    return {
      organizationInvitation: organizationInvitationFromSql(
        row as unknown as OrganizationInvitationSqlRow,
        inviter
          ? {
              userId: inviter.user_id,
              firstName: inviter.first_name,
              lastName: inviter.last_name,
              identifier: inviter.identifier,
            }
          : null,
        at,
      ),
      organization: snapshot.organization ?? null,
    };
  }
  const expiresAt = num(row.expires_at)!;
  return {
    applicationInvitation: {
      id: String(row.id),
      emailAddress: String(row.email_address),
      status: effectiveStatus(String(row.status), expiresAt, at),
      publicMetadata: meta(row.public_metadata),
      redirectUrl: str(row.redirect_url),
      notify: row.notify !== false,
      locale: str(row.locale),
      url: null,
      expiresAt,
      createdAt: num(row.created_at)!,
      updatedAt: num(row.updated_at)!,
    },
  };
}
