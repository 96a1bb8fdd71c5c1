import { createHash } from 'node:crypto';
import { InvitekitError } from '../domain/errors.js';
import { holdsToken } from '../domain/redact.js';
import type { IdempotencyKeyId, IdempotencyKeys } from '../services/idempotency.js';
import { jsonResponse } from './errors.js';
import type { AuthenticatedUser, InvitekitRequest, InvitekitResponse } from './types.js';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on an answer replayed from a stored one (Stripe's header name). */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/** Printable ASCII without spaces, 1 to 255 characters: a UUID, a ULID, a hash, a caller's own id. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

const invalidKey = (longMessage: string) =>
  new InvitekitError({
    code: 'idempotency_key_invalid',
    message: 'invalid idempotency key',
    longMessage,
    meta: { param_name: 'Idempotency-Key' },
  });

/** The request's `Idempotency-Key`, checked; undefined when it sent none. */
function keyOf(request: InvitekitRequest): string | undefined {
  const value = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw invalidKey('Send one Idempotency-Key header, not several');
  if (!KEY_PATTERN.test(value)) {
    throw invalidKey(
      'Idempotency-Key must be 1 to 255 printable ASCII characters without spaces, e.g. a UUID',
    );
  }
  return value;
}

/** JSON with object keys sorted, so that a body's key order does not change its fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null) ?? 'null';
}

/** What a request's key is compared on: its query and body (no body, null and "" are one). */
function fingerprintOf(request: InvitekitRequest): string {
  const body = request.body === '' ? null : request.body;
  return createHash('sha256')
    .update(canonical({ query: request.query ?? {}, body }))
    .digest('base64url');
}

/**
 * Whether an answer is stored for replays. Yes for every answer the route's handler gave (2xx and 4xx:
 * a retry must not act twice, nor act after a refusal it already saw), except those a retry should see
 * change: 429 (a limit frees with time) and every 5xx (a bug, a database outage), whose reservation is
 * dropped so the retry runs anew. Requests refused before the handler ran (auth, validation) never claim
 * the key, as at Stripe.
 */
export const storesAnswer = (status: number) => status < 500 && status !== 429;

// Metadata is the caller's own data, returned as given: never rewritten.
const METADATA_KEYS = new Set(['public_metadata', 'private_metadata', 'unsafe_metadata']);

/**
 * The answer as stored for replays: every `url` that carries an accept or join token (an invitation's,
 * a join link's; at the top level, in `data[]`, in arrays, in the Frontend API's `response`) is null, or
 * left out on an application invitation, whose Clerk schema has `url` optional but never null (as its
 * list answers). Tokens are stored only as hashes, and `idempotency_keys` keeps answers for a day: the
 * link is returned once, and a replay has none (resend the invitation for a new link).
 */
export function withoutTokens(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => withoutTokens(v, depth + 1));
  const omit = (value as { object?: unknown }).object === 'invitation';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'url' && typeof v === 'string' && holdsToken(v)) {
      if (!omit) out[k] = null;
    } else out[k] = METADATA_KEYS.has(k) ? v : withoutTokens(v, depth + 1);
  }
  return out;
}

/** An idempotent POST: its key's id and its fingerprint. */
export interface IdempotentRequest {
  id: IdempotencyKeyId;
  fingerprint: string;
}

/**
 * Invitekit extension: `Idempotency-Key` on every POST, generic over the route table. The handler calls
 * `prepare` once the caller is known (the key is scoped to it) and `run` once the input is valid.
 */
export class Idempotency {
  constructor(
    private readonly keys: IdempotencyKeys,
    /** Told when recording an answer fails (a database outage, most likely). */
    private readonly onRecordError: (err: unknown) => void = () => {},
  ) {}

  /** The request's key scoped to its caller, method and path; null for a POST without a key or another method. */
  prepare(
    request: InvitekitRequest,
    auth: 'secret' | 'user' | 'none',
    user: AuthenticatedUser | null,
  ): IdempotentRequest | null {
    const method = request.method.toUpperCase();
    if (method !== 'POST') return null;
    const key = keyOf(request);
    if (key === undefined) return null;
    // All secret keys are one caller (the host's backend), so a retry across a key rotation still matches.
    const scope = auth === 'secret' ? 'secret' : user ? `user:${user.id}` : 'public';
    const path = `/${request.path.split('?')[0]!.split('/').filter(Boolean).join('/')}`;
    return { id: { scope, method, path, key }, fingerprint: fingerprintOf(request) };
  }

  /**
   * Runs `invoke` once per key: a retry gets the stored answer (its links' tokens nulled, see
   * withoutTokens), marked `Idempotent-Replayed: true`.
   */
  async run(
    idempotent: IdempotentRequest,
    invoke: () => Promise<InvitekitResponse>,
  ): Promise<InvitekitResponse> {
    const { id } = idempotent;
    const claim = await this.keys.claim(id, idempotent.fingerprint);
    if (claim.kind === 'replay') {
      const replay = jsonResponse(claim.status, JSON.parse(claim.body));
      return { ...replay, headers: { ...replay.headers, [IDEMPOTENT_REPLAYED_HEADER]: 'true' } };
    }
    const response = await invoke();
    // The answer goes back even if recording it fails: the effect is done. The reservation then frees
    // after `lockMs`, and a retry after that runs the request again (see the README).
    try {
      if (storesAnswer(response.status)) {
        const stored = JSON.stringify(withoutTokens(response.body ?? null));
        await this.keys.complete(id, claim.holder, response.status, stored);
      } else {
        await this.keys.release(id, claim.holder);
      }
    } catch (err) {
      this.onRecordError(err);
    }
    return response;
  }
}
