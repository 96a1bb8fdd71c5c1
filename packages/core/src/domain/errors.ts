/**
 * Every error a caller can cause has a stable `code`, an HTTP status and the ClerkErrors body shape.
 * The table below is the single list of codes; docs/ERRORS.md (in the core README) mirrors it.
 */
export const errorCodes = {
  authentication_invalid: 401,
  malformed_request_body: 400,
  request_body_too_large: 413,
  unsupported_content_type: 415,
  form_param_missing: 422,
  form_param_format_invalid: 422,
  form_param_value_invalid: 422,
  form_param_unknown: 422,
  form_param_exceeds_allowed_size: 422,
  duplicate_record: 400,
  form_identifier_exists: 400,
  already_a_member_in_organization: 400,
  invitation_not_pending: 400,
  redirect_url_not_allowed: 422,
  invitation_token_invalid: 404,
  invitation_email_mismatch: 403,
  inviter_no_longer_admin: 403,
  too_many_requests: 429,
  not_an_admin_in_organization: 403,
  resource_not_found: 404,
  method_not_allowed: 405,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export interface ErrorDetail {
  code: ErrorCode;
  message: string;
  longMessage?: string;
  meta?: Record<string, unknown>;
}

/** A known, caller-caused failure. Services throw it; the HTTP layer turns it into a ClerkErrors body. */
export class InvitekitError extends Error {
  readonly status: number;
  readonly errors: ErrorDetail[];

  constructor(first: ErrorDetail, ...rest: ErrorDetail[]) {
    super(first.longMessage ?? first.message);
    this.name = 'InvitekitError';
    this.errors = [first, ...rest];
    this.status = errorCodes[first.code];
  }
}

export const notFound = (what: string, id?: string) =>
  new InvitekitError({
    code: 'resource_not_found',
    message: 'not found',
    longMessage: id ? `No ${what} was found with id ${id}` : `No ${what} was found`,
    meta: id ? { id } : undefined,
  });

/**
 * The person is not an admin of the organization. Messages name the organization (people read them on
 * accept pages and admin screens); its id stays in `meta.organization_id` for code.
 */
export const notAnAdmin = (
  userId: string | null | undefined,
  organization: { id: string; name: string },
  param: string,
) =>
  new InvitekitError({
    code: 'not_an_admin_in_organization',
    message: 'not an admin',
    longMessage: userId
      ? `User ${userId} must be an admin of ${organization.name}`
      : `${param} is required: only an admin of ${organization.name} can do this`,
    meta: { param_name: param, organization_id: organization.id },
  });

export const invalidParam = (
  param: string,
  longMessage: string,
  code: ErrorCode = 'form_param_value_invalid',
  meta: Record<string, unknown> = {},
) => new InvitekitError({ code, message: 'is invalid', longMessage, meta: { param_name: param, ...meta } });

/** The invitation is no longer pending, so it cannot be revoked, resent or accepted. */
export const notPending = (status: string, action: string) =>
  new InvitekitError({
    code: 'invitation_not_pending',
    message: 'not pending',
    longMessage: `Only pending invitations can be ${action}; this one is ${status}`,
    meta: { status },
  });
