import { z } from 'zod';
import { OrganizationSchema, UserSchema } from '../../wire/responses.js';
import { organization, user } from '../../wire/serialize.js';
import { metadataBody } from '../params.js';
import { defineRoute } from '../route.js';

// Clerk's metadata endpoints: PATCH deep-merges (null removes a key at any level), PUT replaces each
// given object whole (null clears it). Omitted objects are left as they are.

const userParams = z.object({ user_id: z.string().min(1) });
const orgParams = z.object({ organization_id: z.string().min(1) });
const userBody = z.strictObject({
  public_metadata: metadataBody,
  private_metadata: metadataBody,
  unsafe_metadata: metadataBody,
});
const orgBody = z.strictObject({ public_metadata: metadataBody, private_metadata: metadataBody });

const userInput = (body: z.output<typeof userBody>) => ({
  publicMetadata: body.public_metadata,
  privateMetadata: body.private_metadata,
  unsafeMetadata: body.unsafe_metadata,
});
const orgInput = (body: z.output<typeof orgBody>) => ({
  publicMetadata: body.public_metadata,
  privateMetadata: body.private_metadata,
});

export const metadataRoutes = [
  defineRoute({
    method: 'PATCH',
    path: '/v1/users/{user_id}/metadata',
    operationId: 'UpdateUserMetadata',
    summary: "Deep-merge a user's metadata",
    tags: ['Users'],
    auth: 'secret',
    params: userParams,
    body: userBody,
    bodyOptional: true,
    response: UserSchema,
    handler: async ({ params, body }, { services }) =>
      user(await services.users.mergeMetadata(params.user_id, userInput(body))),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/users/{user_id}/metadata',
    operationId: 'ReplaceUserMetadata',
    summary: "Replace a user's metadata objects",
    tags: ['Users'],
    auth: 'secret',
    params: userParams,
    body: userBody,
    bodyOptional: true,
    response: UserSchema,
    handler: async ({ params, body }, { services }) =>
      user(await services.users.replaceMetadata(params.user_id, userInput(body))),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/organizations/{organization_id}/metadata',
    operationId: 'MergeOrganizationMetadata',
    summary: "Deep-merge an organization's metadata",
    tags: ['Organizations'],
    auth: 'secret',
    params: orgParams,
    body: orgBody,
    response: OrganizationSchema,
    handler: async ({ params, body }, { services }) =>
      organization(await services.organizations.mergeMetadata(params.organization_id, orgInput(body))),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/organizations/{organization_id}/metadata',
    operationId: 'ReplaceOrganizationMetadata',
    summary: "Replace an organization's metadata objects",
    tags: ['Organizations'],
    auth: 'secret',
    params: orgParams,
    body: orgBody,
    response: OrganizationSchema,
    handler: async ({ params, body }, { services }) =>
      organization(await services.organizations.replaceMetadata(params.organization_id, orgInput(body))),
  }),
];
