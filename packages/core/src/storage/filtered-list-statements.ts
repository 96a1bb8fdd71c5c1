import type { Statement } from './database.js';
import type { InviterSqlColumns, OrganizationInvitationSqlRow } from './sql-rows.js';

const COLUMNS = `oi.organization_id, oi.id, oi.email_address, oi.role, oi.status, oi.inviter_id, oi.public_metadata,
  oi.private_metadata, oi.redirect_url, oi.notify, oi.locale, oi.expires_at, oi.created_at, oi.updated_at`;

/**
 * `expires_at <= now` as a range with an always-true lower bound: a generic plan estimates an open range on a
 * parameter at a third of the index, which priced these arms so high (×100 jsonb items) that every execution
 * paid over a second of JIT compilation; a closed range is estimated at 0.5%.
 */
const PAST_EXPIRY = (q: string) => `oi.expires_at <= ${q}.now AND oi.expires_at >= -9223372036854775808`;

/**
 * The first pages of organizations' invitations filtered by one status or by one exact address, newest
 * first, with the inviter's public data and the exact total: one page per item of $1, several list requests
 * in one round trip under load (storage/batcher.ts), as listOrganizationInvitationPages does for the
 * unfiltered list. Automatic invitations (verified domains) are not listed.
 *
 * Each filter is its own arm, switched on and off by the item (one-time filters), so that the one generic
 * plan reads an index in order for each: (organization_id, status, created_at) for a stored status; for
 * `expired`, the stored `expired` rows in order plus the pending rows past `expires_at` (not yet swept: few
 * while the sweeper keeps up) through organization_invitations_pending_expiry_idx; (organization_id,
 * email_address, created_at) for an address. The total of a status comes from organization_invitation_counts
 * by stored status (migration 0017), corrected by the pending rows past `expires_at`; the total of an
 * address is a count of its few rows. An item with no rows (an empty result, a page past the end, or no such
 * organization) is answered by the general path.
 *
 * $1 the pages (jsonb array: organization_id, status (null with email_address), email_address (normalised,
 * null with status), limit, offset, now (ms)).
 */
export const listFilteredOrganizationInvitationPages: Statement = {
  name: 'invitekit_list_filtered_organization_invitation_pages_v1',
  text: `
WITH q AS MATERIALIZED (
  SELECT j.n, r.*, (CASE
    WHEN r.email_address IS NOT NULL THEN
      (SELECT count(*) FROM organization_invitations oi WHERE oi.organization_id = r.organization_id
         AND oi.email_address = r.email_address AND oi.organization_domain_id IS NULL)
    ELSE
      (SELECT coalesce(sum(CASE r.status WHEN 'pending' THEN c.pending WHEN 'accepted' THEN c.accepted
                                         WHEN 'revoked' THEN c.revoked WHEN 'expired' THEN c.expired END), 0)
       FROM organization_invitation_counts c WHERE c.organization_id = r.organization_id)
      + CASE WHEN r.status IN ('pending', 'expired') THEN
          (CASE r.status WHEN 'pending' THEN -1 ELSE 1 END) *
          (SELECT count(*) FROM organization_invitations oi WHERE oi.status = 'pending' AND ${PAST_EXPIRY('r')}
             AND (oi.organization_id || '') = r.organization_id AND oi.organization_domain_id IS NULL)
        ELSE 0 END
  END)::int AS total_count
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS j(item, n)
  CROSS JOIN LATERAL jsonb_to_record(j.item) AS r(organization_id text, status text, email_address text,
    "limit" int, "offset" int, now bigint)
)
SELECT q.n, x.*, q.total_count
FROM q
CROSS JOIN LATERAL (
  SELECT p.*, u.id AS inviter_user_id, u.first_name AS inviter_first_name, u.last_name AS inviter_last_name,
         (SELECT e.email_address FROM email_addresses e WHERE e.id = u.primary_email_address_id) AS inviter_identifier
  FROM (
    (SELECT ${COLUMNS} FROM organization_invitations oi
     WHERE q.email_address IS NULL AND q.status IN ('pending', 'accepted', 'revoked')
       AND oi.organization_id = q.organization_id AND oi.status = q.status AND oi.organization_domain_id IS NULL
       AND (q.status <> 'pending' OR oi.expires_at > q.now)
     ORDER BY oi.created_at DESC, oi.id DESC LIMIT q."limit" + q."offset")
    UNION ALL
    (SELECT ${COLUMNS} FROM organization_invitations oi
     WHERE q.email_address IS NULL AND q.status = 'expired'
       AND oi.organization_id = q.organization_id AND oi.status = 'expired' AND oi.organization_domain_id IS NULL
     ORDER BY oi.created_at DESC, oi.id DESC LIMIT q."limit" + q."offset")
    UNION ALL
    (SELECT ${COLUMNS} FROM organization_invitations oi
     WHERE q.email_address IS NULL AND q.status = 'expired'
       AND oi.status = 'pending' AND ${PAST_EXPIRY('q')} AND (oi.organization_id || '') = q.organization_id
       AND oi.organization_domain_id IS NULL)
    UNION ALL
    (SELECT ${COLUMNS} FROM organization_invitations oi
     WHERE q.email_address IS NOT NULL AND q.status IS NULL
       AND oi.organization_id = q.organization_id AND oi.email_address = q.email_address
       AND oi.organization_domain_id IS NULL
     ORDER BY oi.created_at DESC, oi.id DESC LIMIT q."limit" + q."offset")
  ) p
  LEFT JOIN users u ON u.id = p.inviter_id
  ORDER BY p.created_at DESC, p.id DESC
  LIMIT q."limit" OFFSET q."offset"
) x
ORDER BY q.n, x.created_at DESC, x.id DESC`,
};

