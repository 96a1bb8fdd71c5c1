import { z } from 'zod';
import {
  JoinLinkJoinWrapped,
  JoinLinkPreviewWrapped,
  JoinLinkSchema,
  JoinLinksSchema,
  JoinLinksWrapped,
  JoinLinkUseSchema,
  JoinLinkUsesSchema,
  JoinLinkUsesWrapped,
  JoinLinkUseWrapped,
  JoinLinkWrapped,
  joinLink,
  joinLinkJoin,
  joinLinkPage,
  joinLinkPreview,
  joinLinkUse,
} from '../../wire/join-links.js';
import { clientWrapped } from '../../wire/serialize.js';
import { intBody, limitParam, listParam, offsetParam } from '../params.js';
import { defineRoute, type Route } from '../route.js';
import type { AuthenticatedUser } from '../types.js';

// Invitekit extension: shareable join links (services/join-links.ts). Backend API routes under
// /v1/organizations/{organization_id}/join_links; Frontend API routes to preview and join through a link,
// and for admins to manage links from the browser.

const bapiTags = ['Join Links (Invitekit)'];
const fapiTags = ['Frontend API: join links (Invitekit)'];
const orgParams = z.object({ organization_id: z.string().min(1) });
const linkParams = orgParams.extend({ join_link_id: z.string().min(1) });
const useParams = linkParams.extend({ use_id: z.string().min(1) });
const page = { limit: limitParam, offset: offsetParam };
const usesQuery = z.object({ ...page, status: listParam(z.enum(['joined', 'pending', 'rejected'])) });

const linkFields = {
  role: z.string().min(1).describe('A configured role key, at most the configured join-link maximum.'),
  max_uses: intBody(1)
    .nullable()
    .optional()
    .describe('How many people may use the link (default unlimited).'),
  expires_in_days: intBody(1, 365)
    .nullable()
    .optional()
    .describe('Days until the link expires (default never).'),
  allowed_email_domains: z
    .array(z.string().min(1).max(253))
    .max(50)
    .nullable()
    .optional()
    .describe('Only people with a verified address on one of these domains may join (default any).'),
  require_approval: z
    .boolean()
    .nullable()
    .optional()
    .describe('Joins become pending requests that an admin approves or rejects (default false).'),
};
const requesting = z
  .strictObject({
    requesting_user_id: z
      .string()
      .min(1)
      .nullable()
      .optional()
      .describe('Must be an admin of the organization.'),
  })
  .optional();
const tokenBody = z.strictObject({
  token: z.string().min(1).max(512).describe('The join token from the link (`?join_token=`).'),
});

const toCreate = (b: { [K in keyof typeof linkFields]?: unknown } & { role: string }, createdBy: string) => ({
  role: b.role,
  maxUses: b.max_uses as number | null | undefined,
  expiresInDays: b.expires_in_days as number | null | undefined,
  allowedEmailDomains: b.allowed_email_domains as string[] | null | undefined,
  requireApproval: b.require_approval as boolean | null | undefined,
  createdBy,
});

const signedIn = (user: AuthenticatedUser | null) => user!;

export const joinLinkBackendRoutes: Route[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/organizations/{organization_id}/join_links',
    operationId: 'CreateJoinLink',
    summary: 'Invitekit: create a shareable join link (its `url` is returned once, on this response)',
    tags: bapiTags,
    auth: 'secret',
    params: orgParams,
    body: z.strictObject({
      ...linkFields,
      created_by: z.string().min(1).describe('An admin of the organization.'),
    }),
    response: JoinLinkSchema,
    handler: async ({ params, body }, { services, roles }) =>
      joinLink(
        await services.joinLinks.create(params.organization_id, toCreate(body, body.created_by)),
        roles,
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{organization_id}/join_links',
    operationId: 'ListJoinLinks',
    summary: "Invitekit: an organization's join links, newest first (never their tokens)",
    tags: bapiTags,
    auth: 'secret',
    params: orgParams,
    query: z.object(page),
    response: JoinLinksSchema,
    handler: async ({ params, query }, { services, roles }) =>
      joinLinkPage(await services.joinLinks.list(params.organization_id, query), (l) => joinLink(l, roles)),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{organization_id}/join_links/{join_link_id}',
    operationId: 'GetJoinLink',
    summary: 'Invitekit: one join link',
    tags: bapiTags,
    auth: 'secret',
    params: linkParams,
    response: JoinLinkSchema,
    handler: async ({ params }, { services, roles }) =>
      joinLink(await services.joinLinks.get(params.organization_id, params.join_link_id), roles),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/organizations/{organization_id}/join_links/{join_link_id}/revoke',
    operationId: 'RevokeJoinLink',
    summary: 'Invitekit: revoke a join link; nobody can join through it any more',
    tags: bapiTags,
    auth: 'secret',
    params: linkParams,
    body: requesting,
    bodyOptional: true,
    response: JoinLinkSchema,
    handler: async ({ params, body }, { services, roles }) =>
      joinLink(
        await services.joinLinks.revoke(params.organization_id, params.join_link_id, {
          requestingUserId: body?.requesting_user_id,
        }),
        roles,
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{organization_id}/join_links/{join_link_id}/uses',
    operationId: 'ListJoinLinkUses',
    summary: 'Invitekit: who used a join link and when, with pending approval requests',
    tags: bapiTags,
    auth: 'secret',
    params: linkParams,
    query: usesQuery,
    response: JoinLinkUsesSchema,
    handler: async ({ params, query }, { services }) =>
      joinLinkPage(
        await services.joinLinks.listUses(params.organization_id, params.join_link_id, query),
        joinLinkUse,
      ),
  }),
  ...(['approve', 'reject'] as const).map((action) =>
    defineRoute({
      method: 'POST',
      path: `/v1/organizations/{organization_id}/join_links/{join_link_id}/uses/{use_id}/${action}`,
      operationId: action === 'approve' ? 'ApproveJoinLinkUse' : 'RejectJoinLinkUse',
      summary:
        action === 'approve'
          ? 'Invitekit: approve a pending join request: the person becomes a member'
          : 'Invitekit: reject a pending join request (its use goes back to the link)',
      tags: bapiTags,
      auth: 'secret',
      params: useParams,
      body: requesting,
      bodyOptional: true,
      response: JoinLinkUseSchema,
      handler: async ({ params, body }, { services }) =>
        joinLinkUse(
          await services.joinLinks[action](params.organization_id, params.join_link_id, params.use_id, {
            requestingUserId: body?.requesting_user_id,
          }),
        ),
    }),
  ),
];

