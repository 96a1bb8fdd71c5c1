import { InvitekitApiError } from './errors.js';
import type { ClerkError } from './wire.gen.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;
export type QueryValue = string | number | boolean | readonly string[] | null | undefined;

export interface RequestOptions {
  /** Cancels the request (TanStack Query passes its own). */
  signal?: AbortSignal;
}

/** `body` is sent as JSON, or as text of this type when it is a string (CSV imports). */
export type BodyOptions = { query?: Record<string, QueryValue>; body?: unknown; contentType?: string };

export type Requester = <T>(
  method: string,
  path: string,
  options?: RequestOptions & BodyOptions,
) => Promise<T>;

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
}): Requester {
  const base = options.baseUrl.replace(/\/+$/, '');
  return async function request<T>(
    method: string,
    path: string,
    init: RequestOptions & BodyOptions = {},
  ): Promise<T> {
    const doFetch: FetchLike =
      options.fetch ?? ((input, requestInit) => globalThis.fetch(input, requestInit));
    const headers: Record<string, string> = { accept: 'application/json', ...(await options.headers()) };
    const text = init.contentType !== undefined && typeof init.body === 'string';
    if (init.body !== undefined) headers['content-type'] = text ? init.contentType! : 'application/json';
    const response = await doFetch(`${base}${path}${queryString(init.query)}`, {
      method,
      headers,
      body: init.body === undefined ? undefined : text ? (init.body as string) : JSON.stringify(init.body),
      signal: init.signal,
    });
    const answer = await response.text();
    let parsed: unknown;
    try {
      parsed = answer ? JSON.parse(answer) : undefined;
    } catch {
      throw new InvitekitApiError(response.status, unexpected(response.status, answer));
    }
    if (response.ok) return parsed as T;
    const body = parsed as { errors?: unknown; clerk_trace_id?: unknown } | undefined;
    if (body && Array.isArray(body.errors)) {
      throw new InvitekitApiError(
        response.status,
        body.errors as ClerkError[],
        typeof body.clerk_trace_id === 'string' ? body.clerk_trace_id : undefined,
      );
    }
    throw new InvitekitApiError(response.status, unexpected(response.status, answer));
  };
}
