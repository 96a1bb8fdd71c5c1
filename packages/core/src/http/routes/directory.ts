import { z } from 'zod';
import {
  DeletedObjectSchema,
  MembershipSchema,
  MembershipsSchema,
  OrganizationSchema,
  OrganizationsSchema,
  TotalCountSchema,
  UserListSchema,
  UserSchema,
} from '../../wire/responses.js';
import { membership, organization, page, totalCount, user } from '../../wire/serialize.js';
import {
  booleanParam,
  emailBody,
  intBody,
  limitParam,
  listParam,
  metadataBody,
  offsetParam,
  orderByParam,
  stringParam,
} from '../params.js';
import { defineRoute } from '../route.js';
import {
  membershipFilterQuery,
  membershipOrderFields,
  toMembershipFilter,
  toUserFilter,
  userFilterQuery,
} from './directory-filters.js';

// The directory is a minimal subset of Clerk's: bodies accept Clerk's other fields and ignore them.

const name = z.string().max(256).nullable().optional();
const userParams = z.object({ user_id: z.string().min(1) });
const orgParams = z.object({ organization_id: z.string().min(1) });

export const directoryRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/users',
    operationId: 'CreateUser',
    summary: 'Create a user',
    tags: ['Users'],
    auth: 'secret',
    body: z.object({
      email_address: z.array(emailBody).max(10).optional(),
      external_id: z.string().min(1).max(256).nullable().optional(),
      first_name: name,
      last_name: name,
      public_metadata: metadataBody,
      private_metadata: metadataBody,
      unsafe_metadata: metadataBody,
    }),
    response: UserSchema,
    handler: async ({ body }, { services }) =>
      user(
        await services.users.create({
          emailAddresses: body.email_address,
          externalId: body.external_id,
          firstName: body.first_name,
          lastName: body.last_name,
          publicMetadata: body.public_metadata,
          privateMetadata: body.private_metadata,
          unsafeMetadata: body.unsafe_metadata,
        }),
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/users',
    operationId: 'GetUserList',
    summary: 'List users, newest first',
    tags: ['Users'],
    auth: 'secret',
    query: z.object({
      limit: limitParam,
      offset: offsetParam,
      ...userFilterQuery,
      order_by: orderByParam(
        [
          'created_at',
          'updated_at',
          'email_address',
          'first_name',
          'last_name',
          'phone_number',
          'username',
          'web3wallet',
          'last_active_at',
          'last_sign_in_at',
        ],
        '-created_at',
      ),
    }),
    response: UserListSchema,
    handler: async ({ query }, { services }) =>
      (
        await services.users.list({
          ...toUserFilter(query),
          limit: query.limit,
          offset: query.offset,
          orderBy: query.order_by,
        })
      ).map(user),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/users/count',
    operationId: 'GetUsersCount',
    summary: 'Count users (the same filters as the list)',
    tags: ['Users'],
    auth: 'secret',
    query: z.object(userFilterQuery),
    response: TotalCountSchema,
    handler: async ({ query }, { services }) => totalCount(await services.users.count(toUserFilter(query))),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/users/{user_id}',
    operationId: 'GetUser',
    summary: 'Retrieve a user',
    tags: ['Users'],
    auth: 'secret',
    params: userParams,
    response: UserSchema,
    handler: async ({ params }, { services }) => user(await services.users.get(params.user_id)),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/users/{user_id}',
    operationId: 'UpdateUser',
    summary: 'Update a user',
    tags: ['Users'],
    auth: 'secret',
    params: userParams,
    body: z.object({
      external_id: z.string().min(1).max(256).nullable().optional(),
      first_name: name,
      last_name: name,
      primary_email_address_id: z.string().min(1).nullable().optional(),
      public_metadata: metadataBody,
      private_metadata: metadataBody,
      unsafe_metadata: metadataBody,
    }),
    response: UserSchema,
    handler: async ({ params, body }, { services }) =>
      user(
        await services.users.update(params.user_id, {
          externalId: body.external_id,
          firstName: body.first_name,
          lastName: body.last_name,
          primaryEmailAddressId: body.primary_email_address_id,
          publicMetadata: body.public_metadata,
          privateMetadata: body.private_metadata,
          unsafeMetadata: body.unsafe_metadata,
        }),
      ),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/users/{user_id}',
    operationId: 'DeleteUser',
    summary: 'Delete a user',
    tags: ['Users'],
    auth: 'secret',
    params: userParams,
    response: DeletedObjectSchema,
    handler: async ({ params }, { services }) => services.users.delete(params.user_id),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/organizations',
    operationId: 'CreateOrganization',
    summary: 'Create an organization; created_by becomes its first admin',
    tags: ['Organizations'],
    auth: 'secret',
    body: z.object({
      name: z.string().min(1).max(256),
      slug: z.string().min(1).max(64).nullable().optional(),
      created_by: z.string().min(1).nullable().optional(),
      public_metadata: metadataBody,
      private_metadata: metadataBody,
      max_allowed_memberships: intBody(0).nullable().optional(),
      locale: z
        .string()
        .min(1)
        .max(64)
        .nullable()
        .optional()
        .describe('Invitekit extension: default BCP 47 locale of its invitations.'),
    }),
    response: OrganizationSchema,
    handler: async ({ body }, { services }) =>
      organization(
        await services.organizations.create({
          name: body.name,
          slug: body.slug,
          createdBy: body.created_by,
          publicMetadata: body.public_metadata,
          privateMetadata: body.private_metadata,
          maxAllowedMemberships: body.max_allowed_memberships,
          locale: body.locale,
        }),
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations',
    operationId: 'ListOrganizations',
    summary: 'List organizations, newest first',
    tags: ['Organizations'],
    auth: 'secret',
    query: z.object({
      limit: limitParam,
      offset: offsetParam,
      query: stringParam,
      include_members_count: booleanParam,
      include_missing_member_with_elevated_permissions: booleanParam.describe('Accepted and ignored.'),
      organization_id: listParam(z.string()).describe('Prefix - to exclude, + (or none) to include.'),
      user_id: listParam(z.string()).describe('Organizations with (+ or none) or without (-) these members.'),
      order_by: orderByParam(['created_at', 'name', 'members_count'], '-created_at'),
    }),
    response: OrganizationsSchema,
    handler: async ({ query }, { services }) =>
      page(
        await services.organizations.list({
          limit: query.limit,
          offset: query.offset,
          query: query.query,
          organizationIds: query.organization_id,
          userIds: query.user_id,
          includeMembersCount: query.include_members_count,
          orderBy: query.order_by,
        }),
        organization,
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{organization_id}',
    operationId: 'GetOrganization',
    summary: 'Retrieve an organization by id or slug',
    tags: ['Organizations'],
    auth: 'secret',
    params: orgParams,
    query: z.object({
      include_members_count: booleanParam,
      include_missing_member_with_elevated_permissions: booleanParam.describe('Accepted and ignored.'),
    }),
    response: OrganizationSchema,
    handler: async ({ params, query }, { services }) =>
      organization(
        await services.organizations.get(params.organization_id, {
          includeMembersCount: query.include_members_count,
        }),
      ),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/organizations/{organization_id}',
    operationId: 'UpdateOrganization',
    summary: 'Update an organization',
    tags: ['Organizations'],
    auth: 'secret',
    params: orgParams,
    body: z.strictObject({
      name: z.string().min(1).max(256).nullable().optional(),
      slug: z.string().min(1).max(64).nullable().optional(),
      max_allowed_memberships: intBody(0).nullable().optional(),
      admin_delete_enabled: z.boolean().nullable().optional(),
      locale: z
        .string()
        .max(64)
        .nullable()
        .optional()
        .describe("Invitekit extension: default BCP 47 locale of its invitations; '' clears it."),
    }),
    response: OrganizationSchema,
    handler: async ({ params, body }, { services }) =>
      organization(
        await services.organizations.update(params.organization_id, {
          name: body.name,
          slug: body.slug,
          maxAllowedMemberships: body.max_allowed_memberships,
          adminDeleteEnabled: body.admin_delete_enabled,
          locale: body.locale,
        }),
      ),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/organizations/{organization_id}',
    operationId: 'DeleteOrganization',
    summary: 'Delete an organization with its memberships and invitations',
    tags: ['Organizations'],
    auth: 'secret',
    params: orgParams,
    response: DeletedObjectSchema,
    handler: async ({ params }, { services }) => services.organizations.delete(params.organization_id),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/organizations/{organization_id}/memberships',
    operationId: 'CreateOrganizationMembership',
    summary: 'Add a user to an organization',
    tags: ['Organization Memberships'],
    auth: 'secret',
    params: orgParams,
    body: z.object({
      user_id: z.string().min(1),
      role: z.string().min(1),
      public_metadata: metadataBody,
      private_metadata: metadataBody,
    }),
    response: MembershipSchema,
    handler: async ({ params, body }, { services, roles }) =>
      membership(
        await services.memberships.create(params.organization_id, {
          userId: body.user_id,
          role: body.role,
          publicMetadata: body.public_metadata,
          privateMetadata: body.private_metadata,
        }),
        roles,
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{organization_id}/memberships',
    operationId: 'ListOrganizationMemberships',
    summary: "List an organization's memberships",
    tags: ['Organization Memberships'],
    auth: 'secret',
    params: orgParams,
    query: z.object({
      limit: limitParam,
      offset: offsetParam,
      ...membershipFilterQuery,
      order_by: orderByParam(membershipOrderFields, '-created_at'),
    }),
    response: MembershipsSchema,
    handler: async ({ params, query }, { services, roles }) =>
      page(
        await services.memberships.list(params.organization_id, {
          ...toMembershipFilter(query),
          limit: query.limit,
          offset: query.offset,
          orderBy: query.order_by,
        }),
        (m) => membership(m, roles),
      ),
  }),
];
