import { z } from 'zod';
import {
  EditedInvitationSchema,
  EditedOrganizationInvitationSchema,
  editedInvitation,
  editedOrganizationInvitation,
} from '../../wire/invitation-edits.js';
import { FrontendInvitationWrapped } from '../../wire/responses.js';
import { clientWrapped, frontendOrganizationInvitation } from '../../wire/serialize.js';
import { expiresInDaysBody, metadataBody } from '../params.js';
import { defineRoute, type Route } from '../route.js';

// Invitekit extension: edit a pending invitation in place (services/invitation-edits.ts).

const orgInvitationParams = z.object({
  organization_id: z.string().min(1),
  invitation_id: z.string().min(1),
});
const role = z.string().min(1).nullable().optional().describe('A configured role key, e.g. org:member.');
const expiresInDays = expiresInDaysBody.describe('The invitation then expires this many days from now.');
const locale = z
  .string()
  .min(1)
  .max(64)
  .nullable()
  .optional()
  .describe('BCP 47 locale of its emails and the hosted accept page, e.g. fr or de-AT.');
const notify = z
  .boolean()
  .nullable()
  .optional()
  .describe(
    'Email the edited invitation with a new link; the old link stops working (default false: the link stays valid, nothing is sent).',
  );

export const invitationEditRoutes: Route[] = [
  defineRoute({
    method: 'PATCH',
    path: '/v1/organizations/{organization_id}/invitations/{invitation_id}',
    operationId: 'UpdateOrganizationInvitation',
    summary:
      'Invitekit: edit a pending organization invitation (role, metadata, expiry, locale); the link stays valid',
    tags: ['Organization Invitations'],
    auth: 'secret',
    params: orgInvitationParams,
    body: z.strictObject({
      role,
      public_metadata: metadataBody.describe('Replaces the public metadata.'),
      private_metadata: metadataBody.describe('Replaces the private metadata.'),
      expires_in_days: expiresInDays,
      locale,
      notify,
      requesting_user_id: z
        .string()
        .min(1)
        .nullable()
        .optional()
        .describe('Must be an admin of the organization.'),
    }),
    response: EditedOrganizationInvitationSchema,
    handler: async ({ params, body }, { services, roles }) =>
      editedOrganizationInvitation(
        await services.invitationEdits.updateOrganizationInvitation(
          params.organization_id,
          params.invitation_id,
          {
            role: body.role,
            publicMetadata: body.public_metadata,
            privateMetadata: body.private_metadata,
            expiresInDays: body.expires_in_days,
            locale: body.locale,
            notify: body.notify,
            requestingUserId: body.requesting_user_id,
          },
        ),
        roles,
      ),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/invitations/{invitation_id}',
    operationId: 'UpdateInvitation',
    summary:
      'Invitekit: edit a pending application invitation (metadata, expiry, locale); the link stays valid',
    tags: ['Invitations'],
    auth: 'secret',
    params: z.object({ invitation_id: z.string().min(1) }),
    body: z.strictObject({
      public_metadata: metadataBody.describe('Replaces the public metadata.'),
      expires_in_days: expiresInDays,
      locale,
      notify,
    }),
    response: EditedInvitationSchema,
    handler: async ({ params, body }, { services }) =>
      editedInvitation(
        await services.invitationEdits.updateApplicationInvitation(params.invitation_id, {
          publicMetadata: body.public_metadata,
          expiresInDays: body.expires_in_days,
          locale: body.locale,
          notify: body.notify,
        }),
      ),
  }),
];

/**
 * The Frontend API's edit, for admins of the organization. Metadata is not editable from a browser (public
 * metadata is the backend's to set, as in Clerk), and private metadata never appears in the answer.
 */
export const frontendInvitationEditRoutes = (prefix: string): Route[] => [
  defineRoute({
    method: 'PATCH',
    path: `${prefix}/organizations/{organization_id}/invitations/{invitation_id}`,
    operationId: 'FrontendUpdateOrganizationInvitation',
    summary:
      'Invitekit: edit a pending invitation of an organization I administer (role, expiry, locale); the link stays valid',
    tags: ['Frontend API: organization admins'],
    auth: 'user',
    params: orgInvitationParams,
    body: z.strictObject({ role, expires_in_days: expiresInDays, locale, notify }),
    response: FrontendInvitationWrapped,
    handler: async ({ params, body, user }, { services, roles }) =>
      clientWrapped(
        frontendOrganizationInvitation(
          await services.invitationEdits.updateOrganizationInvitation(
            params.organization_id,
            params.invitation_id,
            {
              role: body.role,
              expiresInDays: body.expires_in_days,
              locale: body.locale,
              notify: body.notify,
              requestingUserId: user!.id,
            },
          ),
          roles,
        ),
      ),
  }),
];
