import { OUTBOX_INSERT } from '../services/effects.js';
import type { Statement } from './database.js';
import type { InviterSqlColumns, OrganizationInvitationSqlRow } from './sql-rows.js';

/**
 * Creates one organization invitation in one round trip, for the common single-create request: it reads
 * the organization, the inviter's membership and public data, checks that the address is not a member's,
 * and inserts only if all rules hold and no pending invitation holds the address (ON CONFLICT against the
 * partial unique index); with the invitation, its `created` event (with its snapshot) and that event's
 * outbox rows (the email, the webhook deliveries), all or none. No row back: no such organization.
 * `inserted` false: a rule or the unique index refused, and the general path in
 * OrganizationInvitationsService names the reason.
 *
 * The snapshot is the one `invitekit_organization_invitation_snapshot` (migration 0004) builds, built here
 * from what `ctx` already read: calling the SQL function planned its three lookups on every execution,
 * which cost about a seventh of this statement's time. It comes back in `snapshot`, so that the process
 * can send the email without reading it again.
 *
 * $1 organization_id, $2 id, $3 email_address (normalised), $4 role, $5 admin role keys,
 * $6 inviter_id (nullable), $7 public_metadata, $8 private_metadata (JSON text), $9 redirect_url,
 * $10 notify, $11 expires_at, $12 created_at (ms), $13 token_hash (hex text: both drivers pass text
 * parameters alike), $14 event rows, $15 outbox rows (the jsonb of services/effects.ts effectRows).
 */
export const createOrganizationInvitation: Statement = {
  name: 'invitekit_create_organization_invitation_v3',
  text: `
WITH ctx AS (
  SELECT o.name AS organization_name,
         o.slug AS organization_slug,
         m.role AS inviter_role,
         u.id AS inviter_user_id,
         u.first_name,
         u.last_name,
         (SELECT e.email_address FROM email_addresses e WHERE e.id = u.primary_email_address_id) AS identifier,
         EXISTS (
           SELECT 1 FROM organization_memberships mm
           JOIN email_addresses me ON me.user_id = mm.user_id
           WHERE mm.organization_id = o.id AND me.email_address = $3::text
         ) AS already_member
  FROM organizations o
  LEFT JOIN organization_memberships m ON m.organization_id = o.id AND m.user_id = $6::text
  LEFT JOIN users u ON u.id = m.user_id
  WHERE o.id = $1::text
), ins AS (
  INSERT INTO organization_invitations AS oi (organization_id, id, email_address, role, status, inviter_id,
    public_metadata, private_metadata, redirect_url, notify, token_hash, expires_at, created_at, updated_at)
  SELECT $1::text, $2::text, $3::text, $4::text, 'pending', $6::text, $7::jsonb, $8::jsonb, $9::text,
    $10::boolean, decode($13::text, 'hex'), $11::bigint, $12::bigint, $12::bigint
  FROM ctx
  WHERE NOT ctx.already_member AND ($6::text IS NULL OR ctx.inviter_role = ANY($5::text[]))
  ON CONFLICT DO NOTHING
  RETURNING oi.*
), ev AS (
  INSERT INTO invitation_events (id, invitation_id, organization_id, type, data, snapshot, created_at)
  SELECT s.id, ins.id, ins.organization_id, s.type, s.data,
    jsonb_build_object(
      'invitation', to_jsonb(ins) - 'token_hash',
      'inviter', CASE WHEN ctx.inviter_user_id IS NOT NULL THEN jsonb_build_object('user_id', ctx.inviter_user_id,
        'first_name', ctx.first_name, 'last_name', ctx.last_name, 'identifier', ctx.identifier) END,
      'organization', jsonb_build_object('id', ins.organization_id, 'name', ctx.organization_name,
        'slug', ctx.organization_slug)),
    s.created_at
  FROM ins, ctx, jsonb_to_recordset($14::jsonb) AS s(id text, type text, data jsonb, created_at bigint)
  RETURNING id, snapshot
), ob AS (${OUTBOX_INSERT.head}$15${OUTBOX_INSERT.tail}
)
SELECT ctx.first_name, ctx.last_name, ctx.identifier, EXISTS (SELECT 1 FROM ins) AS inserted,
  (SELECT ev.snapshot FROM ev LIMIT 1) AS snapshot
FROM ctx`,
};

export interface CreateOrganizationInvitationRow {
  first_name: string | null;
  last_name: string | null;
  identifier: string | null;
  inserted: boolean;
  /** The `created` event's snapshot, when inserted. */
  snapshot: unknown;
}

/**
 * The first pages of an organization's invitations in the default order (newest first, no filters),
 * with the inviter's public data and the exact total from organization_invitation_counts, in one round
 * trip. No rows back (an empty organization, a page past the end, or no such organization): the general
 * path answers.
 *
 * $1 organization_id, $2 limit, $3 offset.
 */
export const listOrganizationInvitations: Statement = {
  name: 'invitekit_list_organization_invitations_v1',
  text: `
SELECT oi.organization_id, oi.id, oi.email_address, oi.role, oi.status, oi.inviter_id, oi.public_metadata,
       oi.private_metadata, oi.redirect_url, oi.notify, oi.expires_at, oi.created_at, oi.updated_at,
       u.id AS inviter_user_id, u.first_name AS inviter_first_name, u.last_name AS inviter_last_name,
       (SELECT e.email_address FROM email_addresses e WHERE e.id = u.primary_email_address_id) AS inviter_identifier,
       (SELECT coalesce(sum(c.total), 0) FROM organization_invitation_counts c
        WHERE c.organization_id = $1::text)::int AS total_count
FROM organization_invitations oi
LEFT JOIN users u ON u.id = oi.inviter_id
WHERE oi.organization_id = $1::text
ORDER BY oi.created_at DESC, oi.id DESC
LIMIT $2::int OFFSET $3::int`,
};

export interface ListOrganizationInvitationsRow extends OrganizationInvitationSqlRow, InviterSqlColumns {
  total_count: number;
}
