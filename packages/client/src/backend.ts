import { createRequester, type FetchLike, type RequestOptions, segment } from './request.js';
import type {
  ImportOptions,
  ImportRow,
  ImportRowsParams,
  ListInvitationsParams,
  ListParams,
  Page,
} from './types.js';
import type {
  BackendCreateInvitationParams,
  BackendOrganizationInvitation,
  InvitationImport,
  InvitationImportWithRows,
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