export function joinLinkFrontendRoutes(prefix: string): Route[] {
  const admin = async (
    services: Parameters<Route['handler']>[1]['services'],
    orgId: string,
    user: AuthenticatedUser | null,
  ) => services.access.requireAdmin(orgId, signedIn(user).id);
  return [
    defineRoute({
      method: 'POST',
      path: `${prefix}/join_links/preview`,
      operationId: 'FrontendPreviewJoinLink',
      limitedPerClient: true,
      summary: 'Invitekit: what a join link offers, before sign-in (never uses it up)',
      tags: fapiTags,
      auth: 'none',
      body: tokenBody,
      response: JoinLinkPreviewWrapped,
      handler: async ({ body }, { services }) =>
        clientWrapped(joinLinkPreview(await services.joinLinks.preview(body.token))),
    }),
    defineRoute({
      method: 'POST',
      path: `${prefix}/join_links/accept`,
      operationId: 'FrontendAcceptJoinLink',
      limitedPerClient: true,
      summary:
        'Invitekit: join an organization through a link (needs a verified address; pending when the link requires approval)',
      tags: fapiTags,
      auth: 'user',
      body: tokenBody,
      response: JoinLinkJoinWrapped,
      handler: async ({ body, user }, { services }) =>
        clientWrapped(joinLinkJoin(await services.joinLinks.join(body.token, signedIn(user)))),
    }),
    defineRoute({
      method: 'POST',
      path: `${prefix}/organizations/{organization_id}/join_links`,
      operationId: 'FrontendCreateJoinLink',
      summary: 'Invitekit: create a join link for an organization I administer (its `url` is returned once)',
      tags: fapiTags,
      auth: 'user',
      params: orgParams,
      body: z.strictObject(linkFields),
      response: JoinLinkWrapped,
      handler: async ({ params, body, user }, { services, roles }) =>
        clientWrapped(
          joinLink(
            await services.joinLinks.create(params.organization_id, toCreate(body, signedIn(user).id)),
            roles,
          ),
        ),
    }),
    defineRoute({
      method: 'GET',
      path: `${prefix}/organizations/{organization_id}/join_links`,
      operationId: 'FrontendListJoinLinks',
      summary: "Invitekit: an organization's join links (admins only)",
      tags: fapiTags,
      auth: 'user',
      params: orgParams,
      query: z.object(page),
      response: JoinLinksWrapped,
      handler: async ({ params, query, user }, { services, roles }) => {
        await admin(services, params.organization_id, user);
        return clientWrapped(
          joinLinkPage(await services.joinLinks.list(params.organization_id, query), (l) =>
            joinLink(l, roles),
          ),
        );
      },
    }),
    defineRoute({
      method: 'POST',
      path: `${prefix}/organizations/{organization_id}/join_links/{join_link_id}/revoke`,
      operationId: 'FrontendRevokeJoinLink',
      summary: 'Invitekit: revoke a join link of an organization I administer',
      tags: fapiTags,
      auth: 'user',
      params: linkParams,
      response: JoinLinkWrapped,
      handler: async ({ params, user }, { services, roles }) =>
        clientWrapped(
          joinLink(
            await services.joinLinks.revoke(params.organization_id, params.join_link_id, {
              requestingUserId: signedIn(user).id,
            }),
            roles,
          ),
        ),
    }),
    defineRoute({
      method: 'GET',
      path: `${prefix}/organizations/{organization_id}/join_links/{join_link_id}/uses`,
      operationId: 'FrontendListJoinLinkUses',
      summary: 'Invitekit: who used a join link, and pending requests (admins only)',
      tags: fapiTags,
      auth: 'user',
      params: linkParams,
      query: usesQuery,
      response: JoinLinkUsesWrapped,
      handler: async ({ params, query, user }, { services }) => {
        await admin(services, params.organization_id, user);
        return clientWrapped(
          joinLinkPage(
            await services.joinLinks.listUses(params.organization_id, params.join_link_id, query),
            joinLinkUse,
          ),
        );
      },
    }),
    ...(['approve', 'reject'] as const).map((action) =>
      defineRoute({
        method: 'POST',
        path: `${prefix}/organizations/{organization_id}/join_links/{join_link_id}/uses/{use_id}/${action}`,
        operationId: action === 'approve' ? 'FrontendApproveJoinLinkUse' : 'FrontendRejectJoinLinkUse',
        summary: `Invitekit: ${action} a pending join request (admins only)`,
        tags: fapiTags,
        auth: 'user',
        params: useParams,
        response: JoinLinkUseWrapped,
        handler: async ({ params, user }, { services }) =>
          clientWrapped(
            joinLinkUse(
              await services.joinLinks[action](params.organization_id, params.join_link_id, params.use_id, {
                requestingUserId: signedIn(user).id,
              }),
            ),
          ),
      }),
    ),
  ];
}
