import { z } from 'zod';
import { MembershipSchema, MembershipsSchema } from '../../wire/responses.js';
import { membership, page } from '../../wire/serialize.js';
import { limitParam, metadataBody, offsetParam, orderByParam } from '../params.js';
import { defineRoute } from '../route.js';
import { membershipOrderFields } from './directory-filters.js';

// One member's membership (by organization and user, as Clerk addresses it), a user's memberships and
// the instance-wide list. Creating and listing an organization's memberships are in directory.ts.

const tags = ['Organization Memberships'];
const memberParams = z.object({ organization_id: z.string().min(1), user_id: z.string().min(1) });

export const membershipRoutes = [
  defineRoute({
    method: 'PATCH',
    path: '/v1/organizations/{organization_id}/memberships/{user_id}',
    operationId: 'UpdateOrganizationMembership',
    summary: "Change a member's role; the last admin cannot be demoted",
    tags,
    auth: 'secret',
    params: memberParams,
    body: z.object({ role: z.string().min(1) }),
    response: MembershipSchema,
    handler: async ({ params, body }, { services, roles }) =>
      membership(
        await services.memberships.updateRole(params.organization_id, params.user_id, body.role),
        roles,
      ),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/organizations/{organization_id}/memberships/{user_id}',
    operationId: 'DeleteOrganizationMembership',
    summary: 'Remove a member (returns the membership as it was); the last admin cannot be removed',
    tags,
    auth: 'secret',
    params: memberParams,
    response: MembershipSchema,
    handler: async ({ params }, { services, roles }) =>
      membership(await services.memberships.delete(params.organization_id, params.user_id), roles),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/organizations/{organization_id}/memberships/{user_id}/metadata',
    operationId: 'UpdateOrganizationMembershipMetadata',
    summary: "Deep-merge a membership's metadata; null removes a key",
    tags,
    auth: 'secret',
    params: memberParams,
    body: z.strictObject({ public_metadata: metadataBody, private_metadata: metadataBody }),
    bodyOptional: true,
    response: MembershipSchema,
    handler: async ({ params, body }, { services, roles }) =>
      membership(
        await services.memberships.updateMetadata(params.organization_id, params.user_id, {
          publicMetadata: body.public_metadata,
          privateMetadata: body.private_metadata,
        }),
        roles,
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organization_memberships',
    operationId: 'InstanceGetOrganizationMemberships',
    summary: 'List every organization membership of the instance, newest first',
    tags,
    auth: 'secret',
    query: z.object({
      limit: limitParam,
      offset: offsetParam,
      order_by: orderByParam(membershipOrderFields, '-created_at'),
    }),
    response: MembershipsSchema,
    handler: async ({ query }, { services, roles }) =>
      page(
        await services.memberships.listInstance({
          limit: query.limit,
          offset: query.offset,
          orderBy: query.order_by,
        }),
        (m) => membership(m, roles),
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/users/{user_id}/organization_memberships',
    operationId: 'UsersGetOrganizationMemberships',
    summary: "List a user's organization memberships, newest first",
    tags: ['Users'],
    auth: 'secret',
    params: z.object({ user_id: z.string().min(1) }),
    query: z.object({ limit: limitParam, offset: offsetParam }),
    response: MembershipsSchema,
    handler: async ({ params, query }, { services, roles }) =>
      page(
        await services.memberships.listForUser(params.user_id, { limit: query.limit, offset: query.offset }),
        (m) => membership(m, roles),
      ),
  }),
];