/** One item of listFilteredOrganizationInvitationPages: exactly one of `status` and `email_address`. */
export interface FilteredPageItem {
  organization_id: string;
  status: 'pending' | 'accepted' | 'revoked' | 'expired' | null;
  email_address: string | null;
  limit: number;
  offset: number;
  now: number;
}

/**
 * The end of the person and search statements: for each item of `m` (n, total_count, page: the page's keys
 * in order), its total and its page's rows by key, with their organizations' and inviters' public data; an
 * item whose page is empty yields one row of its total with null columns.
 */
const pageRowsWithOrganization = (key: 'id' | 'ctid') => `
SELECT m.n, m.total_count, x.*
FROM m
LEFT JOIN LATERAL (
  SELECT k.ord, ${COLUMNS}, o.name AS organization_name, o.slug AS organization_slug,
         u.id AS inviter_user_id, u.first_name AS inviter_first_name, u.last_name AS inviter_last_name,
         (SELECT e.email_address FROM email_addresses e WHERE e.id = u.primary_email_address_id) AS inviter_identifier
  FROM unnest(m.page) WITH ORDINALITY AS k(page_key, ord)
  JOIN organization_invitations oi ON oi.${key} = k.page_key
  JOIN organizations o ON o.id = oi.organization_id
  LEFT JOIN users u ON u.id = oi.inviter_id
) x ON true
ORDER BY m.n, x.ord`;

/**
 * At most this many items per execution of listPersonOrganizationInvitationPages. The planner takes a
 * set-returning function for 100 rows; bounded by a LIMIT, the generic plan is priced for the batch it
 * runs (the prepared statements' connections also run without JIT, storage/database.ts).
 */
export const PERSON_PAGES_MAX = 16;

/**
 * Pages of a person's organization invitations (sent to any of their verified addresses, or to the
 * addresses given), newest first, optionally filtered by statuses, with the inviter's and the
 * organization's public data and the exact total: one page per item of $1, batched under load. The
 * person's addresses lead (email_addresses_user_idx), then organization_invitations_email_idx, which holds
 * the order, the id and every column a filter reads: the total and the page's ids are one aggregate over an
 * index-only scan of that person's entries, whatever the table holds, and only the page's rows are read
 * from the table (by id). Every item yields at least one row: its total, with null columns when the page is
 * empty (none, or a page past the end).
 *
 * $1 the pages (jsonb array: user_id (or null), emails (normalised; [] with user_id), statuses ([]: all;
 * `expired` includes pending past expiry, `pending` excludes it), limit, offset, now (ms)).
 */
