import { parse } from 'csv-parse/sync';
import { normalizeEmail } from './email.js';
import { InvitekitError, invalidParam } from './errors.js';
import { checkLocale } from './locale.js';
import { checkMetadata, type Metadata } from './metadata.js';
import type { Roles } from './roles.js';

/** Rows one import takes at most. */
export const IMPORT_MAX_ROWS = 10_000;

/** queued (no row done yet) → running → completed (every row has its result). */
export const importStatuses = ['queued', 'running', 'completed'] as const;
export type ImportStatus = (typeof importStatuses)[number];

/**
 * What became of one row. `duplicate`: the same address is an earlier row of this file. `quota_exceeded`:
 * the organization's `max_allowed_memberships` is reached; `limit_exceeded`: an abuse limit
 * (`limits.maxPendingPerOrganization`, `limits.maxPerInviterPerHour`) is.
 */
export const importRowResults = [
  'created',
  'already_member',
  'already_invited',
  'duplicate',
  'invalid',
  'quota_exceeded',
  'limit_exceeded',
] as const;
export type ImportRowResult = (typeof importRowResults)[number];

export interface InvitationImport {
  id: string;
  organizationId: string;
  status: ImportStatus;
  inviterId: string | null;
  totalRows: number;
  /** Rows with a result. */
  processedRows: number;
  counts: Record<ImportRowResult, number>;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
}

export interface InvitationImportRow {
  /** 1-based position among the file's data rows (the CSV header is not counted). */
  row: number;
  /** As given (normalised when valid). */
  emailAddress: string;
  role: string | null;
  locale: string | null;
  status: 'pending' | 'done';
  result: ImportRowResult | null;
  reason: string | null;
  invitationId: string | null;
}

/** One checked row, ready to store. Invalid and repeated rows already carry their result. */
export interface CheckedImportRow {
  row: number;
  emailAddress: string;
  role: string | null;
  publicMetadata: Metadata;
  privateMetadata: Metadata;
  locale: string | null;
  result: 'invalid' | 'duplicate' | null;
  reason: string | null;
}

/** Header spellings people use, lower-cased with spaces, `_` and `-` removed → the field. */
const HEADER_ALIASES: Record<string, keyof RawRow> = {
  email: 'email_address',
  emailaddress: 'email_address',
  mail: 'email_address',
  role: 'role',
  publicmetadata: 'public_metadata',
  metadata: 'public_metadata',
  privatemetadata: 'private_metadata',
  locale: 'locale',
  language: 'locale',
  lang: 'locale',
};

interface RawRow {
  email_address?: unknown;
  role?: unknown;
  public_metadata?: unknown;
  private_metadata?: unknown;
  locale?: unknown;
}

const tooMany = (count: number) =>
  invalidParam(
    'rows',
    `An import takes at most ${IMPORT_MAX_ROWS} rows; this one has ${count}`,
    'form_param_exceeds_allowed_size',
    { limit: IMPORT_MAX_ROWS },
  );

/** Refuses an import with no rows or with more than IMPORT_MAX_ROWS. */
export function checkImportSize(count: number): void {
  if (count > IMPORT_MAX_ROWS) throw tooMany(count);
  if (count === 0) throw invalidParam('rows', 'The import has no rows', 'form_param_missing');
}

/**
 * Parses a CSV file with a header row (a byte order mark, quoted fields, CRLF or LF, blank lines are all
 * fine) into raw rows. The header needs an email column; unknown columns are refused rather than
 * ignored, so a misspelt `role` column is not silently dropped.
 */
export function parseImportCsv(text: string, { metadata = true }: { metadata?: boolean } = {}): RawRow[] {
  let unknown: string[] = [];
  let fields: (keyof RawRow | undefined)[] = [];
  let records: RawRow[];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      // Stops at the first row past the limit: the count is enough to refuse the file.
      to: IMPORT_MAX_ROWS + 1,
      columns: (header: string[]) => {
        fields = header.map((h) => HEADER_ALIASES[h.toLowerCase().replace(/[\s_-]+/g, '')]);
        unknown = header.filter((_, i) => !fields[i]);
        return fields.map((f, i) => f ?? `unknown_${i}`);
      },
    });
  } catch (err) {
    throw new InvitekitError({
      code: 'malformed_request_body',
      message: 'malformed CSV',
      longMessage: `The CSV body could not be read: ${(err as Error).message}`,
    });
  }
  if (unknown.length > 0) {
    throw invalidParam(
      'columns',
      `Unknown CSV column(s): ${unknown.join(', ')}. Columns: email_address (or email), role, public_metadata, private_metadata, locale`,
      'form_param_unknown',
      { columns: unknown },
    );
  }
  if (!metadata) refuseMetadata(METADATA_FIELDS.filter((f) => fields.includes(f)));
  if (records.length > IMPORT_MAX_ROWS) throw tooMany(records.length);
  return records;
}

