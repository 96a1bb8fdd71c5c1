import { createRequester, type FetchLike, type RequestOptions, segment } from './request.js';
import type { ImportOptions, ImportRow, ImportRowsParams, ListInvitationsParams, Page } from './types.js';
import type {
  ApplicationInvitation,
  CreateInvitationParams,
  CreateInvitationsParams,
  InvitationImport,
  InvitationImportWithRows,
  InvitationPreview,
  OrganizationInvitation,
  OrganizationInvitationWithOrganization,
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
    /** Revokes a pending invitation; its link stops working. Admins only. */
    revokeOrganizationInvitation: (organizationId: string, invitationId: string, init?: RequestOptions) =>
      call<OrganizationInvitation>('POST', `${org(organizationId)}/${segment(invitationId)}/revoke`, init),
    /**
     * Invitekit extension: imports up to 10,000 invitations (a CSV text with a header row, or rows) into an
     * organization the signed-in user administers; they are the inviter. Answers at once (202) with the
     * queued import; poll getOrganizationInvitationImport for progress.
     */
    importOrganizationInvitations: (
      organizationId: string,
      rows: string | readonly ImportRow[],
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
  };
}

export type FrontendClient = ReturnType<typeof createFrontendClient>;