export const listPersonOrganizationInvitationPages: Statement = {
  name: 'invitekit_list_person_organization_invitation_pages_v2',
  text: `
WITH q AS MATERIALIZED (
  SELECT j.n, r.*
  FROM (SELECT * FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY LIMIT ${PERSON_PAGES_MAX}) AS j(item, n)
  CROSS JOIN LATERAL jsonb_to_record(j.item) AS r(user_id text, emails text[], statuses text[],
    "limit" int, "offset" int, now bigint)
), m AS MATERIALIZED (
  SELECT q.n, s.total_count, s.page
  FROM q
  CROSS JOIN LATERAL (
    SELECT count(*) AS total_count,
           (array_agg(oi.id ORDER BY oi.created_at DESC, oi.id DESC))[q."offset" + 1 : q."offset" + q."limit"] AS page
    FROM organization_invitations oi
    WHERE oi.email_address IN (
        SELECT a.email_address FROM email_addresses a WHERE a.user_id = q.user_id AND a.verified
        UNION ALL SELECT unnest(q.emails))
      AND (cardinality(q.statuses) = 0
        OR (CASE WHEN oi.status = 'pending' AND oi.expires_at <= q.now THEN 'expired' ELSE oi.status END)
           = ANY (q.statuses))
  ) s
)
${pageRowsWithOrganization('id')}`,
};

export interface PersonPageItem {
  user_id: string | null;
  emails: string[];
  statuses: string[];
  limit: number;
  offset: number;
  now: number;
}

/** A row of listPersonOrganizationInvitationPages or searchOrganizationInvitationPages. */
export interface OrganizationInvitationWithOrganizationRow
  extends OrganizationInvitationSqlRow,
    InviterSqlColumns {
  /** The position of the page's item in $1 (batched statements only). */
  n?: number | string;
  total_count: number | string;
  organization_name: string;
  organization_slug: string;
}

/** At most this many items per execution of searchOrganizationInvitationPages (see PERSON_PAGES_MAX). */
export const SEARCH_PAGES_MAX = 16;

/**
 * Pages of the instance-wide search of organization invitations by address (`query`), newest first, with
 * the inviter's and the organization's public data and the exact total: one page per item of $1, batched
 * under load. Each item's matches are one aggregate, so every plan reads all of them, and its only fast way
 * in is the trigram index on the item's pattern: no plan can walk `created_idx` newest first hoping to meet
 * `limit` matches soon (all 1,000,000 rows when nothing matches). The aggregate carries only what the
 * count and the order need (the row's ctid, sorted by created_at and id); the page's rows are then read by
 * ctid (a Tid Scan, one buffer each; the same snapshot, so the same row versions) and joined to their
 * organizations and inviters. Every item yields at least one row: its total, with null columns when the
 * page is empty (no match, or a page past the end).
 *
 * $1 the pages (jsonb array: pattern (the LIKE pattern for the trigram index, services/email-search.ts),
 * text (the lower-cased query every row must contain), statuses ([]: all), now (ms), limit, offset).
 */
export const searchOrganizationInvitationPages: Statement = {
  name: 'invitekit_search_organization_invitation_pages_v1',
  text: `
WITH q AS MATERIALIZED (
  SELECT j.n, r.*
  FROM (SELECT * FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY LIMIT ${SEARCH_PAGES_MAX}) AS j(item, n)
  CROSS JOIN LATERAL jsonb_to_record(j.item) AS r(pattern text, text text, statuses text[], now bigint,
    "limit" int, "offset" int)
), m AS MATERIALIZED (
  SELECT q.n, s.total_count, s.page
  FROM q
  CROSS JOIN LATERAL (
    SELECT count(*) AS total_count,
           (array_agg(oi.ctid ORDER BY oi.created_at DESC, oi.id DESC))[q."offset" + 1 : q."offset" + q."limit"] AS page
    FROM organization_invitations oi
    WHERE oi.email_address LIKE q.pattern AND strpos(oi.email_address, q.text) > 0
      AND oi.organization_domain_id IS NULL
      AND (cardinality(q.statuses) = 0
        OR (CASE WHEN oi.status = 'pending' AND oi.expires_at <= q.now THEN 'expired' ELSE oi.status END)
           = ANY (q.statuses))
  ) s
)
${pageRowsWithOrganization('ctid')}`,
};

export interface SearchPageItem {
  pattern: string;
  text: string;
  statuses: string[];
  now: number;
  limit: number;
  offset: number;
}

/**
 * A row of listPersonOrganizationInvitationPages or searchOrganizationInvitationPages: the item's total, and
 * a page row unless `id` is null.
 */
export type PageOrTotalRow = Omit<OrganizationInvitationWithOrganizationRow, 'id'> & { id: string | null };
