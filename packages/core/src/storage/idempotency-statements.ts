import type { Statement } from './database.js';

/** The row `claimIdempotencyKey` and `readIdempotencyKey` return (int8 may come back as a string). */
export interface IdempotencyKeySqlRow {
  holder: string | null;
  fingerprint: string;
  status: number | null;
  body: string | null;
  locked_until: string | number | null;
}

/**
 * Reserves a key for one request, in one statement that is exact under concurrency: the INSERT wins when
 * no row holds the key; ON CONFLICT it takes the row over only when the row is dead (past `expires_at`),
 * or when it is a reservation whose lock ended (its request's process crashed or lost the database) for
 * the same body. Of several concurrent claims exactly one gets its row back (PostgreSQL re-checks the
 * WHERE against the committed row); the others get none and read the row.
 *
 * $1 scope, $2 method, $3 path, $4 key, $5 fingerprint, $6 holder, $7 locked_until, $8 now (ms),
 * $9 expires_at.
 */
export const claimIdempotencyKey: Statement = {
  name: 'invitekit_claim_idempotency_key_v1',
  text: `
INSERT INTO idempotency_keys AS k (scope, method, path, key, fingerprint, holder, locked_until, status, body,
  created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7::bigint, NULL, NULL, $8::bigint, $9::bigint)
ON CONFLICT (scope, method, path, key) DO UPDATE
  SET fingerprint = EXCLUDED.fingerprint, holder = EXCLUDED.holder, locked_until = EXCLUDED.locked_until,
      status = NULL, body = NULL, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
  WHERE k.expires_at <= $8::bigint
     OR (k.status IS NULL AND k.locked_until <= $8::bigint AND k.fingerprint = EXCLUDED.fingerprint)
RETURNING k.holder, k.fingerprint, k.status, k.body, k.locked_until`,
};

/** The live row for a key (none when absent or past `expires_at`). $1-$4 as above, $5 now (ms). */
export const readIdempotencyKey: Statement = {
  name: 'invitekit_read_idempotency_key_v1',
  text: `
SELECT holder, fingerprint, status, body, locked_until FROM idempotency_keys
WHERE scope = $1 AND method = $2 AND path = $3 AND key = $4 AND expires_at > $5::bigint`,
};

/**
 * Stores the response on the holder's reservation. A holder whose lock ended and whose row another request
 * took over stores nothing (no row matches). $1-$4 as above, $5 holder, $6 status, $7 body (JSON text).
 */
export const completeIdempotencyKey: Statement = {
  name: 'invitekit_complete_idempotency_key_v1',
  text: `
UPDATE idempotency_keys SET status = $6::smallint, body = $7, holder = NULL, locked_until = NULL
WHERE scope = $1 AND method = $2 AND path = $3 AND key = $4 AND holder = $5`,
};

/** Drops the holder's reservation, so that a retry runs anew. $1-$4 as above, $5 holder. */
export const releaseIdempotencyKey: Statement = {
  name: 'invitekit_release_idempotency_key_v1',
  text: `
DELETE FROM idempotency_keys
WHERE scope = $1 AND method = $2 AND path = $3 AND key = $4 AND holder = $5`,
};
