import type { Statement } from './database.js';
import { OUTBOX_INSERT } from './outbox-insert.js';
import type { InviterSqlColumns, OrganizationInvitationSqlRow } from './sql-rows.js';

/**
 * Accepts one organization invitation in one round trip, all or nothing (one statement is one
 * transaction): the conditional update (pending, unexpired, still this token, current or one a reminder
 * replaced, and, unless former admins' invitations are kept, an inviter who is still an admin), the
 * membership with the invitation's role and both metadata, the `accepted` event with its snapshot, and
 * the event's outbox rows; then the accepted invitation with its inviter's and organization's public data.
 * No row back: nothing was accepted (the caller reads why). A member already there fails the statement
 * with a unique violation on organization_memberships_user_uidx, a user missing from the directory with a
 * foreign-key violation; either way nothing is written.
 *
 * $1 organization_id, $2 invitation id, $3 now (ms), $4 the token hash it matched, as hex (null: accept by
 * id), $5 user id, $6 membership id, $7 keep invitations of former admins, $8 admin role keys, $9 event
 * rows, $10 outbox rows (the jsonb of services/effects.ts effectRows).
 */
export const acceptOrganizationInvitation: Statement = {
  name: 'invitekit_accept_organization_invitation_v4',
  text: `
WITH inv AS (
  UPDATE organization_invitations AS oi
  SET status = 'accepted', token_hash = NULL, updated_at = $3::bigint
  WHERE oi.organization_id = $1::text AND oi.id = $2::text
    AND oi.status = 'pending' AND oi.expires_at > $3::bigint
    AND ($4::text IS NULL OR oi.token_hash = decode($4::text, 'hex')
      OR decode($4::text, 'hex') = ANY(oi.reminder_token_hashes))
    AND ($7::boolean OR oi.inviter_id IS NULL OR EXISTS (
      SELECT 1 FROM organization_memberships im
      WHERE im.organization_id = oi.organization_id AND im.user_id = oi.inviter_id
        AND im.role = ANY($8::text[])))
  RETURNING oi.*
), mem AS (
  INSERT INTO organization_memberships (organization_id, id, user_id, role, public_metadata,
    private_metadata, created_at, updated_at)
  SELECT inv.organization_id, $6::text, $5::text, inv.role, inv.public_metadata, inv.private_metadata,
    $3::bigint, $3::bigint
  FROM inv
  RETURNING id
), ev AS (
  INSERT INTO invitation_events (id, invitation_id, organization_id, type, data, snapshot, created_at)
  SELECT s.id, inv.id, inv.organization_id, s.type, s.data,
    invitekit_organization_invitation_snapshot(to_jsonb(inv)), s.created_at
  FROM inv, jsonb_to_recordset($9::jsonb) AS s(id text, type text, data jsonb, created_at bigint)
  RETURNING id
), ob AS (${OUTBOX_INSERT.head}$10${OUTBOX_INSERT.tail}
)
SELECT inv.organization_id, inv.id, inv.email_address, inv.role, inv.status, inv.inviter_id,
       inv.public_metadata, inv.private_metadata, inv.redirect_url, inv.notify, inv.locale, inv.expires_at,
       inv.created_at, inv.updated_at,
       u.id AS inviter_user_id, u.first_name AS inviter_first_name, u.last_name AS inviter_last_name,
       (SELECT e.email_address FROM email_addresses e WHERE e.id = u.primary_email_address_id) AS inviter_identifier,
       o.name AS organization_name, o.slug AS organization_slug,
       (SELECT count(*) FROM mem)::int AS memberships
FROM inv
JOIN organizations o ON o.id = inv.organization_id
LEFT JOIN users u ON u.id = inv.inviter_id`,
};

export interface AcceptOrganizationInvitationRow extends OrganizationInvitationSqlRow, InviterSqlColumns {
  organization_name: string;
  organization_slug: string;
  memberships: number;
}
