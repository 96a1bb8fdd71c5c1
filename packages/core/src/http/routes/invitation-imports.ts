import { z } from 'zod';
import { importRowResults } from '../../domain/invitation-imports.js';
import type { InvitekitServices } from '../../services/index.js';
import type { StartImportOptions } from '../../services/invitation-imports.js';
import {
  clientWrapped,
  InvitationImportSchema,
  InvitationImportWithRowsSchema,
  InvitationImportWithRowsWrapped,
  InvitationImportWrapped,
  invitationImport,
  invitationImportWithRows,
} from '../../wire/invitation-imports.js';
import { booleanParam, limitParam, listParam, offsetParam, stringParam } from '../params.js';
import { defineRoute, type Route } from '../route.js';

// Invitekit extension: large imports (up to 10,000 rows), processed in the background by the import
// worker (delivery/invitation-imports.ts). Both the Backend API and the Frontend API (admins) serve them.

const tags = ['Invitation imports (Invitekit)'];
const orgParams = z.object({ organization_id: z.string().min(1) });
const importParams = orgParams.extend({ import_id: z.string().min(1) });

const rowsBody = z
  .union([
    z.string().describe('A CSV file (Content-Type: text/csv) with a header row.'),
    z.array(z.unknown()).describe('JSON: an array of row objects.'),
  ])
  .describe(
    'Rows: email_address (or email), role, public_metadata, private_metadata, locale. At most 10,000.',
  );

const expiresParam = z
  .preprocess((v) => (Array.isArray(v) && v.length === 1 ? v[0] : v), z.string().regex(/^\d{1,3}$/))
  .transform(Number)
  .optional()
  .describe('Days until the invitations expire, 1–365 (default 30).');

const optionsQuery = {
  role: stringParam.describe('The role of rows that have none.'),
  notify: booleanParam.describe('Email the invitees (default true), paced at `imports.emailsPerSecond`.'),
  redirect_url: stringParam,
  expires_in_days: expiresParam,
};

const rowsQuery = z.object({
  limit: limitParam,
  offset: offsetParam,
  result: listParam(z.enum(importRowResults)).describe('Only rows with these results.'),
});

const options = (q: {
  role?: string;
  notify?: boolean;
  redirect_url?: string;
  expires_in_days?: number;
}): StartImportOptions => ({
  role: q.role,
  notify: q.notify,
  redirectUrl: q.redirect_url,
  expiresInDays: q.expires_in_days,
});

const withRows = async (
  services: InvitekitServices,
  p: z.output<typeof importParams>,
  q: z.output<typeof rowsQuery>,
) => {
  const [job, rows] = await Promise.all([
    services.invitationImports.get(p.organization_id, p.import_id),
    services.invitationImports.listRows(p.organization_id, p.import_id, {
      limit: q.limit,
      offset: q.offset,
      result: q.result,
    }),
  ]);
  return invitationImportWithRows(job, rows);
};

export const invitationImportRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/organizations/{organization_id}/invitations/import',
    operationId: 'CreateOrganizationInvitationImport',
    summary:
      'Invitekit: import up to 10,000 invitations from CSV or JSON; answers 202 and processes them in the background',
    tags,
    auth: 'secret',
    params: orgParams,
    query: z.object({
      ...optionsQuery,
      inviter_user_id: stringParam.describe(
        'Must be an admin of the organization; the invitations’ inviter.',
      ),
    }),
    body: rowsBody,
    largeBody: true,
    successStatus: 202,
    response: InvitationImportSchema,
    handler: async ({ params, query, body }, { services }) =>
      invitationImport(
        await services.invitationImports.start(params.organization_id, body, {
          ...options(query),
          inviterUserId: query.inviter_user_id,
        }),
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organizations/{organization_id}/invitations/imports/{import_id}',
    operationId: 'GetOrganizationInvitationImport',
    summary: 'Invitekit: an import’s status, progress and per-row results (paginated)',
    tags,
    auth: 'secret',
    params: importParams,
    query: rowsQuery,
    response: InvitationImportWithRowsSchema,
    handler: async ({ params, query }, { services }) => withRows(services, params, query),
  }),
];

/** The same for the signed-in admins of the organization (they are the inviter). */
export function frontendInvitationImportRoutes(prefix: string): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: `${prefix}/organizations/{organization_id}/invitations/import`,
      operationId: 'FrontendCreateOrganizationInvitationImport',
      summary:
        'Invitekit: import invitations into an organization I administer (I am the inviter); rows carry no metadata',
      tags,
      auth: 'user',
      params: orgParams,
      query: z.object(optionsQuery),
      body: rowsBody,
      largeBody: true,
      successStatus: 202,
      response: InvitationImportWrapped,
      handler: async ({ params, query, body, user }, { services }) =>
        clientWrapped(
          invitationImport(
            await services.invitationImports.start(params.organization_id, body, {
              ...options(query),
              inviterUserId: user!.id,
              // As the Frontend API's create and edit: metadata is the backend's to set.
              metadata: false,
            }),
          ),
        ),
    }),
    defineRoute({
      method: 'GET',
      path: `${prefix}/organizations/{organization_id}/invitations/imports/{import_id}`,
      operationId: 'FrontendGetOrganizationInvitationImport',
      summary: 'Invitekit: an import’s progress and per-row results (admins only)',
      tags,
      auth: 'user',
      params: importParams,
      query: rowsQuery,
      response: InvitationImportWithRowsWrapped,
      handler: async ({ params, query, user }, { services }) => {
        await services.access.requireAdmin(params.organization_id, user!.id);
        return clientWrapped(await withRows(services, params, query));
      },
    }),
  ];
}
