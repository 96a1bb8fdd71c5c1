import type { Statement } from '../storage/database.js';

/**
 * Claims due outbox rows for one attempt each: leases them (`next_attempt_at` moves to the lease's end)
 * and counts the attempt, which also fences the outcome's record (see `recordOutcomes`). Returns each row
 * with its event and, for emails, the invitation's status, expiry and token hash as they are now.
 *
 * $1 now (ms), $2 how many at most, $3 the lease's end (ms).
 */
export const claimDue: Statement = {
  name: 'invitekit_outbox_claim_v1',
  text: `
WITH due AS (
  SELECT id FROM outbox
  WHERE status = 'pending' AND next_attempt_at <= $1::bigint
  ORDER BY next_attempt_at
  LIMIT $2::int
  FOR UPDATE SKIP LOCKED
)
UPDATE outbox o
SET attempts = o.attempts + 1, next_attempt_at = $3::bigint, updated_at = $1::bigint
FROM due, invitation_events e
WHERE o.id = due.id AND e.id = o.event_id
RETURNING o.id, o.kind, o.target, o.link, o.attempts,
  e.id AS event_id, e.invitation_id, e.organization_id, e.type, e.data, e.snapshot, e.created_at,
  CASE WHEN o.kind = 'email' THEN COALESCE(
    (SELECT jsonb_build_object('status', i.status, 'expires_at', i.expires_at, 'token_hash', encode(i.token_hash, 'hex'))
     FROM organization_invitations i
     WHERE e.organization_id IS NOT NULL AND i.organization_id = e.organization_id AND i.id = e.invitation_id),
    (SELECT jsonb_build_object('status', a.status, 'expires_at', a.expires_at, 'token_hash', encode(a.token_hash, 'hex'))
     FROM application_invitations a
     WHERE e.organization_id IS NULL AND a.id = e.invitation_id)
  ) END AS current`,
};

/**
 * Records a batch of attempts' outcomes, and the `emailed` / `delivery_failed` events of the emails among
 * them, in one statement (one transaction, one round trip). Fenced by `attempts`: only the attempt that
 * holds the current lease records its outcome, and only a recorded outcome writes its event. Those events
 * notify nobody, so they have no snapshot and no outbox rows. Returns the ids whose outcome was recorded.
 *
 * $1 outcomes [{ id, attempts, status, next_attempt_at, last_error }], $2 now (ms),
 * $3 events [{ id, message_id, invitation_id, organization_id, type, data, created_at }].
 */
export const recordOutcomes: Statement = {
  name: 'invitekit_outbox_record_v1',
  text: `
WITH done AS (
  UPDATE outbox o SET
    status = r.status,
    link = CASE WHEN r.status = 'pending' THEN o.link END,
    next_attempt_at = COALESCE(r.next_attempt_at, o.next_attempt_at),
    last_error = r.last_error,
    delivered_at = CASE WHEN r.status = 'delivered' THEN $2::bigint END,
    updated_at = $2::bigint
  FROM jsonb_to_recordset($1::jsonb)
    AS r(id text, attempts integer, status text, next_attempt_at bigint, last_error text)
  WHERE o.id = r.id AND o.attempts = r.attempts AND o.status = 'pending'
  RETURNING o.id
), ev AS (
  INSERT INTO invitation_events (id, invitation_id, organization_id, type, data, created_at)
  SELECT s.id, s.invitation_id, s.organization_id, s.type, s.data, s.created_at
  FROM jsonb_to_recordset($3::jsonb) AS s(id text, message_id text, invitation_id text, organization_id text,
    type text, data jsonb, created_at bigint)
  WHERE s.message_id IN (SELECT id FROM done)
)
SELECT id FROM done`,
};
