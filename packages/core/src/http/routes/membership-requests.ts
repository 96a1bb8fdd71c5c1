import { z } from 'zod';
import { membershipRequestStatuses } from '../../domain/organization-domains.js';
import {
  BackendMembershipRequestSchema,
  BackendMembershipRequestsSchema,
  backendMembershipRequest,
  FrontendMembershipRequestsWrapped,
  FrontendMembershipRequestWrapped,
  FrontendSuggestionsWrapped,
  FrontendSuggestionWrapped,
  membershipRequest,
  organizationSuggestion,
} from '../../wire/organization-domains.js';
import { clientWrapped, page } from '../../wire/serialize.js';
import { limitParam, listParam, offsetParam } from '../params.js';
import { defineRoute, type Route, type RouteContext } from '../route.js';
import type { AuthenticatedUser } from '../types.js';

// Suggestions (a person's, Frontend API) and membership requests (decided by admins: Frontend API as in
// contract/clerk-fapi-domains.yml, and the same three operations on the Backend API, an Invitekit extension).
// Requests come from accepted suggestions and from join links that require approval: one list, one decision.

const tags = ['Organization Membership Requests (Invitekit)'];
const orgParams = z.object({ organization_id: z.string().min(1) });
const requestParams = orgParams.extend({ request_id: z.string().min(1) });
const requestQuery = z.object({
  status: listParam(z.enum(membershipRequestStatuses)).describe('pending, accepted or rejected'),
  limit: limitParam,
  offset: offsetParam,
});
const signedIn = (user: AuthenticatedUser | null) => user!;
const requesting = z
  .strictObject({
    requesting_user_id: z
      .string()
      .min(1)
      .nullable()
      .optional()
      .describe('Must be an admin of the organization; recorded as the one who decided.'),
  })
  .optional();

/** The deciding admin named on a Backend API call, checked to be one (403 otherwise). */
async function decider(
  services: RouteContext['services'],
  organizationId: string,
  userId: string | null | undefined,
) {
  if (!userId) return {};
  await services.access.requireAdmin(organizationId, userId);
  return { decidedBy: userId };
}

export const membershipRequestRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{organization_id}/membership_requests',
    operationId: 'ListOrganizationMembershipRequests',
    summary:
      "Invitekit: an organization's membership requests (from accepted suggestions and join links that require approval), newest first",
    tags,
    auth: 'secret',
    params: orgParams,
    query: requestQuery,
    response: BackendMembershipRequestsSchema,
    handler: async ({ params, query }, { services }) =>
      page(
        await services.membershipRequests.list(params.organization_id, {
          statuses: query.status,
          limit: query.limit,
          offset: query.offset,
        }),
        backendMembershipRequest,
      ),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/organizations/{organization_id}/membership_requests/{request_id}/accept',
    operationId: 'AcceptOrganizationMembershipRequest',
    summary: 'Invitekit: accept a pending request; the person becomes a member with the default role',
    tags,
    auth: 'secret',
    params: requestParams,
    body: requesting,
    bodyOptional: true,
    response: BackendMembershipRequestSchema,
    handler: async ({ params, body }, { services }) =>
      backendMembershipRequest(
        await services.membershipRequests.accept(
          params.organization_id,
          params.request_id,
          await decider(services, params.organization_id, body?.requesting_user_id),
        ),
      ),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/organizations/{organization_id}/membership_requests/{request_id}/reject',
    operationId: 'RejectOrganizationMembershipRequest',
    summary: 'Invitekit: reject a pending request',
    tags,
    auth: 'secret',
    params: requestParams,
    body: requesting,
    bodyOptional: true,
    response: BackendMembershipRequestSchema,
    handler: async ({ params, body }, { services }) =>
      backendMembershipRequest(
        await services.membershipRequests.reject(
          params.organization_id,
          params.request_id,
          await decider(services, params.organization_id, body?.requesting_user_id),
        ),
      ),
  }),
];

export function frontendMembershipRequestRoutes(prefix: string): Route[] {
  const me = ['Frontend API: me'];
  const admin = ['Frontend API: organization admins'];
  return [
    defineRoute({
      method: 'GET',
      path: `${prefix}/me/organization_suggestions`,
      operationId: 'FrontendListMyOrganizationSuggestions',
      summary: 'Organizations I may ask to join, suggested by my verified addresses',
      tags: me,
      auth: 'user',
      query: z.object({
        status: listParam(z.enum(['pending', 'accepted'])),
        limit: limitParam,
        offset: offsetParam,
      }),
      response: FrontendSuggestionsWrapped,
      handler: async ({ query, user }, { services }) =>
        clientWrapped(
          page(
            await services.membershipRequests.listSuggestions(signedIn(user).id, {
              statuses: query.status,
              limit: query.limit,
              offset: query.offset,
            }),
            organizationSuggestion,
          ),
        ),
    }),
    defineRoute({
      method: 'POST',
      path: `${prefix}/me/organization_suggestions/{suggestion_id}/accept`,
      operationId: 'FrontendAcceptMyOrganizationSuggestion',
      summary: 'Accept a suggestion: a membership request goes to the organization’s admins',
      tags: me,
      auth: 'user',
      params: z.object({ suggestion_id: z.string().min(1) }),
      bodyOptional: true,
      response: FrontendSuggestionWrapped,
      handler: async ({ params, user }, { services }) =>
        clientWrapped(
          organizationSuggestion(
            await services.membershipRequests.acceptSuggestion(params.suggestion_id, signedIn(user).id),
          ),
        ),
    }),
    defineRoute({
      method: 'GET',
      path: `${prefix}/organizations/{organization_id}/membership_requests`,
      operationId: 'FrontendListOrganizationMembershipRequests',
      summary: "An organization's membership requests (admins only)",
      tags: admin,
      auth: 'user',
      params: orgParams,
      query: requestQuery,
      response: FrontendMembershipRequestsWrapped,
      handler: async ({ params, query, user }, { services }) => {
        await services.access.requireAdmin(params.organization_id, signedIn(user).id);
        return clientWrapped(
          page(
            await services.membershipRequests.list(params.organization_id, {
              statuses: query.status,
              limit: query.limit,
              offset: query.offset,
            }),
            membershipRequest,
          ),
        );
      },
    }),
    ...(['accept', 'reject'] as const).map((action) =>
      defineRoute({
        method: 'POST',
        path: `${prefix}/organizations/{organization_id}/membership_requests/{request_id}/${action}`,
        operationId: `Frontend${action === 'accept' ? 'Accept' : 'Reject'}OrganizationMembershipRequest`,
        summary: `${action === 'accept' ? 'Accept' : 'Reject'} a pending membership request (admins only)`,
        tags: admin,
        auth: 'user',
        params: requestParams,
        bodyOptional: true,
        response: FrontendMembershipRequestWrapped,
        handler: async ({ params, user }, { services }) => {
          await services.access.requireAdmin(params.organization_id, signedIn(user).id);
          return clientWrapped(
            membershipRequest(
              await services.membershipRequests[action](params.organization_id, params.request_id, {
                decidedBy: signedIn(user).id,
              }),
            ),
          );
        },
      }),
    ),
  ];
}
