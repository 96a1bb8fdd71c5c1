import { QueryClient } from '@tanstack/react-query';
import { act, cleanup, configure, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { standaloneHelpers } from '../../../test/support/standalone.js';
import {
  InvitekitProvider,
  useJoinLink,
  useJoinLinks,
  useJoinLinkUses,
  useMembershipRequests,
} from '../src/index.js';

// Join-link hooks against the real standalone server (global-setup.ts) over real HTTP; nothing mocked.

configure({ asyncUtilTimeout: 15_000 });
const api = standaloneHelpers(inject('invitekitUrl'));
afterEach(() => cleanup());

function wrapper(token: string | null) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return ({ children }: { children: ReactNode }) => (
    <InvitekitProvider baseUrl={api.url} getToken={() => token} queryClient={queryClient}>
      {children}
    </InvitekitProvider>
  );
}

const tokenOf = (url: string | null | undefined) =>
  new URL(url ?? 'http://x/').searchParams.get('join_token') ?? '';

describe('useJoinLinks and useJoinLink', () => {
  test('an admin creates a link; a person previews and joins it; the admin sees the use; revoke closes it', async () => {
    const { admin, org } = await api.organization('hook-links');
    const links = renderHook(() => useJoinLinks(org.id), { wrapper: wrapper(admin.token) });
    await waitFor(() => expect(links.result.current.isLoading).toBe(false));
    expect(links.result.current.totalCount).toBe(0);
    let url: string | null | undefined;
    await act(async () => {
      url = (await links.result.current.create.mutateAsync({ role: 'org:member', max_uses: 2 })).url;
    });
    await waitFor(() => expect(links.result.current.data).toHaveLength(1));
    const linkId = links.result.current.data[0]!.id;

    const bob = await api.user('hook-bob');
    const page = renderHook(() => useJoinLink(tokenOf(url)), { wrapper: wrapper(bob.token) });
    await waitFor(() => expect(page.result.current.state).toBe('active'));
    expect(page.result.current.preview).toMatchObject({ organization: { id: org.id }, role_name: 'Member' });
    await act(async () => {
      await page.result.current.join();
    });
    await waitFor(() => expect(page.result.current.state).toBe('joined'));

    const uses = renderHook(() => useJoinLinkUses(org.id, linkId), { wrapper: wrapper(admin.token) });
    await waitFor(() => expect(uses.result.current.data.map((u) => u.user_id)).toEqual([bob.id]));

    await act(async () => {
      await links.result.current.revoke.mutateAsync(linkId);
    });
    await waitFor(() => expect(links.result.current.data[0]?.status).toBe('revoked'));
    const carol = await api.user('hook-carol');
    const late = renderHook(() => useJoinLink(tokenOf(url)), { wrapper: wrapper(carol.token) });
    await waitFor(() => expect(late.result.current.state).toBe('revoked'));
  });

  test('approval: requested, then the admin approves; a bad token is invalid; signed out says so', async () => {
    const { admin, org } = await api.organization('hook-approve');
    const created = await api.backend.joinLinks.create(org.id, {
      role: 'org:member',
      created_by: admin.id,
      require_approval: true,
    });
    const dave = await api.user('hook-dave');
    const page = renderHook(() => useJoinLink(tokenOf(created.url)), { wrapper: wrapper(dave.token) });
    await waitFor(() => expect(page.result.current.state).toBe('active'));
    await act(async () => {
      await page.result.current.join();
    });
    await waitFor(() => expect(page.result.current.state).toBe('requested'));

    const links = renderHook(() => useJoinLinks(org.id), { wrapper: wrapper(admin.token) });
    const pending = renderHook(() => useJoinLinkUses(org.id, created.id, { status: ['pending'] }), {
      wrapper: wrapper(admin.token),
    });
    await waitFor(() => expect(pending.result.current.data).toHaveLength(1));
    await act(async () => {
      await links.result.current.approve.mutateAsync({
        joinLinkId: created.id,
        useId: pending.result.current.data[0]!.id,
      });
    });
    const members = await api.backend.memberships.list(org.id);
    expect(members.data.map((m) => m.public_user_data.user_id)).toContain(dave.id);

    const bad = renderHook(() => useJoinLink(`${created.id}.nope`), { wrapper: wrapper(dave.token) });
    await waitFor(() => expect(bad.result.current.state).toBe('invalid'));
    const out = renderHook(() => useJoinLink(tokenOf(created.url)), { wrapper: wrapper(null) });
    await waitFor(() => expect(out.result.current.state).toBe('active'));
    await act(async () => {
      await out.result.current.join();
    });
    await waitFor(() => expect(out.result.current.state).toBe('signed_out'));
  });

  test('approval: the request shows in useMembershipRequests; rejecting it there settles the use', async () => {
    const { admin, org } = await api.organization('hook-one-list');
    const created = await api.backend.joinLinks.create(org.id, {
      role: 'org:member',
      created_by: admin.id,
      require_approval: true,
    });
    const erin = await api.user('hook-erin');
    const page = renderHook(() => useJoinLink(tokenOf(created.url)), { wrapper: wrapper(erin.token) });
    await waitFor(() => expect(page.result.current.state).toBe('active'));
    await act(async () => {
      await page.result.current.join();
    });
    await waitFor(() => expect(page.result.current.state).toBe('requested'));

    // One provider for the admin's two hooks, so a decision in one refreshes the other.
    const adminWrapper = wrapper(admin.token);
    const requests = renderHook(() => useMembershipRequests(org.id), { wrapper: adminWrapper });
    const uses = renderHook(() => useJoinLinkUses(org.id, created.id), { wrapper: adminWrapper });
    await waitFor(() =>
      expect(requests.result.current.data.map((r) => r.public_user_data.user_id)).toEqual([erin.id]),
    );
    await waitFor(() => expect(uses.result.current.data[0]?.status).toBe('pending'));
    await act(async () => {
      await requests.result.current.reject.mutateAsync(requests.result.current.data[0]!.id);
    });
    await waitFor(() => expect(requests.result.current.data).toHaveLength(0));
    await waitFor(() =>
      expect(uses.result.current.data[0]).toMatchObject({ status: 'rejected', decided_by: admin.id }),
    );
    const link = await api.backend.joinLinks.get(org.id, created.id);
    expect(link.uses_count).toBe(0);
  });
});
