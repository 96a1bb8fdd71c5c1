import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import {
  type ErrorCode,
  type ErrorDetail,
  errorCodes,
  InvitekitError,
  serviceUnavailable,
} from '../domain/errors.js';
import { isDatabaseUnavailable } from '../domain/pg-errors.js';
import { securityHeaders } from './security-headers.js';
import type { InvitekitResponse } from './types.js';

// Exactly `application/json`, as Clerk sends it: @clerk/backend parses a body as JSON only on that exact value.
const JSON_HEADERS = { 'content-type': 'application/json' };
const HEADERS: Record<string, string> = { ...JSON_HEADERS, ...securityHeaders };

/**
 * Clerk's ClerkErrors envelope: `errors`, an (empty) top-level `meta`, and `clerk_trace_id`, a fresh id per
 * failed request that @clerk/backend exposes as `ClerkAPIResponseError.clerkTraceId`.
 */
function body(errors: ErrorDetail[]) {
  return {
    errors: errors.map((e) => ({
      message: e.message,
      long_message: e.longMessage ?? e.message,
      code: e.code,
      ...(e.meta ? { meta: e.meta } : {}),
    })),
    meta: {},
    clerk_trace_id: randomBytes(16).toString('hex'),
  };
}

export const errorResponse = (err: InvitekitError): InvitekitResponse => {
  const retryAfter = err.errors[0]?.meta?.retry_after;
  return {
    status: err.status,
    headers: typeof retryAfter === 'number' ? { ...HEADERS, 'retry-after': String(retryAfter) } : HEADERS,
    body: body(err.errors),
  };
};

/** The dotted parameter name for a zod path: `[2].role`, `public_metadata.x`. */
export const paramName = (path: PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');

/** One ClerkError per zod issue; bulk items are named by `meta.index`. */
export function validationError(error: z.ZodError, where: 'body' | 'query' | 'path'): InvitekitError {
  const details = error.issues.map((issue): ErrorDetail => {
    const path = issue.path as PropertyKey[];
    const name = paramName(path) || where;
    const missing = issue.code === 'invalid_type' && issue.message.includes('received undefined');
    const code: ErrorCode = missing
      ? 'form_param_missing'
      : issue.code === 'unrecognized_keys'
        ? 'form_param_unknown'
        : issue.code === 'invalid_type'
          ? 'form_param_format_invalid'
          : 'form_param_value_invalid';
    const index = typeof path[0] === 'number' ? path[0] : undefined;
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    return {
      code,
      message: missing ? 'is missing' : 'is invalid',
      longMessage: `${name}: ${missing ? 'is required' : issue.message}${keys}`,
      meta: { param_name: name, location: where, ...(index !== undefined ? { index } : {}) },
    };
  });
  return new InvitekitError(details[0]!, ...details.slice(1));
}

/**
 * Errors raised before core sees the request, by a body parser in the adapter (body-parser / http-errors
 * conventions: `status` and `type`), mapped here so adapters hold no error mapping of their own.
 */
export function bodyParserError(err: unknown): InvitekitError | undefined {
  const e = err as { status?: unknown; type?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object' || typeof e.status !== 'number' || e.status >= 500) return undefined;
  switch (e.type) {
    case 'entity.too.large':
      return new InvitekitError({
        code: 'request_body_too_large',
        message: 'request body too large',
        longMessage: 'The request body is larger than the configured limit',
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new InvitekitError({
        code: 'unsupported_content_type',
        message: 'unsupported encoding',
        longMessage: String(e.message),
      });
    default:
      return new InvitekitError({
        code: 'malformed_request_body',
        message: 'malformed request body',
        longMessage: `The request body is not valid JSON: ${String(e.message)}`,
      });
  }
}

/** Seconds a client is asked to wait (`Retry-After`) while the database is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_S = 1;

/**
 * Known errors become their response; a database outage a clean 503 with `Retry-After` (reported to
 * `onUnavailable`, which logs outages once per edge); anything else is a bug and a 500 without internals.
 */
export function toErrorResponse(
  err: unknown,
  onUnexpected?: (err: unknown) => void,
  onUnavailable?: (err: unknown) => void,
): InvitekitResponse {
  if (err instanceof InvitekitError) return errorResponse(err);
  const parsed = bodyParserError(err);
  if (parsed) return errorResponse(parsed);
  if (isDatabaseUnavailable(err)) {
    onUnavailable?.(err);
    return errorResponse(serviceUnavailable(UNAVAILABLE_RETRY_AFTER_S));
  }
  onUnexpected?.(err);
  return {
    status: errorCodes.internal_error,
    headers: HEADERS,
    body: body([
      { code: 'internal_error', message: 'internal error', longMessage: 'Something went wrong on our side' },
    ]),
  };
}

export const jsonResponse = (status: number, payload: unknown): InvitekitResponse => ({
  status,
  headers: HEADERS,
  body: payload,
});
