import type { ClerkError } from './wire.gen.js';

/**
 * A non-2xx answer from Invitekit. `errors` is the ClerkErrors body as sent (`code`, `message`,
 * `long_message`, `meta`); `code` is the first error's code, the one to branch on.
 */
export class InvitekitApiError extends Error {
  override readonly name = 'InvitekitApiError';
  readonly status: number;
  readonly errors: ClerkError[];
  readonly clerkTraceId: string | undefined;

  constructor(status: number, errors: ClerkError[], clerkTraceId?: string) {
    const first = errors[0];
    super(first ? `${first.code}: ${first.long_message || first.message}` : `HTTP ${status}`);
    this.status = status;
    this.errors = errors;
    this.clerkTraceId = clerkTraceId;
  }

  /** The first error's code, e.g. `invitation_not_pending`; `unexpected_response` for a non-ClerkErrors body. */
  get code(): string {
    return this.errors[0]?.code ?? 'unexpected_response';
  }

  /** The first error's `meta` (e.g. `{ status: 'revoked' }` on `invitation_not_pending`). */
  get meta(): Record<string, unknown> {
    return this.errors[0]?.meta ?? {};
  }
}

/**
 * True for errors the API answered with (as opposed to network failures or aborts). Also recognises
 * errors from another copy of this package (duplicated installs).
 */
export function isInvitekitApiError(error: unknown): error is InvitekitApiError {
  if (error instanceof InvitekitApiError) return true;
  const e = error as Partial<InvitekitApiError> | null;
  return !!e && e.name === 'InvitekitApiError' && typeof e.status === 'number' && Array.isArray(e.errors);
}
