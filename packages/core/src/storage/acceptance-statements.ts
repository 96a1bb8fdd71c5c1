import { sql } from 'drizzle-orm';
import type { Statement } from './database.js';
import { OUTBOX_INSERT } from './outbox-insert.js';
import { peopleWriteCtes, preparedText } from './people-statements.js';
import type { InviterSqlColumns, OrganizationInvitationSqlRow } from './sql-rows.js';

/**
 * Accepts organization invitations, several in one round trip under load (storage/batcher.ts), all or
 * nothing (one statement is one transaction). Each item is judged on its own: the conditional update
 * (pending, unexpired, sent to one of the person's addresses, still this token, current or one a reminder
 * replaced, and, unless former admins' invitations are kept, an inviter who is still an admin), the
 * membership with the invitation's role and both metadata, the `accepted` event with its snapshot, and the
 * event's outbox rows; then the accepted invitation with its inviter's and organization's public data,
 * with `n`, the item's 1-based position.
 *
 * An item with no row back accepted nothing (the caller reads why). Several items naming one invitation:
 * the row is updated once, by one of those that pass every check (RETURNING says which); the others find
 * it accepted when they read why, as if they had come after. Exactly once under races, as the single
 * update is: a concurrent accept of the same invitation waits for the row lock, then finds it accepted. A member already there fails the whole statement with a unique violation
 * on organization_memberships_user_uidx, a user missing from the directory with a foreign-key violation;
 * either way nothing is written, and the Batcher runs each item alone so only the one at fault fails.
 *
 * The update looks its rows up by id (`oi.id = ANY(ARRAY(...))`, through the id index): joined to the items
 * alone, the planner (which guesses 100 items) hashed every pending invitation for each batch, 9,000 rows in
 * bench/accept.mjs, most of PostgreSQL's time per accept (bench/README.md, "Accept").
 *
 * $1 the items (jsonb array of AcceptOrganizationInvitationItem), $2 keep invitations of former admins,
 * $3 admin role keys, $4 outbox rows of every item (the jsonb of services/effects.ts effectRows; only
 * those of events written are inserted).
 *
 * `withPeople`: the statement starts with the directory write of the people it is given
 * (people-statements.ts, the same SQL services/identities.ts runs alone), $5 and $6 (services/identities.ts
 * peopleJson), $7 now: a first-seen person's accept is one statement and one commit, not a directory
 * write and then an accept (bench/README.md, "Accept"). Their users are inserted by a sibling CTE, so the
 * membership's foreign key, checked at the statement's end, finds them. They are written even when no
 * invitation is accepted, and not at all when the statement fails. The CTEs share one snapshot: the final
 * select shows an inviter's primary address as it was before this statement, even if an accepting person
 * took it over (email-owners.ts). Without people, the write is left out (its empty CTEs cost about 0.1 ms
 * an execution), and `may_enroll` is null.
 */
const acceptText = (withPeople: boolean) => `
WITH ${
  withPeople
    ? `${preparedText(
        peopleWriteCtes({
          relaxed: sql.raw('false'),
          people: sql.raw('$5'),
          input: sql.raw('$6'),
          now: sql.raw('$7'),
        }),
      )},`
    : ''
} items AS (
  SELECT j.n, r.*
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS j(item, n)
  CROSS JOIN LATERAL jsonb_to_record(j.item) AS r(organization_id text, id text, now bigint, token_hash text,
    nonce text, emails jsonb, user_id text, membership_id text, events jsonb)
), inv AS (
  UPDATE organization_invitations AS oi
  SET status = 'accepted', token_hash = NULL, updated_at = i.now
  FROM items i
  WHERE oi.id = ANY(ARRAY(SELECT id FROM items)) AND oi.id = i.id
    AND oi.organization_id = coalesce(i.organization_id, oi.organization_id)
    AND oi.status = 'pending' AND oi.expires_at > i.now
    AND (i.emails IS NULL OR oi.email_address IN (SELECT jsonb_array_elements_text(i.emails)))
    AND (i.token_hash IS NULL
      OR sha256(decode(i.nonce, 'hex') || decode(i.token_hash, 'hex')) IN (
        SELECT sha256(decode(i.nonce, 'hex') || h)
        FROM unnest(array_prepend(oi.token_hash, oi.reminder_token_hashes)) AS h))
    AND ($2::boolean OR oi.inviter_id IS NULL OR EXISTS (
      SELECT 1 FROM organization_memberships im
      WHERE im.organization_id = oi.organization_id AND im.user_id = oi.inviter_id
        AND im.role = ANY($3::text[])))
  RETURNING oi.*, i.n AS item_n
), won AS (
  SELECT i.n, i.user_id, i.membership_id, i.now, i.events, inv
  FROM inv JOIN items i ON i.n = inv.item_n
), mem AS (
  INSERT INTO organization_memberships (organization_id, id, user_id, role, public_metadata,
    private_metadata, created_at, updated_at)
  SELECT (w.inv).organization_id, w.membership_id, w.user_id, (w.inv).role, (w.inv).public_metadata,
    (w.inv).private_metadata, w.now, w.now
  FROM won w
  RETURNING id
), ev AS (
  INSERT INTO invitation_events (id, invitation_id, organization_id, type, data, snapshot, created_at)
  SELECT s.id, (w.inv).id, (w.inv).organization_id, s.type, s.data,
    invitekit_organization_invitation_snapshot(to_jsonb(w.inv) - 'item_n'), s.created_at
  FROM won w, jsonb_to_recordset(w.events) AS s(id text, type text, data jsonb, created_at bigint)
  RETURNING id
), ob AS (${OUTBOX_INSERT.head}$4${OUTBOX_INSERT.tail}
)
SELECT w.n, inv.organization_id, inv.id, inv.email_address, inv.role, inv.status, inv.inviter_id,
       inv.public_metadata, inv.private_metadata, inv.redirect_url, inv.notify, inv.locale, inv.expires_at,
       inv.created_at, inv.updated_at,
       u.id AS inviter_user_id, u.first_name AS inviter_first_name, u.last_name AS inviter_last_name,
       (SELECT e.email_address FROM email_addresses e WHERE e.id = u.primary_email_address_id) AS inviter_identifier,
       o.name AS organization_name, o.slug AS organization_slug,
       ${withPeople ? '(SELECT pe.may_enroll FROM people_enroll pe WHERE pe.id = w.user_id LIMIT 1)' : 'NULL::boolean'} AS may_enroll
FROM won w
CROSS JOIN LATERAL (SELECT (w.inv).*) inv
JOIN organizations o ON o.id = inv.organization_id
LEFT JOIN users u ON u.id = inv.inviter_id
ORDER BY w.n`;

