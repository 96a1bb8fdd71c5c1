/**
 * SQL that inserts the outbox rows given as a jsonb parameter, for events inserted by the same
 * statement's `ev` CTE. Split around the parameter so both services/effects.ts (drizzle parameters) and the
 * one-round-trip create in storage/statements.ts (`$n`) share it.
 */
export const OUTBOX_INSERT = {
  head: `
  INSERT INTO outbox (id, event_id, kind, target, link, attempts, next_attempt_at, created_at, updated_at)
  SELECT o.id, o.event_id, o.kind, o.target, o.link, CASE WHEN o.lease_until IS NULL THEN 0 ELSE 1 END,
    COALESCE(o.lease_until, o.due, o.at), o.at, o.at
  FROM jsonb_to_recordset(`,
  tail: `::jsonb) AS o(id text, event_id text, kind text, target text, link text, at bigint, lease_until bigint, due bigint)
  WHERE EXISTS (SELECT 1 FROM ev WHERE ev.id = o.event_id)`,
};
