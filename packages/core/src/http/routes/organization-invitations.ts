import { z } from 'zod';
import {
  InvitationEventsSchema,
  OrganizationInvitationSchema,
  OrganizationInvitationsSchema,
  OrganizationInvitationsWithOrganizationSchema,
} from '../../wire/responses.js';
import {
  invitationEvent,
  organizationInvitation,
  organizationInvitationWithOrganization,
  page,
} from '../../wire/serialize.js';
import {
  emailBody,
  expiresInDaysBody,
  limitParam,
  metadataBody,
  offsetParam,
  orderByParam,
  statusParam,
  stringParam,
  urlBody,
} from '../params.js';
import { defineRoute } from '../route.js';
import { remindersBody } from './reminders.js';

const tags = ['Organization Invitations'];
const orgParams = z.object({ organization_id: z.string().min(1) });
const invitationParams = orgParams.extend({ invitation_id: z.string().min(1) });
const requestingUserId = z
  .string()
  .min(1)
  .nullable()
  .optional()
  .describe('Must be an admin of the organization.');

const createBody = z.strictObject({
  email_address: emailBody,
  role: z.string().min(1).describe('A configured role key, e.g. org:member.'),
  inviter_user_id: z.string().min(1).nullable().optional().describe('Must be an admin of the organization.'),
  public_metadata: metadataBody,
  private_metadata: metadataBody,
  redirect_url: urlBody,
  expires_in_days: expiresInDaysBody,
  notify: z.boolean().nullable().optional().describe('Email the invitee (default true).'),
  reminders: remindersBody,
  locale: z
    .string()
    .min(1)
    .max(64)
    .nullable()
    .optional()
    .describe('Invitekit extension: BCP 47 locale of its emails.'),
});

const toInput = (b: z.output<typeof createBody>) => ({
  emailAddress: b.email_address,
  role: b.role,
  inviterUserId: b.inviter_user_id,
  publicMetadata: b.public_metadata,
  privateMetadata: b.private_metadata,
  redirectUrl: b.redirect_url,
  expiresInDays: b.expires_in_days,
  notify: b.notify,
  reminders: b.reminders,
  locale: b.locale,
});

const page10 = { limit: limitParam, offset: offsetParam };
const order = orderByParam(['created_at', 'email_address'], '-created_at');

