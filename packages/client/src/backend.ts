import {
  createRequester,
  type FetchLike,
  type RequestOptions,
  type RetryOptions,
  segment,
} from './request.js';
import type {
  ImportOptions,
  ImportRow,
  ImportRowsParams,
  ListInvitationsParams,
  ListJoinLinkUsesParams,
  ListParams,
  Page,
} from './types.js';
import type {
  BackendCreateInvitationParams,
  BackendCreateJoinLinkParams,
  BackendEditedOrganizationInvitation,
  BackendOrganizationInvitation,
  BackendUpdateInvitationParams,
  InvitationImport,
  InvitationImportWithRows,
  JoinLink,
  JoinLinkUse,
  Organization,
  OrganizationMembership,
  User,
} from './wire.gen.js';

export interface BackendClientOptions {
  /** Where Invitekit is mounted; the client adds `/v1/...`. */
  baseUrl: string;
  /** A Backend API secret key. Server-side only: never ship it to a browser. */
  secretKey: string;
  fetch?: FetchLike;
  /**
   * Retries of a POST after a network error, a 502/503/504 or a `409 idempotency_key_in_use`, each with
   * the call's `Idempotency-Key` (default `{ retries: 2, baseDelayMs: 300, maxDelayMs: 5000 }`); `false`: none.
   */
  retry?: RetryOptions | false;
}

type Metadata = Record<string, unknown>;

/**
 * The Backend API (secret key), for Node callers: organization invitations with private metadata, and
 * the minimal directory (users, organizations, memberships) Invitekit keeps.
 */
