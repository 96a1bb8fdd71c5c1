import { QueryClient } from '@tanstack/react-query';
import { act, cleanup, configure, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, expect, inject, test } from 'vitest';
import { standaloneHelpers } from '../../../test/support/standalone.js';
import { InvitekitProvider, importResultsCsv, useInvitationImport, useOrgInvitations } from '../src/index.js';

// useInvitationImport against the real standalone server (global-setup.ts) over real HTTP.
configure({ asyncUtilTimeout: 15_000 });
const api = standaloneHelpers(inject('invitekitUrl'));
afterEach(() => cleanup());

const wrapper = (token: string) => {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return ({ children }: { children: ReactNode }) => (
    <InvitekitProvider baseUrl={api.url} getToken={() => token} queryClient={queryClient}>
      {children}
    </InvitekitProvider>
  );
};

test('uploads a CSV, follows its progress to completion, pages its results, and refreshes the pending list', async () => {
  const { admin, org } = await api.organization('hook-import');
  const { result } = renderHook(
    () => ({
      imp: useInvitationImport(org.id, { pollIntervalMs: 100, rowsPageSize: 2 }),
      list: useOrgInvitations(org.id),
    }),
    { wrapper: wrapper(admin.token) },
  );
  await waitFor(() => expect(result.current.list.isLoading).toBe(false));
  expect(result.current.list.totalCount).toBe(0);
  expect(result.current.imp.isRunning).toBe(false);

  act(() =>
    result.current.imp.upload.mutate({
      rows: 'email,role,locale\nh1@example.test,org:member,fr-ca\nh2@example.test,,\nbad,org:member,\n',
      options: { role: 'org:member' },
    }),
  );
  await waitFor(() => expect(result.current.imp.isCompleted).toBe(true));
  const { imp } = result.current;
  expect(imp.progress).toBe(1);
  expect(imp.data).toMatchObject({ total_rows: 3, counts: { created: 2, invalid: 1 } });
  expect(imp.rowsPageCount).toBe(2);
  expect(imp.data!.rows.data.map((r) => r.email_address)).toEqual(['h1@example.test', 'h2@example.test']);
  act(() => result.current.imp.setRowsPage(2));
  await waitFor(() => expect(result.current.imp.data?.rows.data[0]?.row).toBe(3));
  expect(result.current.imp.data!.rows.data[0]).toMatchObject({ result: 'invalid', email_address: 'bad' });
  // Completing the import refreshed the organization's pending list.
  await waitFor(() => expect(result.current.list.totalCount).toBe(2));

  const csv = importResultsCsv(await result.current.imp.fetchAllRows());
  const lines = csv.trim().split('\r\n');
  expect(lines).toHaveLength(4);
  expect(lines[1]).toMatch(/^1,h1@example\.test,org:member,fr-CA,created,,orginv_/);
  expect(lines[3]).toMatch(/^3,bad,,,invalid,"""bad"" is not a valid email address",$/);
});

test('an upload the server refuses shows as the error; reset() forgets it', async () => {
  const { admin, org } = await api.organization('hook-import-refused');
  const { result } = renderHook(() => useInvitationImport(org.id), { wrapper: wrapper(admin.token) });
  act(() => result.current.upload.mutate({ rows: 'email,colour\na@example.test,red\n' }));
  await waitFor(() => expect(result.current.error).not.toBeNull());
  expect(result.current.error?.message).toMatch(/colour/);
  expect(result.current.importId).toBeNull();
  act(() => result.current.reset());
  await waitFor(() => expect(result.current.error).toBeNull());
});
