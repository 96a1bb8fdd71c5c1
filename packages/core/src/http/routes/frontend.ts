import { z } from 'zod';
import { verifiedEmails } from '../../services/identities.js';
import {
  FrontendInvitationArrayWrapped,
  FrontendInvitationsUserContextWrapped,
  FrontendInvitationsWrapped,
  FrontendInvitationUserContextWrapped,
  FrontendInvitationWrapped,
  InvitationPreviewWrapped,
  TicketAcceptWrapped,
} from '../../wire/responses.js';
import {
  clientWrapped,
  frontendOrganizationInvitation,
  frontendOrganizationInvitationWithOrganization,
  invitation,
  invitationPreview,
  page,
} from '../../wire/serialize.js';
import { emailBody, limitParam, offsetParam, statusParam } from '../params.js';
import { defineRoute, type Route } from '../route.js';
import type { AuthenticatedUser } from '../types.js';
import { frontendInvitationEditRoutes } from './invitation-edits.js';
import { frontendInvitationImportRoutes } from './invitation-imports.js';
import { joinLinkFrontendRoutes } from './join-links.js';
import { frontendMembershipRequestRoutes } from './membership-requests.js';
import { frontendOrganizationDomainRoutes } from './organization-domains.js';

const me = ['Frontend API: me'];
const admin = ['Frontend API: organization admins'];
const tickets = ['Frontend API: tickets (Invitekit)'];

const orgParams = z.object({ organization_id: z.string().min(1) });
const invitationParams = z.object({ invitation_id: z.string().min(1) });
const orgInvitationParams = orgParams.extend({ invitation_id: z.string().min(1) });
const page10 = { limit: limitParam, offset: offsetParam };
const role = z.string().min(1).describe('A configured role key, e.g. org:member.');
const notify = z.boolean().nullable().optional().describe('Email the invitee (default true).');
const locale = z
  .string()
  .min(1)
  .max(64)
  .nullable()
  .optional()
  .describe('Invitekit extension: BCP 47 locale of its email (default: the organization’s).');
const tokenBody = z.strictObject({
  token: z.string().min(1).max(512).describe('The accept token from the link (`?invitation_token=`).'),
});

/** On `auth: 'user'` routes the handler guarantees a signed-in person. */
const signedIn = (user: AuthenticatedUser | null) => user!;

/**
 * The Frontend API: what a signed-in person does from the browser (contract/clerk-fapi-invitations.yml),
 * plus Invitekit's decline and token (ticket) routes, and every feature's Frontend routes (edits, join
 * links, imports, verified domains, membership requests): the one list of them. Served under `prefix`
 * (default `/frontend/v1`). Every 2xx body is `{ response, client }`; private metadata never appears.
 */
