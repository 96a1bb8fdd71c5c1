import { z } from 'zod';
import {
  DeletedObjectSchema,
  InvitationEventsSchema,
  InvitationListSchema,
  InvitationPageSchema,
  InvitationSchema,
} from '../../wire/responses.js';
import { invitation, invitationEvent, page } from '../../wire/serialize.js';
import {
  booleanParam,
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

const tags = ['Invitations'];
const invitationParams = z.object({ invitation_id: z.string().min(1) });

const createBody = z.strictObject({
  email_address: emailBody,
  public_metadata: metadataBody,
  redirect_url: urlBody,
  notify: z.boolean().nullable().optional().describe('Email the invitee (default true).'),
  reminders: remindersBody,
  ignore_existing: z
    .boolean()
    .nullable()
    .optional()
    .describe('Replace a pending invitation for the address; on single create, also allow an existing user.'),
  expires_in_days: expiresInDaysBody,
  locale: z
    .string()
    .min(1)
    .max(64)
    .nullable()
    .optional()
    .describe('Invitekit extension: BCP 47 locale of its emails.'),
  template_slug: z
    .enum(['invitation', 'waitlist_invitation'])
    .nullable()
    .optional()
    .describe('Accepted for compatibility; Invitekit has one template per kind (see email.templates).'),
});

const toInput = (b: z.output<typeof createBody>) => ({
  emailAddress: b.email_address,
  publicMetadata: b.public_metadata,
  redirectUrl: b.redirect_url,
  notify: b.notify,
  ignoreExisting: b.ignore_existing,
  expiresInDays: b.expires_in_days,
  reminders: b.reminders,
  locale: b.locale,
});

export const applicationInvitationRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/invitations',
    operationId: 'CreateInvitation',
    summary: 'Create an application invitation',
    tags,
    auth: 'secret',
    body: createBody,
    response: InvitationSchema,
    handler: async ({ body }, { services }) => invitation(await services.invitations.create(toInput(body))),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/invitations/bulk',
    operationId: 'CreateBulkInvitations',
    summary: 'Create 1–10 application invitations, all or nothing',
    tags,
    auth: 'secret',
    body: z.array(createBody).min(1).max(10),
    response: InvitationListSchema,
    handler: async ({ body }, { services }) =>
      (await services.invitations.createMany(body.map(toInput))).map(invitation),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/invitations',
    operationId: 'ListInvitations',
    summary: 'List application invitations',
    tags,
    auth: 'secret',
    query: z.object({
      limit: limitParam,
      offset: offsetParam,
      status: statusParam,
      query: stringParam,
      order_by: orderByParam(['created_at', 'email_address', 'expires_at'], '-created_at'),
      paginated: booleanParam.describe(
        'true: answer `{ data, total_count }` (what @clerk/backend sends); otherwise a bare array.',
      ),
    }),
    response: z.union([InvitationListSchema, InvitationPageSchema]),
    handler: async ({ query }, { services }) => {
      const input = {
        limit: query.limit,
        offset: query.offset,
        statuses: query.status,
        query: query.query,
        orderBy: query.order_by,
      };
      return query.paginated
        ? page(await services.invitations.listPage(input), invitation)
        : (await services.invitations.list(input)).map(invitation);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/invitations/{invitation_id}/revoke',
    operationId: 'RevokeInvitation',
    summary: 'Revoke a pending application invitation',
    tags,
    auth: 'secret',
    params: invitationParams,
    response: InvitationSchema,
    handler: async ({ params }, { services }) =>
      invitation(await services.invitations.revoke(params.invitation_id)),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/invitations/{invitation_id}',
    operationId: 'DeleteInvitation',
    summary:
      'Delete an application invitation of any status, with its history and stored emails (data erasure)',
    tags,
    auth: 'secret',
    params: invitationParams,
    response: DeletedObjectSchema,
    handler: async ({ params }, { services }) => {
      await services.invitations.delete(params.invitation_id);
      return { object: 'invitation', id: params.invitation_id, deleted: true };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/invitations/{invitation_id}/resend',
    operationId: 'ResendInvitation',
    summary:
      'Email a pending application invitation again with a new link (Invitekit); the old link stops working',
    tags,
    auth: 'secret',
    params: invitationParams,
    body: z.strictObject({
      expires_in_days: expiresInDaysBody.describe('The invitation then expires this many days from now.'),
    }),
    bodyOptional: true,
    response: InvitationSchema,
    handler: async ({ params, body }, { services }) =>
      invitation(
        await services.invitations.resend(params.invitation_id, { expiresInDays: body.expires_in_days }),
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/invitations/{invitation_id}/events',
    operationId: 'ListInvitationEvents',
    summary: "An application invitation's history (Invitekit), with each email and webhook delivery",
    tags,
    auth: 'secret',
    params: invitationParams,
    response: InvitationEventsSchema,
    handler: async ({ params }, { services }) =>
      page(
        await services.invitationEvents.listForApplicationInvitation(params.invitation_id),
        invitationEvent,
      ),
  }),
];
