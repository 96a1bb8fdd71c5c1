import type { z } from 'zod';
import { type ErrorCode, type ErrorDetail, errorCodes, InvitekitError } from '../domain/errors.js';
import type { InvitekitResponse } from './types.js';

// Exactly `application/json`, as Clerk sends it: @clerk/backend parses a body as JSON only on that exact value.
const JSON_HEADERS = { 'content-type': 'application/json' };

function body(errors: ErrorDetail[]) {
  return {
    errors: errors.map((e) => ({
      message: e.message,
      long_message: e.longMessage ?? e.message,
      code: e.code,
      ...(e.meta ? { meta: e.meta } : {}),
    })),
  };
}

export const errorResponse = (err: InvitekitError): InvitekitResponse => {
  const retryAfter = err.errors[0]?.meta?.retry_after;
  return {
    status: err.status,
    headers:
      typeof retryAfter === 'number' ? { ...JSON_HEADERS, 'retry-after': String(retryAfter) } : JSON_HEADERS,
    body: body(err.errors),
  };
};

/** The dotted parameter name for a zod path: `[2].role`, `public_metadata.x`. */
const paramName = (path: PropertyKey[]) =>
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

/** Known errors become their response; anything else is a bug and a 500 without internals. */
export function toErrorResponse(err: unknown, onUnexpected?: (err: unknown) => void): InvitekitResponse {
  if (err instanceof InvitekitError) return errorResponse(err);
  const parsed = bodyParserError(err);
  if (parsed) return errorResponse(parsed);
  onUnexpected?.(err);
  return {
    status: errorCodes.internal_error,
    headers: JSON_HEADERS,
    body: body([
      { code: 'internal_error', message: 'internal error', longMessage: 'Something went wrong on our side' },
    ]),
  };
}

export const jsonResponse = (status: number, payload: unknown): InvitekitResponse => ({
  status,
  headers: JSON_HEADERS,
  body: payload,
});
