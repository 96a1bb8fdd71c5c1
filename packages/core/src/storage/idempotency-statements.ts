import type { Statement } from './database.js';

/** The row `readIdempotencyKey` returns (int8 may come back as a string). */
export interface IdempotencyKeySqlRow {
  holder: string | null;
  fingerprint: string;
  status: number | null;
  body: string | null;
  locked_until: string | number | null;
}

/**
 * Reserves keys, one per item, in one statement that is exact under concurrency: an item's INSERT wins when
 * no row holds its key; ON CONFLICT it takes the row over only when the row is dead (past `expires_at`), or
 * when it is a reservation whose lock ended (its request's process crashed or lost the database) for the
 * same body. Of several concurrent claims of one key exactly one gets its row back (PostgreSQL re-checks
 * the WHERE against the committed row); the others get none and read the row. An item's `created_at` is
 * its "now". Two items with one key in one execution fail it (a row cannot be updated twice), and the
 * batcher then runs each alone.
 *
 * $1 the items (jsonb array: scope, method, path, key, fingerprint, holder, locked_until, created_at,
 * expires_at). Returns the holders that won.
 */
export const claimIdempotencyKeys: Statement = {
  name: 'invitekit_claim_idempotency_keys_v1',
  text: `
INSERT INTO idempotency_keys AS k (scope, method, path, key, fingerprint, holder, locked_until, status, body,
  created_at, expires_at)
SELECT i.scope, i.method, i.path, i.key, i.fingerprint, i.holder, i.locked_until, NULL, NULL, i.created_at,
  i.expires_at
FROM jsonb_to_recordset($1::jsonb) AS i(scope text, method text, path text, key text, fingerprint text,
  holder text, locked_until bigint, created_at bigint, expires_at bigint)
ON CONFLICT (scope, method, path, key) DO UPDATE
  SET fingerprint = EXCLUDED.fingerprint, holder = EXCLUDED.holder, locked_until = EXCLUDED.locked_until,
      status = NULL, body = NULL, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
  WHERE k.expires_at <= EXCLUDED.created_at
     OR (k.status IS NULL AND k.locked_until <= EXCLUDED.created_at AND k.fingerprint = EXCLUDED.fingerprint)
RETURNING k.holder`,
};

/** The live row for a key (none when absent or past `expires_at`). $1 scope, $2 method, $3 path, $4 key, $5 now (ms). */
export const readIdempotencyKey: Statement = {
  name: 'invitekit_read_idempotency_key_v1',
  text: `
SELECT holder, fingerprint, status, body, locked_until FROM idempotency_keys
WHERE scope = $1 AND method = $2 AND path = $3 AND key = $4 AND expires_at > $5::bigint`,
};

/**
 * Stores answers on their holders' reservations, several in one statement. A holder whose lock ended and
 * whose row another request took over stores nothing (no row matches). $1 the items (jsonb array: scope,
 * method, path, key, holder, status, body (the answer's JSON text)).
 */
export const completeIdempotencyKeys: Statement = {
  name: 'invitekit_complete_idempotency_keys_v1',
  text: `
UPDATE idempotency_keys AS k SET status = i.status, body = i.body, holder = NULL, locked_until = NULL
FROM jsonb_to_recordset($1::jsonb) AS i(scope text, method text, path text, key text, holder text,
  status smallint, body text)
WHERE k.scope = i.scope AND k.method = i.method AND k.path = i.path AND k.key = i.key AND k.holder = i.holder`,
};

/** Drops the holder's reservation, so that a retry runs anew. $1-$4 as for the read, $5 holder. */
export const releaseIdempotencyKey: Statement = {
  name: 'invitekit_release_idempotency_key_v1',
  text: `
DELETE FROM idempotency_keys
WHERE scope = $1 AND method = $2 AND path = $3 AND key = $4 AND holder = $5`,
};
