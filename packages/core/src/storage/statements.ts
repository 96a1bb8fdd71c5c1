import type { Statement } from './database.js';

/**
 * Creates one organization invitation in one round trip, for the common single-create request: it reads
 * the organization, the inviter's membership and public data, checks that the address is not a member's,
 * and inserts only if all rules hold and no pending invitation holds the address (ON CONFLICT against the
 * partial unique index). No row back: no such organization. `inserted` false: a rule or the unique index
 * refused, and the general path in OrganizationInvitationsService names the reason.
 *
 * $1 organization_id, $2 id, $3 email_address (normalised), $4 role, $5 admin role keys,
 * $6 inviter_id (nullable), $7 public_metadata, $8 private_metadata (JSON text), $9 redirect_url,
 * $10 notify, $11 expires_at, $12 created_at (ms).
 */
export const createOrganizationInvitation: Statement = {
  name: 'invitekit_create_organization_invitation_v1',
  text: `
WITH ctx AS (
  SELECT m.role AS inviter_role,
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
    public_metadata, private_metadata, redirect_url, notify, expires_at, created_at, updated_at)
  SELECT $1::text, $2::text, $3::text, $4::text, 'pending', $6::text, $7::jsonb, $8::jsonb, $9::text,
    $10::boolean, $11::bigint, $12::bigint, $12::bigint
  FROM ctx
  WHERE NOT ctx.already_member AND ($6::text IS NULL OR ctx.inviter_role = ANY($5::text[]))
  ON CONFLICT DO NOTHING
  RETURNING oi.id
)
SELECT ctx.first_name, ctx.last_name, ctx.identifier, EXISTS (SELECT 1 FROM ins) AS inserted FROM ctx`,
};

export interface CreateOrganizationInvitationRow {
  first_name: string | null;
  last_name: string | null;
  identifier: string | null;
  inserted: boolean;
}
