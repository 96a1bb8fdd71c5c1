import type { Statement } from './database.js';
import { OUTBOX_INSERT } from './outbox-insert.js';
import type { InviterSqlColumns, OrganizationInvitationSqlRow } from './sql-rows.js';

/**
 * Creates organization invitations in one round trip and one transaction, each item on its own: for each,
 * it reads the organization, the inviter's membership and public data, checks that the address is not a
 * member's, and inserts only if all rules hold and no pending invitation holds the address (ON CONFLICT
 * against the partial unique index, which also sees the items inserted before it by this statement). An
 * organization with a membership quota (`max_allowed_memberships`) is left to the general path, which
 * counts under a lock. With each invitation go its `created` event (with its snapshot) and that event's outbox rows (the email, the
 * webhook deliveries). One row back per item, in order: `inserted` false means that there is no such
 * organization or that a rule or the unique index refused it, and the general path in
 * OrganizationInvitationsService names the reason.
 *
 * Several concurrent creates share one execution (storage/batcher.ts): the commit, the round trip
 * and the statement's fixed cost are paid once for all of them.
 *
 * The per-item lookups sit in a LATERAL subquery fenced with OFFSET 0, so that the one generic plan these
 * connections keep is index lookups per item, whatever the tables held when it was made. The snapshot is
 * the one `invitekit_organization_invitation_snapshot` (migration 0004) builds, built here from what was
 * already read: calling the SQL function planned its three lookups on every execution, about a seventh of
 * the statement's time. It comes back in `snapshot`, so that the process can send the email without
 * reading it again.
 *
 * $1 the items (jsonb array: organization_id, id, email_address (normalised), role, inviter_id,
 * public_metadata, private_metadata, redirect_url, notify, locale, default_locale, expires_at, created_at (ms), next_reminder_at, reminders, token_hash (hex),
 * event_id, event_data), $2 admin role keys, $3 outbox rows (the jsonb of services/effects.ts effectRows).
 */
export const createOrganizationInvitations: Statement = {
  name: 'invitekit_create_organization_invitations_v4',
  text: `
WITH ctx AS (
  SELECT j.n, r.*, c.*
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS j(item, n)
  CROSS JOIN LATERAL jsonb_to_record(j.item) AS r(organization_id text, id text, email_address text,
    role text, inviter_id text, public_metadata jsonb, private_metadata jsonb, redirect_url text, notify boolean,
    locale text, default_locale text, expires_at bigint, created_at bigint, next_reminder_at bigint, reminders boolean, token_hash text,
    event_id text, event_data jsonb)
  LEFT JOIN LATERAL (
    SELECT o.name AS organization_name,
           o.slug AS organization_slug,
           o.max_allowed_memberships,
           o.locale AS organization_locale,
           m.role AS inviter_role,
           u.id AS inviter_user_id,
           u.first_name,
           u.last_name,
           (SELECT e.email_address FROM email_addresses e WHERE e.id = u.primary_email_address_id) AS identifier,
           EXISTS (
             SELECT 1 FROM organization_memberships mm
             JOIN email_addresses me ON me.user_id = mm.user_id
             WHERE mm.organization_id = o.id AND me.email_address = r.email_address AND me.verified
           ) AS already_member
    FROM organizations o
    LEFT JOIN organization_memberships m ON m.organization_id = o.id AND m.user_id = r.inviter_id
    LEFT JOIN users u ON u.id = m.user_id
    WHERE o.id = r.organization_id
    OFFSET 0
  ) c ON true
), ins AS (
  INSERT INTO organization_invitations AS oi (organization_id, id, email_address, role, status, inviter_id,
    public_metadata, private_metadata, redirect_url, notify, locale, token_hash, expires_at, created_at, updated_at,
    next_reminder_at, reminders)
  SELECT organization_id, id, email_address, role, 'pending', inviter_id, public_metadata, private_metadata,
    redirect_url, notify, coalesce(locale, organization_locale, default_locale), decode(token_hash, 'hex'),
    expires_at, created_at, created_at, next_reminder_at, reminders
  FROM ctx
  WHERE organization_name IS NOT NULL AND NOT already_member AND max_allowed_memberships = 0
    AND (inviter_id IS NULL OR inviter_role = ANY($2::text[]))
  ORDER BY n
  ON CONFLICT DO NOTHING
  RETURNING oi.*
), ev AS (
  INSERT INTO invitation_events (id, invitation_id, organization_id, type, data, snapshot, created_at)
  SELECT ctx.event_id, ins.id, ins.organization_id, 'created', ctx.event_data,
    jsonb_build_object(
      'invitation', to_jsonb(ins) - 'token_hash' - 'reminder_token_hashes',
      'inviter', CASE WHEN ctx.inviter_user_id IS NOT NULL THEN jsonb_build_object('user_id', ctx.inviter_user_id,
        'first_name', ctx.first_name, 'last_name', ctx.last_name, 'identifier', ctx.identifier) END,
      'organization', jsonb_build_object('id', ins.organization_id, 'name', ctx.organization_name,
        'slug', ctx.organization_slug)),
    ins.created_at
  FROM ins JOIN ctx ON ctx.id = ins.id
  RETURNING id, invitation_id, snapshot
), ob AS (${OUTBOX_INSERT.head}$3${OUTBOX_INSERT.tail}
)
SELECT ctx.first_name, ctx.last_name, ctx.identifier,
  ev.invitation_id IS NOT NULL AS inserted, ev.snapshot
FROM ctx LEFT JOIN ev ON ev.invitation_id = ctx.id
ORDER BY ctx.n`,
};

