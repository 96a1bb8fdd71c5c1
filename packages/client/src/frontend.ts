import {
  createRequester,
  type FetchLike,
  type RequestOptions,
  type RetryOptions,
  segment,
} from './request.js';
import type {
  FrontendImportRow,
  ImportOptions,
  ImportRowsParams,
  ListInvitationsParams,
  ListJoinLinkUsesParams,
  ListParams,
  Page,
} from './types.js';
import type {
  ApplicationInvitation,
  CreateInvitationParams,
  CreateInvitationsParams,
  CreateJoinLinkParams,
  InvitationImport,
  InvitationImportWithRows,
  InvitationPreview,
  JoinLink,
  JoinLinkJoin,
  JoinLinkPreview,
  JoinLinkUse,
  OrganizationInvitation,
  OrganizationInvitationWithOrganization,
  OrganizationMembershipRequest,
  OrganizationSuggestion,
  UpdateInvitationParams,
} from './wire.gen.js';

export interface FrontendClientOptions {
  /** Where Invitekit is mounted, e.g. `https://api.example.com` (the client adds `/frontend/v1/...`). */
  baseUrl: string;
  /** The signed-in user's session token, sent as `Authorization: Bearer`; `null` when signed out. */
  getToken?: () => Promise<string | null | undefined> | string | null | undefined;
  /** A fetch to use instead of the global one (tests, server-side rendering with cookies, retries). */
  fetch?: FetchLike;
  /** Prefix of the Frontend API under `baseUrl` (default `/frontend/v1`). */
  frontendPath?: string;
  /**
   * Retries of a POST after a network error, a 502/503/504 or a `409 idempotency_key_in_use`, each with
   * the call's `Idempotency-Key` (default `{ retries: 2, baseDelayMs: 300, maxDelayMs: 5000 }`); `false`: none.
   */
  retry?: RetryOptions | false;
}

/** The Frontend API wraps answers as `{ response, client }`; the client returns `response`. */
type Wrapped<T> = T | { response: T; client?: unknown };

function unwrap<T>(body: Wrapped<T>): T {
  if (body && typeof body === 'object' && 'response' in body) return body.response;
  return body as T;
}

/** Lists come as `{ data, total_count }`; the bulk create may answer a bare array. */
function asPage<T>(value: Page<T> | T[]): Page<T> {
  return Array.isArray(value) ? { data: value, total_count: value.length } : value;
}

