import { InvitekitApiError } from './errors.js';
import type { ClerkError } from './wire.gen.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;
export type QueryValue = string | number | boolean | readonly string[] | null | undefined;

export interface RequestOptions {
  /** Cancels the request (TanStack Query passes its own), retries included. */
  signal?: AbortSignal;
  /**
   * The `Idempotency-Key` of a mutation (default: a fresh random UUID per call, the same on each of its
   * retries). Pass your own to make a retry of your own (e.g. after a page reload) the same request.
   */
  idempotencyKey?: string;
}

/**
 * Retries of a POST that got no answer (a network error) or a passing one (`503`, `502`, `504`, or `409
 * idempotency_key_in_use` while its first try still runs). Safe: every try carries the same
 * `Idempotency-Key`, so the server acts once and replays its answer. Nothing else is retried.
 */
export interface RetryOptions {
  /** Retries after the first try (default 2; 0 turns retries off). */
  retries?: number;
  /** Delay before the first retry in ms (default 300), doubling per retry, half of it random. */
  baseDelayMs?: number;
  /** Longest delay in ms (default 5000), also the cap on a `Retry-After` the server asks for. */
  maxDelayMs?: number;
}

/** `body` is sent as JSON, or as text of this type when it is a string (CSV imports). */
export type BodyOptions = { query?: Record<string, QueryValue>; body?: unknown; contentType?: string };

export type Requester = <T>(
  method: string,
  path: string,
  options?: RequestOptions & BodyOptions,
) => Promise<T>;

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** A random UUID v4; `crypto.randomUUID` is missing outside secure contexts (plain-HTTP pages), so built by hand there. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Answers a retry may change: the server stored nothing for them (5xx) or is still running the first try. */
const passing = (status: number, code: string | undefined) =>
  status === 502 || status === 503 || status === 504 || (status === 409 && code === 'idempotency_key_in_use');

/** Waits `ms`, or rejects with the signal's reason once it aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `/a/{id}` with the segment encoded. */
export const segment = (value: string) => encodeURIComponent(value);

function queryString(query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(name, value.join(','));
    } else params.set(name, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function unexpected(status: number, text: string): ClerkError[] {
  return [
    {
      code: 'unexpected_response',
      message: `Unexpected response (HTTP ${status})`,
      long_message: text.slice(0, 500),
    },
  ];
}

/**
 * One fetch for every call: JSON in, JSON out, and a non-2xx answer thrown as InvitekitApiError.
 * `fetch` is looked up when a request is sent, never at import (SSR, tests, polyfills).
 */
export function createRequester(options: {
  baseUrl: string;
  fetch?: FetchLike;
  headers: () => Promise<Record<string, string>> | Record<string, string>;
  retry?: RetryOptions | false;
}): Requester {
  const base = options.baseUrl.replace(/\/+$/, '');
  const retry = options.retry === false ? { retries: 0 } : (options.retry ?? {});
  const retries = Math.max(0, Math.floor(retry.retries ?? 2));
  const baseDelayMs = retry.baseDelayMs ?? 300;
  const maxDelayMs = retry.maxDelayMs ?? 5000;
  /** The delay before retry number `n` (from 0): exponential, half of it random; at least `Retry-After`. */
  const delay = (n: number, retryAfterS?: number) => {
    const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** n);
    const jittered = exp / 2 + Math.random() * (exp / 2);
    return Math.min(maxDelayMs, Math.max(jittered, (retryAfterS ?? 0) * 1000));
  };

  return async function request<T>(
    method: string,
    path: string,
    init: RequestOptions & BodyOptions = {},
  ): Promise<T> {
    const doFetch: FetchLike =
      options.fetch ?? ((input, requestInit) => globalThis.fetch(input, requestInit));
    const upper = method.toUpperCase();
    // Every mutation carries a key; POSTs, where the server honours it, are the ones retried.
    const key =
      upper === 'GET' || upper === 'HEAD' ? undefined : (init.idempotencyKey ?? newIdempotencyKey());
    const tries = upper === 'POST' ? retries + 1 : 1;
    const url = `${base}${path}${queryString(init.query)}`;
    // A string body with a content type (an import's CSV) goes as it is; anything else as JSON.
    const raw = init.contentType !== undefined && typeof init.body === 'string';
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json', ...(await options.headers()) };
      if (init.body !== undefined) headers['content-type'] = raw ? init.contentType! : 'application/json';
      if (key) headers[IDEMPOTENCY_KEY_HEADER] = key;
      let response: Response;
      try {
        response = await doFetch(url, {
          method,
          headers,
          body: init.body === undefined ? undefined : raw ? (init.body as string) : JSON.stringify(init.body),
          signal: init.signal,
        });
      } catch (err) {
        // A network error: the request may or may not have reached the server; the key makes trying again safe.
        if (attempt >= tries || init.signal?.aborted) throw err;
        await sleep(delay(attempt - 1), init.signal);
        continue;
      }
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        if (attempt < tries && passing(response.status, undefined)) {
          await sleep(delay(attempt - 1), init.signal);
          continue;
        }
        throw new InvitekitApiError(response.status, unexpected(response.status, text));
      }
      if (response.ok) return parsed as T;
      const body = parsed as { errors?: unknown; clerk_trace_id?: unknown } | undefined;
      const errors = body && Array.isArray(body.errors) ? (body.errors as ClerkError[]) : undefined;
      if (attempt < tries && passing(response.status, errors?.[0]?.code)) {
        const retryAfter = Number(response.headers.get('retry-after'));
        await sleep(delay(attempt - 1, Number.isFinite(retryAfter) ? retryAfter : undefined), init.signal);
        continue;
      }
      if (errors) {
        throw new InvitekitApiError(
          response.status,
          errors,
          typeof body!.clerk_trace_id === 'string' ? body!.clerk_trace_id : undefined,
        );
      }
      throw new InvitekitApiError(response.status, unexpected(response.status, text));
    }
  };
}