export function frontendRoutes(prefix: string): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: `${prefix}/me/organization_invitations`,
      operationId: 'FrontendListMyOrganizationInvitations',
      summary: "The signed-in person's organization invitations (sent to their verified addresses)",
      tags: me,
      auth: 'user',
      query: z.object({ ...page10, status: statusParam }),
      response: FrontendInvitationsUserContextWrapped,
      handler: async ({ query, user }, { services, roles }) =>
        clientWrapped(
          page(
            await services.organizationInvitations.listForEmails(verifiedEmails(signedIn(user)), {
              limit: query.limit,
              offset: query.offset,
              statuses: query.status,
            }),
            (i) => frontendOrganizationInvitationWithOrganization(i, roles),
          ),
        ),
    }),
    defineRoute({
      method: 'POST',
      path: `${prefix}/me/organization_invitations/{invitation_id}/accept`,
      operationId: 'FrontendAcceptMyOrganizationInvitation',
      summary: 'Accept one of my organization invitations: I become a member with its role',
      tags: me,
      auth: 'user',
      params: invitationParams,
      response: FrontendInvitationUserContextWrapped,
      handler: async ({ params, user }, { services, roles }) =>
        clientWrapped(
          frontendOrganizationInvitationWithOrganization(
            await services.acceptance.acceptOrganizationInvitation(params.invitation_id, signedIn(user)),
            roles,
          ),
        ),
    }),
    defineRoute({
      method: 'POST',
      path: `${prefix}/me/organization_invitations/{invitation_id}/decline`,
      operationId: 'FrontendDeclineMyOrganizationInvitation',
      summary:
        'Invitekit: decline one of my organization invitations (it becomes revoked; webhook organizationInvitation.revoked)',
      tags: me,
      auth: 'user',
      params: invitationParams,
      response: FrontendInvitationUserContextWrapped,
      handler: async ({ params, user }, { services, roles }) =>
        clientWrapped(
          frontendOrganizationInvitationWithOrganization(
            await services.acceptance.declineOrganizationInvitation(params.invitation_id, signedIn(user)),
            roles,
          ),
        ),
    }),
    defineRoute({
      method: 'POST',
      path: `${prefix}/organizations/{organization_id}/invitations`,
      operationId: 'FrontendCreateOrganizationInvitation',
      summary: 'Invite someone to an organization I administer (I am the inviter)',
      tags: admin,
      auth: 'user',
      params: orgParams,
      body: z.strictObject({ email_address: emailBody, role, notify, locale }),
      response: FrontendInvitationWrapped,
      handler: async ({ params, body, user }, { services, roles }) =>
        clientWrapped(
          frontendOrganizationInvitation(
            await services.organizationInvitations.create(params.organization_id, {
              emailAddress: body.email_address,
              role: body.role,
              notify: body.notify,
              locale: body.locale,
              inviterUserId: signedIn(user).id,
            }),
            roles,
          ),
        ),
    }),
    defineRoute({
      method: 'POST',
      path: `${prefix}/organizations/{organization_id}/invitations/bulk`,
      operationId: 'FrontendCreateOrganizationInvitationBulk',
      summary: 'Invite 1–10 addresses with one role, all or nothing (I am the inviter)',
      tags: admin,
      auth: 'user',
      params: orgParams,
      body: z.strictObject({ email_address: z.array(emailBody).min(1).max(10), role, notify }),
      response: FrontendInvitationArrayWrapped,
      handler: async ({ params, body, user }, { services, roles }) => {
        const created = await services.organizationInvitations.createMany(
          params.organization_id,
          body.email_address.map((emailAddress) => ({
            emailAddress,
            role: body.role,
            notify: body.notify,
            inviterUserId: signedIn(user).id,
          })),
        );
        return clientWrapped(created.map((i) => frontendOrganizationInvitation(i, roles)));
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${prefix}/organizations/{organization_id}/invitations`,
      operationId: 'FrontendListOrganizationInvitations',
      summary: "An organization's invitations (admins only)",
      tags: admin,
      auth: 'user',
      params: orgParams,
      query: z.object({ ...page10, status: statusParam }),
      response: FrontendInvitationsWrapped,
      handler: async ({ params, query, user }, { services, roles }) => {
        await services.access.requireAdmin(params.organization_id, signedIn(user).id);
        return clientWrapped(
          page(
            await services.organizationInvitations.list(params.organization_id, {
              limit: query.limit,
              offset: query.offset,
              statuses: query.status,
            }),
            (i) => frontendOrganizationInvitation(i, roles),
          ),
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${prefix}/organizations/{organization_id}/invitations/pending`,
      operationId: 'FrontendListPendingOrganizationInvitations',
      summary:
        "An organization's pending invitations, as an array (admins only; deprecated: use status=pending)",
      deprecated: true,
      tags: admin,
      auth: 'user',
      params: orgParams,
      query: z.object(page10),
      response: FrontendInvitationArrayWrapped,
      handler: async ({ params, query, user }, { services, roles }) => {
        await services.access.requireAdmin(params.organization_id, signedIn(user).id);
        const pending = await services.organizationInvitations.list(params.organization_id, {
          ...query,
          statuses: ['pending'],
        });
        return clientWrapped(pending.data.map((i) => frontendOrganizationInvitation(i, roles)));
      },
    }),
    defineRoute({
      method: 'POST',
      path: `${prefix}/organizations/{organization_id}/invitations/{invitation_id}/revoke`,
      operationId: 'FrontendRevokeOrganizationInvitation',
      summary: 'Revoke a pending invitation of an organization I administer',
      tags: admin,
      auth: 'user',
      params: orgInvitationParams,
      response: FrontendInvitationWrapped,
      handler: async ({ params, user }, { services, roles }) =>
        clientWrapped(
          frontendOrganizationInvitation(
            await services.organizationInvitations.revoke(params.organization_id, params.invitation_id, {
              requestingUserId: signedIn(user).id,
            }),
            roles,
          ),
        ),
    }),
    ...frontendInvitationEditRoutes(prefix),
    defineRoute({
      method: 'POST',
      path: `${prefix}/tickets/preview`,
      operationId: 'FrontendPreviewInvitation',
      limitedPerClient: true,
      summary:
        'Invitekit: what an accept link invites to, before sign-in (POST keeps the token out of URLs; never uses it up)',
      tags: tickets,
      auth: 'none',
      body: tokenBody,
      response: InvitationPreviewWrapped,
      handler: async ({ body }, { services }) =>
        clientWrapped(invitationPreview(await services.acceptance.preview(body.token))),
    }),
    defineRoute({
      method: 'POST',
      path: `${prefix}/tickets/accept`,
      operationId: 'FrontendAcceptInvitationToken',
      limitedPerClient: true,
      summary: 'Invitekit: accept the organization or application invitation an accept token names',
      tags: tickets,
      auth: 'user',
      identifiesUser: true,
      body: tokenBody,
      response: TicketAcceptWrapped,
      handler: async ({ body, user }, { services, roles }) => {
        const accepted = await services.acceptance.acceptToken(body.token, signedIn(user), {
          identify: true,
        });
        return clientWrapped(
          accepted.kind === 'organization'
            ? frontendOrganizationInvitationWithOrganization(accepted.invitation, roles)
            : invitation(accepted.invitation),
        );
      },
    }),
    ...joinLinkFrontendRoutes(prefix),
    ...frontendInvitationImportRoutes(prefix),
    ...frontendOrganizationDomainRoutes(prefix),
    ...frontendMembershipRequestRoutes(prefix),
  ];
}
