import { type SQL, sql } from 'drizzle-orm';
import type { Database } from './database.js';

/** One import row as the upload writes it (jsonb_to_recordset keys). */
export interface ImportRowJson {
  row_number: number;
  email_address: string;
  role: string | null;
  public_metadata: Record<string, unknown>;
  private_metadata: Record<string, unknown>;
  locale: string | null;
  status: 'pending' | 'done';
  result: string | null;
  reason: string | null;
}

/** Inserts every row of an upload in one statement (10,000 rows are one parameter, not 10,000 binds). */
export const insertImportRows = (
  organizationId: string,
  importId: string,
  rows: ImportRowJson[],
  now: number,
): SQL => sql`
INSERT INTO invitation_import_rows (organization_id, import_id, row_number, email_address, role,
  public_metadata, private_metadata, locale, status, result, reason, processed_at)
SELECT ${organizationId}, ${importId}, r.row_number, r.email_address, r.role,
  COALESCE(r.public_metadata, '{}'::jsonb), COALESCE(r.private_metadata, '{}'::jsonb), r.locale, r.status,
  r.result, r.reason, CASE WHEN r.status = 'done' THEN ${now}::bigint END
FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(row_number integer, email_address text,
  role text, public_metadata jsonb, private_metadata jsonb, locale text, status text, result text, reason text)`;

export interface ClaimedImportRow {
  organization_id: string;
  import_id: string;
  row_number: number;
  email_address: string;
  role: string;
  public_metadata: Record<string, unknown>;
  private_metadata: Record<string, unknown>;
  locale: string | null;
}

/**
 * Claims the oldest import's next pending rows for this transaction (FOR UPDATE SKIP LOCKED): another
 * worker skips them, and a crash before the commit leaves them pending for the next claim.
 */
export const claimImportRows = (limit: number): SQL => sql`
WITH head AS (
  SELECT organization_id, import_id FROM invitation_import_rows
  WHERE status = 'pending'
  ORDER BY import_id, row_number
  LIMIT 1
  FOR UPDATE SKIP LOCKED
)
SELECT r.organization_id, r.import_id, r.row_number, r.email_address, r.role, r.public_metadata,
  r.private_metadata, r.locale
FROM invitation_import_rows r, head
WHERE r.organization_id = head.organization_id AND r.import_id = head.import_id AND r.status = 'pending'
ORDER BY r.row_number
LIMIT ${limit}
FOR UPDATE OF r SKIP LOCKED`;

/** A row's outcome, as the batch writes it. */
export interface ImportRowOutcome {
  row_number: number;
  result: string;
  reason: string | null;
  invitation_id: string | null;
}

/** Writes a batch's outcomes; only rows still pending (the claim holds them, so all of them). */
export async function recordImportOutcomes(
  tx: Database,
  organizationId: string,
  importId: string,
  outcomes: ImportRowOutcome[],
  now: number,
): Promise<void> {
  await tx.execute(sql`
UPDATE invitation_import_rows r
SET status = 'done', result = o.result, reason = o.reason, invitation_id = o.invitation_id,
  processed_at = ${now}::bigint
FROM jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb)
  AS o(row_number integer, result text, reason text, invitation_id text)
WHERE r.organization_id = ${organizationId} AND r.import_id = ${importId} AND r.row_number = o.row_number
  AND r.status = 'pending'`);
}

/**
 * Marks the import completed once no row is pending, else running; returns it. Run last in a batch, in
 * its transaction: the import's row lock (taken by `lockImport`) orders batches of one import.
 */
export const settleImport = (organizationId: string, importId: string, now: number): SQL => sql`
UPDATE invitation_imports i
SET status = CASE WHEN EXISTS (
    SELECT 1 FROM invitation_import_rows r
    WHERE r.organization_id = i.organization_id AND r.import_id = i.id AND r.status = 'pending'
  ) THEN 'running' ELSE 'completed' END,
  completed_at = CASE WHEN EXISTS (
    SELECT 1 FROM invitation_import_rows r
    WHERE r.organization_id = i.organization_id AND r.import_id = i.id AND r.status = 'pending'
  ) THEN NULL ELSE ${now}::bigint END,
  updated_at = ${now}::bigint
WHERE i.organization_id = ${organizationId} AND i.id = ${importId}`;

/** Per-result counts and the number of rows done, for the progress report. */
export const importCounts = (organizationId: string, importId: string): SQL => sql`
SELECT COALESCE(result, 'pending') AS result, count(*)::int AS n FROM invitation_import_rows
WHERE organization_id = ${organizationId} AND import_id = ${importId}
GROUP BY 1`;