/** The Frontend API, as the signed-in user: their own invitations, the accept page, and admin actions. */
export function createFrontendClient(options: FrontendClientOptions) {
  const prefix = (options.frontendPath ?? '/frontend/v1').replace(/\/+$/, '');
  const request = createRequester({
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    retry: options.retry,
    headers: async (): Promise<Record<string, string>> => {
      const token = await options.getToken?.();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });
  const call = async <T>(
    method: string,
    path: string,
    init?: RequestOptions & { query?: Record<string, unknown>; body?: unknown; contentType?: string },
  ) => unwrap(await request<Wrapped<T>>(method, `${prefix}${path}`, init as never));
  const org = (id: string) => `/organizations/${segment(id)}/invitations`;
  const links = (id: string) => `/organizations/${segment(id)}/join_links`;

  return {
    /** The signed-in user's organization invitations (default: all statuses). */
    listMyInvitations: async (params: ListInvitationsParams = {}, init?: RequestOptions) =>
      asPage(
        await call<Page<OrganizationInvitationWithOrganization>>('GET', '/me/organization_invitations', {
          ...init,
          query: { ...params },
        }),
      ),
    /** Accepts one of the signed-in user's invitations; they become a member. */
    acceptMyInvitation: (invitationId: string, init?: RequestOptions) =>
      call<OrganizationInvitationWithOrganization>(
        'POST',
        `/me/organization_invitations/${segment(invitationId)}/accept`,
        init,
      ),
    /** Declines one of the signed-in user's invitations (an Invitekit addition to the Clerk API). */
    declineMyInvitation: (invitationId: string, init?: RequestOptions) =>
      call<OrganizationInvitationWithOrganization>(
        'POST',
        `/me/organization_invitations/${segment(invitationId)}/decline`,
        init,
      ),
    /** An organization's invitations, newest first. Admins only. */
    listOrganizationInvitations: async (
      organizationId: string,
      params: ListInvitationsParams = {},
      init?: RequestOptions,
    ) =>
      asPage(
        await call<Page<OrganizationInvitation>>('GET', org(organizationId), {
          ...init,
          query: { ...params },
        }),
      ),
    /** Invites one address. Admins only. */
    createOrganizationInvitation: (
      organizationId: string,
      params: CreateInvitationParams,
      init?: RequestOptions,
    ) => call<OrganizationInvitation>('POST', org(organizationId), { ...init, body: params }),
    /** Invites up to 10 addresses with one role, all or nothing. Admins only. */
    createOrganizationInvitations: async (
      organizationId: string,
      params: CreateInvitationsParams,
      init?: RequestOptions,
    ) =>
      asPage(
        await call<Page<OrganizationInvitation> | OrganizationInvitation[]>(
          'POST',
          `${org(organizationId)}/bulk`,
          { ...init, body: params },
        ),
      ).data,
    /**
     * Invitekit extension: edits a pending invitation's role, expiry (`expires_in_days` from now) or locale.
     * Its link stays valid and nothing is emailed, unless `notify: true` (then a new link is emailed and the
     * old one stops working). Admins only.
     */
    updateOrganizationInvitation: (
      organizationId: string,
      invitationId: string,
      params: UpdateInvitationParams,
      init?: RequestOptions,
    ) =>
      call<OrganizationInvitation>('PATCH', `${org(organizationId)}/${segment(invitationId)}`, {
        ...init,
        body: params,
      }),
    /** Revokes a pending invitation; its link stops working. Admins only. */
    revokeOrganizationInvitation: (organizationId: string, invitationId: string, init?: RequestOptions) =>
      call<OrganizationInvitation>('POST', `${org(organizationId)}/${segment(invitationId)}/revoke`, init),
    /** Organizations the signed-in user may ask to join (verified domains in `automatic_suggestion` mode). */
    listMySuggestions: async (
      params: ListParams & { status?: 'pending' | 'accepted' } = {},
      init?: RequestOptions,
    ) =>
      asPage(
        await call<Page<OrganizationSuggestion>>('GET', '/me/organization_suggestions', {
          ...init,
          query: { ...params },
        }),
      ),
    /** Accepts a suggestion: a membership request goes to the organization's admins. */
    acceptMySuggestion: (suggestionId: string, init?: RequestOptions) =>
      call<OrganizationSuggestion>(
        'POST',
        `/me/organization_suggestions/${segment(suggestionId)}/accept`,
        init,
      ),
    /** An organization's membership requests (admins only). */
    listMembershipRequests: async (
      organizationId: string,
      params: ListParams & { status?: 'pending' | 'accepted' | 'rejected' } = {},
      init?: RequestOptions,
    ) =>
      asPage(
        await call<Page<OrganizationMembershipRequest>>(
          'GET',
          `/organizations/${segment(organizationId)}/membership_requests`,
          { ...init, query: { ...params } },
        ),
      ),
    /** Accepts (the person becomes a member) or rejects a pending membership request. Admins only. */
    decideMembershipRequest: (
      organizationId: string,
      requestId: string,
      decision: 'accept' | 'reject',
      init?: RequestOptions,
    ) =>
      call<OrganizationMembershipRequest>(
        'POST',
        `/organizations/${segment(organizationId)}/membership_requests/${segment(requestId)}/${decision}`,
        init,
      ),
    /**
     * Invitekit extension: imports up to 10,000 invitations (a CSV text with a header row, or rows) into an
     * organization the signed-in user administers; they are the inviter. Answers at once (202) with the
     * queued import; poll getOrganizationInvitationImport for progress.
     */
    importOrganizationInvitations: (
      organizationId: string,
      rows: string | readonly FrontendImportRow[],
      options: ImportOptions = {},
      init?: RequestOptions,
    ) =>
      call<InvitationImport>('POST', `${org(organizationId)}/import`, {
        ...init,
        query: { ...options },
        body: rows,
        contentType: 'text/csv',
      }),
    /** Invitekit extension: an import's status, progress and a page of its rows' results. Admins only. */
    getOrganizationInvitationImport: (
      organizationId: string,
      importId: string,
      params: ImportRowsParams = {},
      init?: RequestOptions,
    ) =>
      call<InvitationImportWithRows>('GET', `${org(organizationId)}/imports/${segment(importId)}`, {
        ...init,
        query: { ...params },
      }),
    /** What an invitation link leads to; needs no session. */
    previewTicket: (token: string, init?: RequestOptions) =>
      call<InvitationPreview>('POST', '/tickets/preview', { ...init, body: { token } }),
    /**
     * Accepts the invitation behind a link as the signed-in user (their verified address must match):
     * an organization invitation (with its organization), or an application invitation.
     */
    acceptTicket: (token: string, init?: RequestOptions) =>
      call<OrganizationInvitationWithOrganization | ApplicationInvitation>('POST', '/tickets/accept', {
        ...init,
        body: { token },
      }),

    // ---- Join links (Invitekit extension) ----
    /** What a join link offers; needs no session and never uses the link up. */
    previewJoinLink: (token: string, init?: RequestOptions) =>
      call<JoinLinkPreview>('POST', '/join_links/preview', { ...init, body: { token } }),
    /**
     * Joins the organization behind a join link as the signed-in user (a verified address, on an allowed
     * domain when the link names some). `status` is `joined`, or `pending` when an admin must approve.
     */
    acceptJoinLink: (token: string, init?: RequestOptions) =>
      call<JoinLinkJoin>('POST', '/join_links/accept', { ...init, body: { token } }),
    /** Creates a join link; its `url` (with the token) is on this answer only. Admins only. */
    createJoinLink: (organizationId: string, params: CreateJoinLinkParams, init?: RequestOptions) =>
      call<JoinLink>('POST', links(organizationId), { ...init, body: params }),
    /** An organization's join links, newest first (without their urls). Admins only. */
    listJoinLinks: async (organizationId: string, params: ListParams = {}, init?: RequestOptions) =>
      asPage(await call<Page<JoinLink>>('GET', links(organizationId), { ...init, query: { ...params } })),
    /** Revokes a join link: nobody can join through it any more. Admins only. */
    revokeJoinLink: (organizationId: string, joinLinkId: string, init?: RequestOptions) =>
      call<JoinLink>('POST', `${links(organizationId)}/${segment(joinLinkId)}/revoke`, init),
    /** Who used a join link and when, and pending requests. Admins only. */
    listJoinLinkUses: async (
      organizationId: string,
      joinLinkId: string,
      params: ListJoinLinkUsesParams = {},
      init?: RequestOptions,
    ) =>
      asPage(
        await call<Page<JoinLinkUse>>('GET', `${links(organizationId)}/${segment(joinLinkId)}/uses`, {
          ...init,
          query: { ...params },
        }),
      ),
    /** Approves a pending join request: the person becomes a member. Admins only. */
    approveJoinLinkUse: (organizationId: string, joinLinkId: string, useId: string, init?: RequestOptions) =>
      call<JoinLinkUse>(
        'POST',
        `${links(organizationId)}/${segment(joinLinkId)}/uses/${segment(useId)}/approve`,
        init,
      ),
    /** Rejects a pending join request. Admins only. */
    rejectJoinLinkUse: (organizationId: string, joinLinkId: string, useId: string, init?: RequestOptions) =>
      call<JoinLinkUse>(
        'POST',
        `${links(organizationId)}/${segment(joinLinkId)}/uses/${segment(useId)}/reject`,
        init,
      ),
  };
}

export type FrontendClient = ReturnType<typeof createFrontendClient>;
