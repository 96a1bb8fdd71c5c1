import { QueryClient } from '@tanstack/react-query';
import { act, cleanup, configure, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { SECRET_KEY, sessionToken, standaloneHelpers } from '../../../test/support/standalone.js';
import { InvitekitProvider, useMembershipRequests, useOrganizationSuggestions } from '../src/index.js';

// Suggestions and membership requests (verified domains in automatic_suggestion mode) through the hooks,
// against the real standalone server started by global-setup.ts.

configure({ asyncUtilTimeout: 15_000 });
const api = standaloneHelpers(inject('invitekitUrl'));
afterEach(() => cleanup());

function wrapper(token: string) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return ({ children }: { children: ReactNode }) => (
    <InvitekitProvider baseUrl={api.url} getToken={() => token} queryClient={queryClient}>
      {children}
    </InvitekitProvider>
  );
}

/** An organization with a verified domain in automatic_suggestion mode (Backend API). */
async function suggestingOrganization(label: string) {
  const { admin, org } = await api.organization(label);
  const domain = `${label}-${Date.now().toString(36)}.test`;
  const res = await fetch(`${api.url}/v1/organizations/${org.id}/domains`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: domain, enrollment_mode: 'automatic_suggestion' }),
  });
  expect(res.status).toBe(200);
  return { admin, org, domain };
}

describe('useOrganizationSuggestions and useMembershipRequests', () => {
  test('a person accepts a suggestion; the admin sees the request and accepts it; another is rejected', async () => {
    const { admin, org, domain } = await suggestingOrganization('hooks-sugg');
    const ann = sessionToken({ id: `user_ann_${Date.now()}`, email: `ann@${domain}` });
    const bob = sessionToken({ id: `user_bob_${Date.now()}`, email: `bob@${domain}` });

    const mine = renderHook(() => useOrganizationSuggestions(), { wrapper: wrapper(ann) });
    await waitFor(() => expect(mine.result.current.data).toHaveLength(1));
    const suggestion = mine.result.current.data[0]!;
    expect(suggestion).toMatchObject({ status: 'pending', public_organization_data: { id: org.id } });
    await act(() => mine.result.current.accept.mutateAsync(suggestion.id));
    // Pending only by default: the accepted suggestion leaves the list.
    await waitFor(() => expect(mine.result.current.totalCount).toBe(0));

    const bobs = renderHook(() => useOrganizationSuggestions(), { wrapper: wrapper(bob) });
    await waitFor(() => expect(bobs.result.current.data).toHaveLength(1));
    await act(() => bobs.result.current.accept.mutateAsync(bobs.result.current.data[0]!.id));

    const requests = renderHook(() => useMembershipRequests(org.id), { wrapper: wrapper(admin.token) });
    await waitFor(() => expect(requests.result.current.totalCount).toBe(2));
    const byEmail = (email: string) =>
      requests.result.current.data.find((r) => r.public_user_data.identifier === email)!;
    const annRequest = byEmail(`ann@${domain}`);
    const bobRequest = byEmail(`bob@${domain}`);
    expect(annRequest.public_user_data).not.toHaveProperty('private_metadata');

    const accepted = await act(() => requests.result.current.accept.mutateAsync(annRequest.id));
    expect(accepted.status).toBe('accepted');
    await act(() => requests.result.current.reject.mutateAsync(bobRequest.id));
    await waitFor(() => expect(requests.result.current.totalCount).toBe(0));

    const members = await api.backend.memberships.list(org.id);
    expect(members.data.map((m) => m.public_user_data.identifier)).toContain(`ann@${domain}`);
    expect(members.data.map((m) => m.public_user_data.identifier)).not.toContain(`bob@${domain}`);
  });

  test('a non-admin gets an error from useMembershipRequests, not data', async () => {
    const { org, domain } = await suggestingOrganization('hooks-403');
    const eve = sessionToken({ id: `user_eve_${Date.now()}`, email: `eve@${domain}` });
    const { result } = renderHook(() => useMembershipRequests(org.id), { wrapper: wrapper(eve) });
    await waitFor(() => expect(result.current.error).not.toBeNull());
    expect(result.current.data).toEqual([]);
  });
});
