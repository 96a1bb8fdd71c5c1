import { z } from 'zod';
import type { ApplicationInvitation, OrganizationInvitation } from '../domain/models.js';
import type { Roles } from '../domain/roles.js';
import { InvitationSchema, OrganizationInvitationSchema } from './responses.js';
import { invitation, organizationInvitation } from './serialize.js';

// Invitekit extension routes (PATCH an invitation) answer Clerk's shapes plus `locale`: the Clerk routes'
// schemas admit no extra field, so the invitation's locale is read back here and in the service API.

const locale = z.string().nullable().describe('BCP 47 locale of its emails and the hosted accept page.');

export const EditedOrganizationInvitationSchema = OrganizationInvitationSchema.extend({ locale }).meta({
  id: 'EditedOrganizationInvitation',
});

export const EditedInvitationSchema = InvitationSchema.extend({ locale }).meta({ id: 'EditedInvitation' });

export type WireEditedOrganizationInvitation = z.infer<typeof EditedOrganizationInvitationSchema>;
export type WireEditedInvitation = z.infer<typeof EditedInvitationSchema>;

export const editedOrganizationInvitation = (
  i: OrganizationInvitation,
  roles: Roles,
): WireEditedOrganizationInvitation => ({ ...organizationInvitation(i, roles), locale: i.locale });

export const editedInvitation = (i: ApplicationInvitation): WireEditedInvitation => ({
  ...invitation(i),
  locale: i.locale,
});