/** The accept of people already in the directory: $1–$4. */
export const acceptOrganizationInvitations: Statement = {
  name: 'invitekit_accept_organization_invitations_v3',
  text: acceptText(false),
};

/** The accept that writes people to the directory first: $1–$7. */
export const acceptOrganizationInvitationsWithPeople: Statement = {
  name: 'invitekit_accept_organization_invitations_with_people_v1',
  text: acceptText(true),
};

/** One item of acceptOrganizationInvitations, as its $1 holds it. */
export interface AcceptOrganizationInvitationItem {
  /** Null: whichever organization the invitation (ids are unique) belongs to. */
  organization_id: string | null;
  id: string;
  /** Now, in ms: the expiry is judged against it, and it stamps every row written. */
  now: number;
  /**
   * The SHA-256 of the token's secret, as hex; null: accept by id. It must equal the current token's hash
   * or that of a link a reminder replaced. Both sides are hashed again with `nonce` (random hex, new for
   * each call) before they are compared, so the comparison's timing says nothing about the stored hash.
   */
  token_hash: string | null;
  nonce: string | null;
  /** The invitation must have been sent to one of these addresses; null: no check (done already). */
  emails: string[] | null;
  user_id: string;
  membership_id: string;
  /** The `accepted` event (services/effects.ts effectRows). */
  events: unknown[];
}

export interface AcceptOrganizationInvitationRow extends OrganizationInvitationSqlRow, InviterSqlColumns {
  /** The position of its item in $1. */
  n: number | string;
  organization_name: string;
  organization_slug: string;
  /** Whether a domain may enroll the accepting person (people-statements.ts); null unless in $5. */
  may_enroll: boolean | null;
}

/**
 * What an accept token is checked against: the invitations (organization or application) with the given
 * ids, several lookups in one round trip under load. Each row carries `n`, the 1-based position of its id
 * in $1; an id with no row names no invitation. Hashes come as hex text, the same on both drivers (the
 * reminders' comma-separated, or null).
 *
 * $1 invitation ids (text[]).
 */
export const findTokenTargets: Statement = {
  name: 'invitekit_find_token_targets_v1',
  text: `
SELECT j.n, oi.organization_id, oi.email_address, oi.status, oi.expires_at,
  encode(oi.token_hash, 'hex') AS token_hash,
  (SELECT string_agg(encode(h, 'hex'), ',') FROM unnest(oi.reminder_token_hashes) AS h) AS reminder_hashes
FROM unnest($1::text[]) WITH ORDINALITY AS j(id, n)
JOIN organization_invitations oi ON oi.id = j.id
UNION ALL
SELECT j.n, NULL, ai.email_address, ai.status, ai.expires_at,
  encode(ai.token_hash, 'hex'),
  (SELECT string_agg(encode(h, 'hex'), ',') FROM unnest(ai.reminder_token_hashes) AS h)
FROM unnest($1::text[]) WITH ORDINALITY AS j(id, n)
JOIN application_invitations ai ON ai.id = j.id`,
};

export interface TokenTargetRow {
  n: number | string;
  /** Null for an application invitation. */
  organization_id: string | null;
  email_address: string;
  status: string;
  expires_at: number | string;
  token_hash: string | null;
  /** Comma-separated hex. */
  reminder_hashes: string | null;
}