/** One item of createOrganizationInvitations, as its $1 holds it. */
export interface CreateOrganizationInvitationItem {
  organization_id: string;
  id: string;
  email_address: string;
  role: string;
  inviter_id: string | null;
  public_metadata: Record<string, unknown>;
  private_metadata: Record<string, unknown>;
  redirect_url: string | null;
  notify: boolean;
  /** The invitation's own locale; null: the organization's, else `default_locale` (the configured one). */
  locale: string | null;
  default_locale: string;
  expires_at: number;
  created_at: number;
  /** Invitekit reminders: when the first one falls due, or null. */
  next_reminder_at: number | null;
  /** False when the create said `reminders: false` (kept, so that an edit never undoes it). */
  reminders: boolean;
  token_hash: string;
  event_id: string;
  event_data: Record<string, unknown>;
}

export interface CreateOrganizationInvitationRow {
  first_name: string | null;
  last_name: string | null;
  identifier: string | null;
  inserted: boolean;
  /** The `created` event's snapshot, when inserted. */
  snapshot: unknown;
}

/**
 * The first pages of organizations' invitations in the default order (newest first, no filters), with the
 * inviter's public data and the exact total from organization_invitation_counts: one page per item of $1,
 * several list requests in one round trip under load (storage/batcher.ts). Each result row is `n`, the
 * 1-based position of its item, and `page_row`, the invitation's row as one JSON value: one field to
 * parse per row instead of twenty (a tenth of the server's time per list went to node-postgres parsing
 * fields). Automatic invitations (verified domains) are not listed, as in Clerk. An item with no rows (an empty organization, a page past the end, or no
 * such organization) is answered by the general path.
 *
 * $1 the pages (jsonb array: organization_id, limit, offset).
 */
export const listOrganizationInvitationPages: Statement = {
  name: 'invitekit_list_organization_invitation_pages_v3',
  text: `
SELECT j.n, to_json(x) AS page_row
FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS j(item, n)
CROSS JOIN LATERAL jsonb_to_record(j.item) AS q(organization_id text, "limit" int, "offset" int)
CROSS JOIN LATERAL (
  SELECT oi.organization_id, oi.id, oi.email_address, oi.role, oi.status, oi.inviter_id, oi.public_metadata,
         oi.private_metadata, oi.redirect_url, oi.notify, oi.locale, oi.expires_at, oi.created_at, oi.updated_at,
         u.id AS inviter_user_id, u.first_name AS inviter_first_name, u.last_name AS inviter_last_name,
         (SELECT e.email_address FROM email_addresses e WHERE e.id = u.primary_email_address_id) AS inviter_identifier,
         (SELECT coalesce(sum(c.total), 0) FROM organization_invitation_counts c
          WHERE c.organization_id = q.organization_id)::int AS total_count
  FROM organization_invitations oi
  LEFT JOIN users u ON u.id = oi.inviter_id
  WHERE oi.organization_id = q.organization_id AND oi.organization_domain_id IS NULL
  ORDER BY oi.created_at DESC, oi.id DESC
  LIMIT q."limit" OFFSET q."offset"
) x
ORDER BY j.n, x.created_at DESC, x.id DESC`,
};

export interface ListOrganizationInvitationsRow extends OrganizationInvitationSqlRow, InviterSqlColumns {
  total_count: number;
}

/** One result row of listOrganizationInvitationPages. */
export interface ListOrganizationInvitationPagesRow {
  /** The position of the page's item in $1. */
  n: number | string;
  page_row: ListOrganizationInvitationsRow;
}
