'use client';

import type {
  FrontendImportRow,
  ImportOptions,
  InvitationImport,
  InvitationImportRow,
  InvitationImportWithRows,
} from '@invitekit/client';
import { keepPreviousData, type UseMutationResult, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useInvitekit } from './context.js';
import { invitekitKeys } from './keys.js';

export interface UseInvitationImportOptions {
  /** Follow an import started earlier (e.g. from a URL), instead of one uploaded here. */
  importId?: string | null;
  /** How often progress is polled while the import runs, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Result rows per page. Default 50 (1–500). */
  rowsPageSize?: number;
}

export interface ImportUpload {
  /** A CSV file's text (with a header row), or rows. */
  rows: string | readonly FrontendImportRow[];
  options?: ImportOptions;
}

export interface UseInvitationImportResult {
  /** Uploads an import (up to 10,000 rows); the hook then follows it. */
  upload: UseMutationResult<InvitationImport, Error, ImportUpload>;
  /** The import followed, once uploaded (or given). */
  importId: string | null;
  /** Its status, counts and the current page of row results; undefined before the first answer. */
  data: InvitationImportWithRows | undefined;
  /** Rows done / rows in the file, 0–1. */
  progress: number;
  /** Uploaded and not completed yet. */
  isRunning: boolean;
  isCompleted: boolean;
  /** The current page of row results, 1-based, and its controls. */
  rowsPage: number;
  rowsPageCount: number;
  setRowsPage(page: number): void;
  /** The last upload or load error (an InvitekitApiError for API answers), or null. */
  error: Error | null;
  /** Every row's result (all pages), for a download. */
  fetchAllRows(): Promise<InvitationImportRow[]>;
  /** Forgets the import followed, to upload another. */
  reset(): void;
}

const ALL_ROWS_PAGE = 500;

/**
 * Invitekit extension: a large import for an organization's admins. `upload` sends a CSV text or rows and
 * answers at once; the hook then polls the import's progress until it completes, pages through its row
 * results, and refreshes the organization's invitation lists when it is done. Private metadata never
 * comes back: row results hold address, role, locale, result and reason.
 */
export function useInvitationImport(
  organizationId: string | null | undefined,
  options: UseInvitationImportOptions = {},
): UseInvitationImportResult {
  const { client, queryClient, scope } = useInvitekit();
  const orgId = organizationId ?? '';
  const pageSize = options.rowsPageSize ?? 50;
  const [uploadedId, setUploadedId] = useState<string | null>(null);
  const [rowsPage, setRowsPage] = useState(1);
  const importId = uploadedId ?? options.importId ?? null;

  const upload = useMutation(
    {
      mutationFn: ({ rows, options: importOptions }: ImportUpload) =>
        client.importOrganizationInvitations(orgId, rows, importOptions),
      onSuccess: (started) => {
        setRowsPage(1);
        setUploadedId(started.id);
      },
    },
    queryClient,
  );

  const query = useQuery(
    {
      queryKey: invitekitKeys.invitationImport(scope, orgId, importId ?? '', { page: rowsPage, pageSize }),
      queryFn: async ({ signal }) => {
        const job = await client.getOrganizationInvitationImport(
          orgId,
          importId!,
          { limit: pageSize, offset: (rowsPage - 1) * pageSize },
          { signal },
        );
        if (job.status === 'completed') {
          void queryClient.invalidateQueries({
            queryKey: invitekitKeys.organizationInvitations(scope, orgId),
          });
        }
        return job;
      },
      enabled: orgId !== '' && importId !== null,
      placeholderData: keepPreviousData,
      refetchInterval: (q) =>
        q.state.data?.status === 'completed' ? false : (options.pollIntervalMs ?? 1000),
    },
    queryClient,
  );

  const data = query.data?.id === importId ? query.data : undefined;
  const total = data?.rows.total_count ?? 0;
  return {
    upload,
    importId,
    data,
    progress: data && data.total_rows > 0 ? data.processed_rows / data.total_rows : 0,
    isRunning: importId !== null && data?.status !== 'completed',
    isCompleted: data?.status === 'completed',
    rowsPage,
    rowsPageCount: Math.max(1, Math.ceil(total / pageSize)),
    setRowsPage: (page) => setRowsPage(Math.max(1, Math.floor(page))),
    error: upload.error ?? query.error ?? null,
    fetchAllRows: async () => {
      if (!importId) return [];
      const rows: InvitationImportRow[] = [];
      for (let offset = 0; ; offset += ALL_ROWS_PAGE) {
        const page = await client.getOrganizationInvitationImport(orgId, importId, {
          limit: ALL_ROWS_PAGE,
          offset,
        });
        rows.push(...page.rows.data);
        if (rows.length >= page.rows.total_count || page.rows.data.length === 0) return rows;
      }
    },
    reset: () => {
      upload.reset();
      setUploadedId(null);
      setRowsPage(1);
    },
  };
}

const cell = (value: string | number | null) => {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Row results as CSV (row, email_address, role, locale, result, reason, invitation_id), for a download. */
export function importResultsCsv(rows: readonly InvitationImportRow[]): string {
  const header = ['row', 'email_address', 'role', 'locale', 'result', 'reason', 'invitation_id'];
  const lines = rows.map((r) =>
    [r.row, r.email_address, r.role, r.locale, r.result, r.reason, r.invitation_id].map(cell).join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