const METADATA_FIELDS = ['public_metadata', 'private_metadata'] as const;

function refuseMetadata(found: readonly string[]): void {
  if (found.length === 0) return;
  throw invalidParam(
    found[0]!,
    `The Frontend API does not take ${found.join(' or ')} (metadata is the backend's to set, as on its create and edit): remove the column, or import through the Backend API`,
    'form_param_unknown',
    { columns: found },
  );
}

/**
 * Refuses JSON rows that carry a metadata field, even an empty one: the Frontend API's imports, like its
 * create and edit, take no metadata from a browser.
 */
export function refuseImportMetadata(rows: unknown[]): void {
  const has = (f: string) => rows.some((r) => typeof r === 'object' && r !== null && Object.hasOwn(r, f));
  refuseMetadata(METADATA_FIELDS.filter(has));
}

/** The reason an InvitekitError gives, for a row result. */
const reasonOf = (err: unknown) => {
  if (!(err instanceof InvitekitError)) throw err;
  const first = err.errors[0]!;
  return first.longMessage ?? first.message;
};

/** A CSV metadata cell is JSON text; a JSON row's is an object. Empty means none. */
function metadataCell(value: unknown, param: string): Metadata {
  if (value === undefined || value === null || value === '') return {};
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw invalidParam(param, `${param} must be a JSON object`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParam(param, `${param} must be a JSON object`);
  }
  return checkMetadata(parsed as Metadata, param);
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : value == null ? '' : value);

/**
 * Checks every row (email, role, metadata, locale) without refusing the file: a row at fault is kept with
 * result `invalid` and the reason; a later row with an earlier row's address is `duplicate`.
 */
export function checkImportRows(
  rows: unknown[],
  roles: Roles,
  defaultRole: string | null,
): CheckedImportRow[] {
  const seen = new Map<string, number>();
  return rows.map((input, index): CheckedImportRow => {
    const row = index + 1;
    const raw = (
      typeof input === 'object' && input !== null && !Array.isArray(input) ? input : {}
    ) as RawRow & Record<string, unknown>;
    const given = text(raw.email_address ?? raw.email);
    const out: CheckedImportRow = {
      row,
      emailAddress: typeof given === 'string' ? given.slice(0, 320) : JSON.stringify(given).slice(0, 320),
      role: null,
      publicMetadata: {},
      privateMetadata: {},
      locale: null,
      result: null,
      reason: null,
    };
    try {
      if (raw !== input) throw invalidParam('row', 'Each row must be an object');
      const unknown = Object.keys(raw).filter(
        (k) =>
          !['email_address', 'email', 'role', 'public_metadata', 'private_metadata', 'locale'].includes(k),
      );
      if (unknown.length)
        throw invalidParam(unknown[0]!, `Unknown field(s): ${unknown.join(', ')}`, 'form_param_unknown');
      if (typeof given !== 'string' || given === '')
        throw invalidParam('email_address', 'email_address is missing');
      out.emailAddress = normalizeEmail(given);
      const role = text(raw.role) || defaultRole;
      if (typeof role !== 'string' || !role)
        throw invalidParam('role', 'role is missing (give a role column or ?role=)');
      out.role = roles.require(role).key;
      out.publicMetadata = metadataCell(raw.public_metadata, 'public_metadata');
      out.privateMetadata = metadataCell(raw.private_metadata, 'private_metadata');
      // The shared check (locale.ts) turns away a value that is not a string as it does a bad tag.
      const locale = text(raw.locale);
      out.locale = checkLocale(locale === '' ? null : (locale as string));
    } catch (err) {
      return { ...out, result: 'invalid', reason: reasonOf(err) };
    }
    const first = seen.get(out.emailAddress);
    if (first !== undefined) return { ...out, result: 'duplicate', reason: `Same address as row ${first}` };
    seen.set(out.emailAddress, row);
    return out;
  });
}
