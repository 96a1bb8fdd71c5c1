/**
 * Every error a caller can cause has a stable `code`, an HTTP status and the ClerkErrors body shape.
 * The table below is the single list of codes; docs/ERRORS.md (in the core README) mirrors it.
 */
export const errorCodes = {
  authentication_invalid: 401,
  authorization_invalid: 403,
  malformed_request_body: 400,
  malformed_request: 400,
  request_timeout: 408,
  request_header_fields_too_large: 431,
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
  organization_minimum_permissions_needed: 400,
  organization_creator_not_found: 400,
  invitation_not_pending: 400,
  organization_invitation_not_pending: 400,
  organization_membership_quota_exceeded: 403,
  organization_domain_common: 400,
  organization_domain_blocked: 400,
  organization_domain_already_exists: 400,
  organization_domain_verified_elsewhere: 400,
  organization_domain_quota_exceeded: 403,
  organization_suggestion_not_pending: 400,
  organization_membership_request_not_pending: 400,
  organization_membership_request_already_pending: 400,
  redirect_url_not_allowed: 422,
  invitation_token_invalid: 404,
  invitation_email_mismatch: 403,
  inviter_no_longer_admin: 403,
  too_many_requests: 429,
  idempotency_key_invalid: 400,
  idempotency_key_mismatch: 422,
  idempotency_key_in_use: 409,
  // Invitekit extension: join links (domain/join-links.ts).
  join_link_token_invalid: 404,
  join_link_not_active: 400,
  join_link_role_not_allowed: 422,
  join_link_email_not_allowed: 403,
  join_link_use_not_pending: 400,
  not_an_admin_in_organization: 403,
  resource_not_found: 404,
  method_not_allowed: 405,
  internal_error: 500,
  service_unavailable: 503,
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

/** An organization invitation is no longer pending: Clerk's code and message, with `meta.status`. */
export const organizationInvitationNotPending = (status: string, action: string) =>
  new InvitekitError({
    code: 'organization_invitation_not_pending',
    message: 'not pending',
    longMessage: `The organization invitation is not in the 'pending' status: it is ${status}, so it cannot be ${action}.`,
    meta: { status },
  });

/**
 * Pending invitations already hold these addresses (Clerk's `duplicate_record`). `meta.email_addresses`
 * lists them; @clerk/backend reads it as `errors[0].meta.emailAddresses`.
 */
export const duplicateInvitations = (emails: string[], scope = '') =>
  new InvitekitError({
    code: 'duplicate_record',
    message: 'duplicate invitation',
    longMessage: `There are already pending invitations${scope} for the following email addresses: ${emails.join(', ')}`,
    meta: { param_name: 'email_address', email_addresses: emails },
  });

/** These addresses belong to members of the organization already (`meta.email_addresses` names them). */
export const alreadyMembers = (emails: string[], organization: { id: string; name: string }) =>
  new InvitekitError({
    code: 'already_a_member_in_organization',
    message: 'already a member',
    longMessage: `${emails.join(', ')} ${emails.length === 1 ? 'is' : 'are'} already a member of ${organization.name}.`,
    meta: { param_name: 'email_address', email_addresses: emails, organization_id: organization.id },
  });

/**
 * Clerk's membership quota: an organization with `max_allowed_memberships` set holds at most that many
 * members and pending invitations together.
 */
export const membershipQuotaExceeded = (limit: number) =>
  new InvitekitError({
    code: 'organization_membership_quota_exceeded',
    message: 'organization membership quota exceeded',
    longMessage: `You have reached your limit of ${limit} organization memberships, including outstanding invitations.`,
    meta: { limit },
  });

/** A dependency (the database) is down: a clean 503 the caller may retry after `retryAfter` seconds. */
export const serviceUnavailable = (retryAfter: number) =>
  new InvitekitError({
    code: 'service_unavailable',
    message: 'service unavailable',
    longMessage: `The database is unavailable; retry in ${retryAfter} s`,
    meta: { retry_after: retryAfter },
  });

/** Names the organization, not its id: people read this on accept and join pages. */
export const alreadyMember = (organization: { id: string; name: string }) =>
  new InvitekitError({
    code: 'already_a_member_in_organization',
    message: 'already a member',
    longMessage: `You are already a member of ${organization.name}`,
    meta: { organization_id: organization.id },
  });
