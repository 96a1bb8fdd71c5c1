import { z } from 'zod';
import { OrganizationReminderSettingsSchema } from '../../wire/responses.js';
import { organizationReminderSettings } from '../../wire/serialize.js';
import { defineRoute } from '../route.js';

// Invitekit extension: reminder emails (packages/core/README.md, Reminders). Clerk has no such routes;
// Clerk's own routes and their responses are unchanged.

/** The create bodies' `reminders` field (organization and application invitations). */
export const remindersBody = z
  .boolean()
  .nullable()
  .optional()
  .describe('Invitekit extension: false sends this invitation no reminder emails (default true).');

const orgParams = z.object({ organization_id: z.string().min(1) });
const tags = ['Reminders'];

export const reminderRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{organization_id}/reminder_settings',
    operationId: 'GetOrganizationReminderSettings',
    summary: "An organization's invitation reminder setting (Invitekit)",
    tags,
    auth: 'secret',
    params: orgParams,
    response: OrganizationReminderSettingsSchema,
    handler: async ({ params }, { services }) =>
      organizationReminderSettings(await services.reminders.getOrganizationSettings(params.organization_id)),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/organizations/{organization_id}/reminder_settings',
    operationId: 'UpdateOrganizationReminderSettings',
    summary: "Turn an organization's invitation reminders on or off (Invitekit)",
    tags,
    auth: 'secret',
    params: orgParams,
    body: z.strictObject({
      enabled: z.boolean().describe('Whether pending invitations of the organization get reminders.'),
    }),
    response: OrganizationReminderSettingsSchema,
    handler: async ({ params, body }, { services }) =>
      organizationReminderSettings(
        await services.reminders.setOrganizationSettings(params.organization_id, { enabled: body.enabled }),
      ),
  }),
];