export function createBackendClient(options: BackendClientOptions) {
  const request = createRequester({
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    retry: options.retry,
    headers: () => ({ authorization: `Bearer ${options.secretKey}` }),
  });
  const orgPath = (id: string) => `/v1/organizations/${segment(id)}`;
  return {
    users: {
      create: (
        params: {
          email_address: string[];
          first_name?: string | null;
          last_name?: string | null;
          external_id?: string | null;
        },
        init?: RequestOptions,
      ) => request<User>('POST', '/v1/users', { ...init, body: params }),
      get: (userId: string, init?: RequestOptions) =>
        request<User>('GET', `/v1/users/${segment(userId)}`, init),
      list: (
        params: ListParams & { email_address?: string[]; user_id?: string[] } = {},
        init?: RequestOptions,
      ) => request<User[]>('GET', '/v1/users', { ...init, query: { ...params } }),
    },
    organizations: {
      create: (
        params: { name: string; slug?: string; created_by?: string; public_metadata?: Metadata },
        init?: RequestOptions,
      ) => request<Organization>('POST', '/v1/organizations', { ...init, body: params }),
      /** By id or slug. */
      get: (idOrSlug: string, init?: RequestOptions) => request<Organization>('GET', orgPath(idOrSlug), init),
    },
    memberships: {
      create: (organizationId: string, params: { user_id: string; role: string }, init?: RequestOptions) =>
        request<OrganizationMembership>('POST', `${orgPath(organizationId)}/memberships`, {
          ...init,
          body: params,
        }),
      list: (organizationId: string, params: ListParams = {}, init?: RequestOptions) =>
        request<Page<OrganizationMembership>>('GET', `${orgPath(organizationId)}/memberships`, {
          ...init,
          query: { ...params },
        }),
    },
    organizationInvitations: {
      create: (organizationId: string, params: BackendCreateInvitationParams, init?: RequestOptions) =>
        request<BackendOrganizationInvitation>('POST', `${orgPath(organizationId)}/invitations`, {
          ...init,
          body: params,
        }),
      list: (organizationId: string, params: ListInvitationsParams = {}, init?: RequestOptions) =>
        request<Page<BackendOrganizationInvitation>>('GET', `${orgPath(organizationId)}/invitations`, {
          ...init,
          query: { ...params },
        }),
      get: (organizationId: string, invitationId: string, init?: RequestOptions) =>
        request<BackendOrganizationInvitation>(
          'GET',
          `${orgPath(organizationId)}/invitations/${segment(invitationId)}`,
          init,
        ),
      /**
       * Invitekit extension: edits a pending invitation (role, public and private metadata, expiry, locale);
       * its link stays valid and nothing is emailed unless `notify: true`. The answer adds `locale`.
       */
      update: (
        organizationId: string,
        invitationId: string,
        params: BackendUpdateInvitationParams,
        init?: RequestOptions,
      ) =>
        request<BackendEditedOrganizationInvitation>(
          'PATCH',
          `${orgPath(organizationId)}/invitations/${segment(invitationId)}`,
          { ...init, body: params },
        ),
      revoke: (
        organizationId: string,
        invitationId: string,
        params: { requesting_user_id?: string } = {},
        init?: RequestOptions,
      ) =>
        request<BackendOrganizationInvitation>(
          'POST',
          `${orgPath(organizationId)}/invitations/${segment(invitationId)}/revoke`,
          { ...init, body: params },
        ),
    },
    /** Join links (Invitekit extension). */
    joinLinks: {
      /** `created_by` must be an admin; the answer's `url` holds the token, on this answer only. */
      create: (organizationId: string, params: BackendCreateJoinLinkParams, init?: RequestOptions) =>
        request<JoinLink>('POST', `${orgPath(organizationId)}/join_links`, { ...init, body: params }),
      list: (organizationId: string, params: ListParams = {}, init?: RequestOptions) =>
        request<Page<JoinLink>>('GET', `${orgPath(organizationId)}/join_links`, {
          ...init,
          query: { ...params },
        }),
      get: (organizationId: string, joinLinkId: string, init?: RequestOptions) =>
        request<JoinLink>('GET', `${orgPath(organizationId)}/join_links/${segment(joinLinkId)}`, init),
      revoke: (
        organizationId: string,
        joinLinkId: string,
        params: { requesting_user_id?: string } = {},
        init?: RequestOptions,
      ) =>
        request<JoinLink>('POST', `${orgPath(organizationId)}/join_links/${segment(joinLinkId)}/revoke`, {
          ...init,
          body: params,
        }),
      listUses: (
        organizationId: string,
        joinLinkId: string,
        params: ListJoinLinkUsesParams = {},
        init?: RequestOptions,
      ) =>
        request<Page<JoinLinkUse>>(
          'GET',
          `${orgPath(organizationId)}/join_links/${segment(joinLinkId)}/uses`,
          { ...init, query: { ...params } },
        ),
      approveUse: (
        organizationId: string,
        joinLinkId: string,
        useId: string,
        params: { requesting_user_id?: string } = {},
        init?: RequestOptions,
      ) =>
        request<JoinLinkUse>(
          'POST',
          `${orgPath(organizationId)}/join_links/${segment(joinLinkId)}/uses/${segment(useId)}/approve`,
          { ...init, body: params },
        ),
      rejectUse: (
        organizationId: string,
        joinLinkId: string,
        useId: string,
        params: { requesting_user_id?: string } = {},
        init?: RequestOptions,
      ) =>
        request<JoinLinkUse>(
          'POST',
          `${orgPath(organizationId)}/join_links/${segment(joinLinkId)}/uses/${segment(useId)}/reject`,
          { ...init, body: params },
        ),
    },
    /** Invitekit extension: large imports (CSV text or rows, up to 10,000), processed in the background. */
    invitationImports: {
      create: (
        organizationId: string,
        rows: string | readonly ImportRow[],
        options: ImportOptions & { inviter_user_id?: string } = {},
        init?: RequestOptions,
      ) =>
        request<InvitationImport>('POST', `${orgPath(organizationId)}/invitations/import`, {
          ...init,
          query: { ...options },
          body: rows,
          contentType: 'text/csv',
        }),
      get: (organizationId: string, importId: string, params: ImportRowsParams = {}, init?: RequestOptions) =>
        request<InvitationImportWithRows>(
          'GET',
          `${orgPath(organizationId)}/invitations/imports/${segment(importId)}`,
          { ...init, query: { ...params } },
        ),
    },
  };
}

export type BackendClient = ReturnType<typeof createBackendClient>;
