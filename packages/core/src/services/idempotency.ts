import { randomUUID } from 'node:crypto';
import { lt } from 'drizzle-orm';
import { InvitekitError } from '../domain/errors.js';
import { Batcher } from '../storage/batcher.js';
import type { Database, OpenDatabase } from '../storage/database.js';
import {
  claimIdempotencyKeys,
  completeIdempotencyKeys,
  type IdempotencyKeySqlRow,
  readIdempotencyKey,
  releaseIdempotencyKey,
} from '../storage/idempotency-statements.js';
import { idempotencyKeys } from '../storage/schema.js';

const HOUR_MS = 60 * 60 * 1000;

/** Invitekit extension: how long `Idempotency-Key` answers are kept, and how long a running request holds its key. */
export interface IdempotencyOptions {
  /** How long a key's stored response is replayed, in ms (default 24 hours). */
  keyTtlMs?: number;
  /**
   * How long a request holds its key while it runs, in ms (default 60 000): a retry meanwhile answers 409.
   * Should its process die before storing the response, the key frees once this has passed. Keep it above
   * the longest a request may take (the database's statement timeouts).
   */
  lockMs?: number;
}

export const defaultIdempotency: Required<IdempotencyOptions> = { keyTtlMs: 24 * HOUR_MS, lockMs: 60_000 };

/** Claims and answers per shared statement, and such statements running at once. */
const BATCHING = { maxInFlight: 2, maxBatch: 64 };

interface ClaimItem {
  scope: string;
  method: string;
  path: string;
  key: string;
  fingerprint: string;
  holder: string;
  locked_until: number;
  created_at: number;
  expires_at: number;
}

interface CompleteItem {
  scope: string;
  method: string;
  path: string;
  key: string;
  holder: string;
  status: number;
  body: string;
}

/** Which key: the caller (`secret`, `user:<id>`, `public`), the method and path, and the key itself. */
export interface IdempotencyKeyId {
  scope: string;
  method: string;
  path: string;
  key: string;
}

/** A claim that won: this request runs, and stores or releases its answer through `holder`. */
export interface IdempotencyHold {
  kind: 'hold';
  holder: string;
}

/** The key's earlier request finished: its stored status and body (JSON text). */
export interface IdempotencyReplay {
  kind: 'replay';
  status: number;
  body: string;
}

/** The key's earlier request took another body: 422, whether it finished or not. */
export const idempotencyKeyMismatch = () =>
  new InvitekitError({
    code: 'idempotency_key_mismatch',
    message: 'idempotency key reused with another request',
    longMessage:
      'This Idempotency-Key was already used with a different request body; use a new key for a new request',
    meta: { param_name: 'Idempotency-Key' },
  });

/** The key's earlier request is still running: 409, with `Retry-After` 1 s (it usually ends in ms). */
export const idempotencyKeyInUse = () =>
  new InvitekitError({
    code: 'idempotency_key_in_use',
    message: 'idempotency key in use',
    longMessage:
      'A request with this Idempotency-Key is still being processed; retry shortly to get its response',
    meta: { param_name: 'Idempotency-Key', retry_after: 1 },
  });

/**
 * `Idempotency-Key` records in the database (storage/idempotency-statements.ts), so every server process
 * on one database sees them. A request first claims its key (a reservation row), runs, then stores its
 * answer on the row or, for answers a retry should not see (5xx, 429), drops the reservation.
 */
export class IdempotencyKeys {
  readonly keyTtlMs: number;
  readonly lockMs: number;
  /**
   * Concurrent claims, and concurrent answers, each share one statement and one commit (storage/batcher.ts):
   * one of each per request, unshared, cost a keyed create two thirds of its throughput (bench/README.md).
   */
  private readonly claims: Batcher<ClaimItem, boolean>;
  private readonly completions: Batcher<CompleteItem, null>;

  constructor(
    private readonly ctx: { db: Database; run: OpenDatabase['run']; now: () => number },
    options: IdempotencyOptions = {},
  ) {
    this.keyTtlMs = options.keyTtlMs ?? defaultIdempotency.keyTtlMs;
    this.lockMs = options.lockMs ?? defaultIdempotency.lockMs;
    this.claims = new Batcher(async (items) => {
      const won = new Set(
        (await ctx.run<{ holder: string }>(claimIdempotencyKeys, [JSON.stringify(items)])).map(
          (r) => r.holder,
        ),
      );
      return items.map((i) => won.has(i.holder));
    }, BATCHING);
    this.completions = new Batcher(async (items) => {
      await ctx.run(completeIdempotencyKeys, [JSON.stringify(items)]);
      return items.map(() => null);
    }, BATCHING);
    for (const [name, value] of [
      ['keyTtlMs', this.keyTtlMs],
      ['lockMs', this.lockMs],
    ] as const) {
      if (!Number.isSafeInteger(value) || value <= 0) {
        throw new Error(`Invitekit: idempotency.${name} must be a whole number of ms > 0, got ${value}`);
      }
    }
  }

  /**
   * Claims `id` for a request whose body hashes to `fingerprint`: a hold when this request is to run, the
   * stored answer when an earlier one finished; throws 422 for another body and 409 while it still runs.
   */
  async claim(id: IdempotencyKeyId, fingerprint: string): Promise<IdempotencyHold | IdempotencyReplay> {
    const holder = randomUUID();
    const keyParams = [id.scope, id.method, id.path, id.key];
    // A row seen gone between the claim and the read (swept, released) is claimed again; twice is plenty.
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.ctx.now();
      const won = await this.claims.run({
        ...id,
        fingerprint,
        holder,
        locked_until: now + this.lockMs,
        created_at: now,
        expires_at: now + this.keyTtlMs,
      });
      if (won) return { kind: 'hold', holder };
      const [row] = await this.ctx.run<IdempotencyKeySqlRow>(readIdempotencyKey, [...keyParams, now]);
      if (!row) continue;
      if (row.fingerprint !== fingerprint) throw idempotencyKeyMismatch();
      if (row.status !== null && row.body !== null) {
        return { kind: 'replay', status: Number(row.status), body: row.body };
      }
      throw idempotencyKeyInUse();
    }
    throw idempotencyKeyInUse();
  }

  /** Stores the held request's answer for replays. */
  async complete(id: IdempotencyKeyId, holder: string, status: number, body: string): Promise<void> {
    await this.completions.run({ ...id, holder, status, body });
  }

  /** Drops the held request's reservation, so that a retry runs anew. */
  async release(id: IdempotencyKeyId, holder: string): Promise<void> {
    await this.ctx.run(releaseIdempotencyKey, [id.scope, id.method, id.path, id.key, holder]);
  }

  /** Deletes keys past their retention (and reservations left by crashed requests, as old); returns how many. */
  async sweep(now = this.ctx.now()): Promise<number> {
    const deleted = await this.ctx.db
      .delete(idempotencyKeys)
      .where(lt(idempotencyKeys.expiresAt, now))
      .returning({ key: idempotencyKeys.key });
    return deleted.length;
  }
}