export const organizationInvitationRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/organizations/{organization_id}/invitations',
    operationId: 'CreateOrganizationInvitation',
    summary: 'Create and send an organization invitation',
    tags,
    auth: 'secret',
    params: orgParams,
    body: createBody,
    response: OrganizationInvitationSchema,
    handler: async ({ params, body }, { services, roles }) =>
      organizationInvitation(
        await services.organizationInvitations.create(params.organization_id, toInput(body)),
        roles,
      ),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/organizations/{organization_id}/invitations/bulk',
    operationId: 'CreateOrganizationInvitationBulk',
    summary: 'Bulk create organization invitations (1–10, all or nothing)',
    tags,
    auth: 'secret',
    params: orgParams,
    body: z.array(createBody).min(1).max(10),
    response: OrganizationInvitationsSchema,
    handler: async ({ params, body }, { services, roles }) => {
      const created = await services.organizationInvitations.createMany(
        params.organization_id,
        body.map(toInput),
      );
      return page({ data: created, totalCount: created.length }, (i) => organizationInvitation(i, roles));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{organization_id}/invitations',
    operationId: 'ListOrganizationInvitations',
    summary: 'List organization invitations',
    tags,
    auth: 'secret',
    params: orgParams,
    query: z.object({ ...page10, status: statusParam, email_address: stringParam, order_by: order }),
    response: OrganizationInvitationsSchema,
    handler: async ({ params, query }, { services, roles }) =>
      page(
        await services.organizationInvitations.list(params.organization_id, {
          limit: query.limit,
          offset: query.offset,
          statuses: query.status,
          emailAddress: query.email_address,
          orderBy: query.order_by,
        }),
        (i) => organizationInvitation(i, roles),
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{organization_id}/invitations/pending',
    operationId: 'ListPendingOrganizationInvitations',
    summary: 'List pending organization invitations (deprecated: use status=pending)',
    deprecated: true,
    tags,
    auth: 'secret',
    params: orgParams,
    query: z.object(page10),
    response: OrganizationInvitationsSchema,
    handler: async ({ params, query }, { services, roles }) =>
      page(
        await services.organizationInvitations.list(params.organization_id, {
          ...query,
          statuses: ['pending'],
        }),
        (i) => organizationInvitation(i, roles),
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{organization_id}/invitations/{invitation_id}',
    operationId: 'GetOrganizationInvitation',
    summary: 'Retrieve an organization invitation',
    tags,
    auth: 'secret',
    params: invitationParams,
    response: OrganizationInvitationSchema,
    handler: async ({ params }, { services, roles }) =>
      organizationInvitation(
        await services.organizationInvitations.get(params.organization_id, params.invitation_id),
        roles,
      ),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/organizations/{organization_id}/invitations/{invitation_id}/revoke',
    operationId: 'RevokeOrganizationInvitation',
    summary: 'Revoke a pending organization invitation',
    tags,
    auth: 'secret',
    params: invitationParams,
    body: z.strictObject({
      requesting_user_id: requestingUserId,
    }),
    bodyOptional: true,
    response: OrganizationInvitationSchema,
    handler: async ({ params, body }, { services, roles }) =>
      organizationInvitation(
        await services.organizationInvitations.revoke(params.organization_id, params.invitation_id, {
          requestingUserId: body.requesting_user_id,
        }),
        roles,
      ),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/organizations/{organization_id}/invitations/{invitation_id}/resend',
    operationId: 'ResendOrganizationInvitation',
    summary: 'Email a pending invitation again with a new link (Invitekit); the old link stops working',
    tags,
    auth: 'secret',
    params: invitationParams,
    body: z.strictObject({
      expires_in_days: expiresInDaysBody.describe('The invitation then expires this many days from now.'),
      requesting_user_id: requestingUserId,
    }),
    bodyOptional: true,
    response: OrganizationInvitationSchema,
    handler: async ({ params, body }, { services, roles }) =>
      organizationInvitation(
        await services.organizationInvitations.resend(params.organization_id, params.invitation_id, {
          expiresInDays: body.expires_in_days,
          requestingUserId: body.requesting_user_id,
        }),
        roles,
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{organization_id}/invitations/{invitation_id}/events',
    operationId: 'ListOrganizationInvitationEvents',
    summary:
      "An invitation's history (Invitekit): created, emailed, delivery_failed, resent, accepted, declined, revoked, expired, updated, with each email and webhook delivery",
    tags,
    auth: 'secret',
    params: invitationParams,
    response: InvitationEventsSchema,
    handler: async ({ params }, { services }) =>
      page(
        await services.invitationEvents.listForOrganizationInvitation(
          params.organization_id,
          params.invitation_id,
        ),
        invitationEvent,
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organization_invitations',
    operationId: 'ListInstanceOrganizationInvitations',
    summary: "List every organization's invitations",
    tags,
    auth: 'secret',
    query: z.object({ ...page10, status: statusParam, query: stringParam, order_by: order }),
    response: OrganizationInvitationsWithOrganizationSchema,
    handler: async ({ query }, { services, roles }) =>
      page(
        await services.organizationInvitations.listAll({
          limit: query.limit,
          offset: query.offset,
          statuses: query.status,
          query: query.query,
          orderBy: query.order_by,
        }),
        (i) => organizationInvitationWithOrganization(i, roles),
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/users/{user_id}/organization_invitations',
    operationId: 'UsersGetOrganizationInvitations',
    summary: "List a user's organization invitations (sent to any of their email addresses)",
    tags: ['Users'],
    auth: 'secret',
    params: z.object({ user_id: z.string().min(1) }),
    query: z.object({ ...page10, status: statusParam }),
    response: OrganizationInvitationsWithOrganizationSchema,
    handler: async ({ params, query }, { services, roles }) =>
      page(
        await services.organizationInvitations.listForUser(params.user_id, {
          limit: query.limit,
          offset: query.offset,
          statuses: query.status,
        }),
        (i) => organizationInvitationWithOrganization(i, roles),
      ),
  }),
];
