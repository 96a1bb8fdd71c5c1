import { z } from 'zod';
import {
  type InvitationImport,
  type InvitationImportRow,
  importRowResults,
  importStatuses,
} from '../domain/invitation-imports.js';
import type { Paginated } from '../services/listing.js';
import { ClientStubSchema } from './responses.js';
import { clientWrapped } from './serialize.js';

// Invitekit extension: large imports. Shapes in Clerk's style (snake_case, `object` tags, ms timestamps).

const millis = z.int();

export const InvitationImportRowSchema = z
  .object({
    object: z.literal('invitation_import_row'),
    row: z.int().describe('1-based position among the data rows (the CSV header is not counted).'),
    email_address: z.string(),
    role: z.string().nullable(),
    locale: z.string().nullable().describe('The row’s BCP 47 locale, canonicalised.'),
    status: z.enum(['pending', 'done']),
    result: z.enum(importRowResults).nullable(),
    reason: z.string().nullable().describe('Why the row was not created (invalid, duplicate, limits).'),
    invitation_id: z.string().nullable(),
  })
  .meta({ id: 'InvitationImportRow' });

export const InvitationImportSchema = z
  .object({
    object: z.literal('invitation_import'),
    id: z.string(),
    organization_id: z.string(),
    status: z.enum(importStatuses),
    inviter_user_id: z.string().nullable(),
    total_rows: z.int(),
    processed_rows: z.int(),
    counts: z.object(
      Object.fromEntries(importRowResults.map((r) => [r, z.int()])) as Record<
        (typeof importRowResults)[number],
        z.ZodInt
      >,
    ),
    created_at: millis,
    updated_at: millis,
    completed_at: millis.nullable(),
  })
  .meta({ id: 'InvitationImport' });

export const InvitationImportWithRowsSchema = InvitationImportSchema.extend({
  rows: z.object({ data: z.array(InvitationImportRowSchema), total_count: z.int() }),
}).meta({ id: 'InvitationImportWithRows' });

export const InvitationImportWrapped = z
  .object({ response: InvitationImportSchema, client: ClientStubSchema })
  .meta({ id: 'ClientWrappedInvitationImport' });
export const InvitationImportWithRowsWrapped = z
  .object({ response: InvitationImportWithRowsSchema, client: ClientStubSchema })
  .meta({ id: 'ClientWrappedInvitationImportWithRows' });

export function invitationImport(i: InvitationImport) {
  return {
    object: 'invitation_import' as const,
    id: i.id,
    organization_id: i.organizationId,
    status: i.status,
    inviter_user_id: i.inviterId,
    total_rows: i.totalRows,
    processed_rows: i.processedRows,
    counts: i.counts,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    completed_at: i.completedAt,
  };
}

export const invitationImportRow = (r: InvitationImportRow) => ({
  object: 'invitation_import_row' as const,
  row: r.row,
  email_address: r.emailAddress,
  role: r.role,
  locale: r.locale,
  status: r.status,
  result: r.result,
  reason: r.reason,
  invitation_id: r.invitationId,
});

export const invitationImportWithRows = (i: InvitationImport, rows: Paginated<InvitationImportRow>) => ({
  ...invitationImport(i),
  rows: { data: rows.data.map(invitationImportRow), total_count: rows.totalCount },
});

export { clientWrapped };
