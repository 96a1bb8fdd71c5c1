import { createFrontendClient, type FetchLike, isInvitekitApiError } from '@invitekit/client';
import { QueryClient } from '@tanstack/react-query';
import { act, cleanup, configure, render, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { standaloneHelpers } from '../../../test/support/standalone.js';
import {
  InvitekitProvider,
  isOptimisticInvitation,
  useInvitation,
  useInvitekitClient,
  useMyInvitations,
  useOrgInvitations,
} from '../src/index.js';

// Hooks against the real standalone server (started by global-setup.ts) over real HTTP; nothing is
// mocked. Where a test looks at the optimistic state, a gate holds its write request until the test has
// looked, then lets it through to the server.

// waitFor polls until the server has answered; give a busy machine room (a limit, not a measurement).
configure({ asyncUtilTimeout: 15_000 });

const api = standaloneHelpers(inject('invitekitUrl'));
const setClockOffset = async (ms: number) => {
  await fetch(`${inject('clockUrl')}/clock?offset_ms=${ms}`, { method: 'POST' });
};
afterEach(async () => {
  cleanup();
  await setClockOffset(0);
});

/** A fetch whose POSTs wait for `open()`; everything else goes straight through. */
function gatedFetch() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const fetch: FetchLike = async (url, init) => {
    if (init.method === 'POST') await gate;
    return globalThis.fetch(url, init);
  };
  return { fetch, open };
}

/** A fetch that can be closed (requests wait) and opened again. */
function valve() {
  let waiting: Promise<void> = Promise.resolve();
  let release = () => {};
  return {
    fetch: (async (url, init) => {
      await waiting;
      return globalThis.fetch(url, init);
    }) as FetchLike,
    close() {
      waiting = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    open: () => release(),
  };
}

function wrapper(token: string | null, options: { fetch?: FetchLike; queryClient?: QueryClient } = {}) {
  const queryClient =
    options.queryClient ?? new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return ({ children }: { children: ReactNode }) => (
    <InvitekitProvider
      baseUrl={api.url}
      getToken={() => token}
      fetch={options.fetch}
      queryClient={queryClient}
    >
      {children}
    </InvitekitProvider>
  );
}

function AcceptPage({ token }: { token: string }) {
  const { state, preview, accept } = useInvitation(token);
  return (
    <div>
      <p data-testid="state">{state}</p>
      <p>{preview?.organization?.name}</p>
      <button type="button" onClick={() => void accept()}>
        Accept
      </button>
    </div>
  );
}

describe('InvitekitProvider', () => {
  test('hooks outside it throw a clear error', () => {
    expect(() => renderHook(() => useInvitekitClient())).toThrow(/inside <InvitekitProvider/);
  });

  test('creates its own QueryClient when given none', async () => {
    const { admin, org } = await api.organization('own-client');
    const { result } = renderHook(() => useOrgInvitations(org.id), {
      wrapper: ({ children }) => (
        <InvitekitProvider baseUrl={api.url} getToken={async () => admin.token}>
          {children}
        </InvitekitProvider>
      ),
    });
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    expect(result.current.error).toBeNull();
    expect(result.current.totalCount).toBe(0);
  });
});

describe('useOrgInvitations', () => {
  test('pages through the list: count, page count, next and previous, previous data kept', async () => {
    const { admin, org } = await api.organization('pages');
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      await api.backend.organizationInvitations.create(org.id, {
        email_address: `${name}@example.test`,
        role: 'org:member',
      });
    }
    const { result } = renderHook(() => useOrgInvitations(org.id, { pageSize: 2 }), {
      wrapper: wrapper(admin.token),
    });
    await waitFor(() => expect(result.current.data).toHaveLength(2));
    expect(result.current).toMatchObject({
      totalCount: 5,
      page: 1,
      pageCount: 3,
      hasNextPage: true,
      hasPreviousPage: false,
    });
    // newest first
    expect(result.current.data.map((i) => i.email_address)).toEqual(['e@example.test', 'd@example.test']);

    act(() => result.current.fetchNext());
    expect(result.current.page).toBe(2);
    // keepPreviousData: page 1's rows stay on screen while page 2 loads
    expect(result.current.data).toHaveLength(2);
    await waitFor(() =>
      expect(result.current.data.map((i) => i.email_address)).toEqual(['c@example.test', 'b@example.test']),
    );
    expect(result.current.isPlaceholderData).toBe(false);

    act(() => result.current.setPage(3));
    await waitFor(() => expect(result.current.data.map((i) => i.email_address)).toEqual(['a@example.test']));
    expect(result.current.hasNextPage).toBe(false);
    act(() => result.current.fetchPrevious());
    await waitFor(() => expect(result.current.page).toBe(2));
  });

  test('invite shows the row at once, then the server’s row', async () => {
    const { admin, org } = await api.organization('invite');
    const gate = gatedFetch();
    const { result } = renderHook(() => useOrgInvitations(org.id), { wrapper: wrapper(admin.token, gate) });
    await waitFor(() => expect(result.current.isLoading).toBe(false));

    let done!: Promise<unknown>;
    act(() => {
      done = result.current.invite.mutateAsync({ email_address: 'New@Example.test', role: 'org:member' });
    });
    await waitFor(() => expect(result.current.data).toHaveLength(1));
    expect(isOptimisticInvitation(result.current.data[0]!)).toBe(true);
    expect(result.current.data[0]!.email_address).toBe('new@example.test');
    expect(result.current.totalCount).toBe(1);

    gate.open();
    await act(() => done);
    await waitFor(() => expect(isOptimisticInvitation(result.current.data[0]!)).toBe(false));
    expect(result.current.data[0]).toMatchObject({ email_address: 'new@example.test', status: 'pending' });
    expect(result.current.totalCount).toBe(1);
  });

  test('a failed invite is rolled back and its ClerkError kept', async () => {
    const { admin, org } = await api.organization('rollback');
    await api.backend.organizationInvitations.create(org.id, {
      email_address: 'taken@example.test',
      role: 'org:member',
    });
    const gate = gatedFetch();
    const { result } = renderHook(() => useOrgInvitations(org.id), { wrapper: wrapper(admin.token, gate) });
    await waitFor(() => expect(result.current.data).toHaveLength(1));

    act(() => {
      result.current.invite.mutate({ email_address: 'taken@example.test', role: 'org:member' });
    });
    await waitFor(() => expect(result.current.data).toHaveLength(2));
    gate.open();
    await waitFor(() => expect(result.current.invite.isError).toBe(true));
    expect(result.current.data).toHaveLength(1);
    expect(result.current.totalCount).toBe(1);
    const error = result.current.invite.error;
    expect(isInvitekitApiError(error) && error.code).toBe('duplicate_record');
  });

  test('inviteMany adds every address', async () => {
    const { admin, org } = await api.organization('many');
    const { result } = renderHook(() => useOrgInvitations(org.id), { wrapper: wrapper(admin.token) });
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    await act(() =>
      result.current.inviteMany.mutateAsync({
        email_address: ['x@example.test', 'y@example.test'],
        role: 'org:admin',
      }),
    );
    await waitFor(() =>
      expect(result.current.data.filter((i) => !isOptimisticInvitation(i))).toHaveLength(2),
    );
    expect(result.current.data.map((i) => i.email_address).sort()).toEqual([
      'x@example.test',
      'y@example.test',
    ]);
    expect(result.current.data.every((i) => i.role === 'org:admin')).toBe(true);
  });

  test('revoke removes the row at once; a failed revoke puts it back', async () => {
    const { admin, org } = await api.organization('revoke');
    const keep = await api.backend.organizationInvitations.create(org.id, {
      email_address: 'keep@example.test',
      role: 'org:member',
    });
    const drop = await api.backend.organizationInvitations.create(org.id, {
      email_address: 'drop@example.test',
      role: 'org:member',
    });
    const gate = gatedFetch();
    const reads = valve();
    const fetch: FetchLike = (url, init) => (init.method === 'POST' ? gate.fetch : reads.fetch)(url, init);
    const { result } = renderHook(() => useOrgInvitations(org.id), {
      wrapper: wrapper(admin.token, { fetch }),
    });
    await waitFor(() => expect(result.current.data).toHaveLength(2));

    let done!: Promise<unknown>;
    act(() => {
      done = result.current.revoke.mutateAsync(drop.id);
    });
    await waitFor(() => expect(result.current.data.map((i) => i.id)).toEqual([keep.id]));
    expect(result.current.totalCount).toBe(1);
    gate.open();
    await act(() => done);
    await waitFor(() => expect(result.current.isFetching).toBe(false));
    expect(result.current.data.map((i) => i.id)).toEqual([keep.id]);

    // Revoked behind the hook's back: the hook's revoke fails and the row comes back; the refetch that
    // follows is held until the rollback has been seen, then drops the row.
    await api.backend.organizationInvitations.revoke(org.id, keep.id);
    reads.close();
    act(() => {
      result.current.revoke.mutate(keep.id);
    });
    await waitFor(() => expect(result.current.revoke.isError).toBe(true));
    expect(result.current.data.map((i) => i.id)).toEqual([keep.id]);
    expect(result.current.totalCount).toBe(1);
    const error = result.current.revoke.error;
    expect(isInvitekitApiError(error) && error.code).toBe('organization_invitation_not_pending');
    reads.open();
    await waitFor(() => expect(result.current.data).toHaveLength(0));
  });

  test('update (Invitekit extension) changes the role at once, keeps the link, and reverts on error', async () => {
    const { admin, org } = await api.organization('update');
    const bob = await api.backend.organizationInvitations.create(org.id, {
      email_address: 'bob@example.test',
      role: 'org:member',
      private_metadata: { secret: 'never in the browser' },
    });
    // Edits wait for the gate, so the test sees the optimistic row first.
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const fetch: FetchLike = async (url, init) => {
      if (init.method === 'PATCH') await gate;
      return globalThis.fetch(url, init);
    };
    const { result } = renderHook(() => useOrgInvitations(org.id), {
      wrapper: wrapper(admin.token, { fetch }),
    });
    await waitFor(() => expect(result.current.data).toHaveLength(1));

    let done!: Promise<unknown>;
    act(() => {
      done = result.current.update.mutateAsync({
        invitationId: bob.id,
        role: 'org:admin',
        expires_in_days: 3,
        locale: 'fr',
      });
    });
    await waitFor(() => expect(result.current.data[0]!.role).toBe('org:admin'));
    openGate();
    const edited = (await act(() => done)) as Record<string, unknown>;
    expect(edited).toMatchObject({ id: bob.id, role: 'org:admin', status: 'pending', url: null });
    expect(edited).not.toHaveProperty('private_metadata');
    // The refetch after it brings the server's row, role name included.
    await waitFor(() =>
      expect(result.current.data[0]).toMatchObject({ role: 'org:admin', role_name: 'Admin' }),
    );
    const stored = await api.backend.organizationInvitations.get(org.id, bob.id);
    expect(stored).toMatchObject({
      role: 'org:admin',
      status: 'pending',
      private_metadata: { secret: 'never in the browser' },
    });

    // Revoked behind the hook's back: the edit fails with a typed 400 and the role shown goes back.
    await api.backend.organizationInvitations.revoke(org.id, bob.id);
    act(() => {
      result.current.update.mutate({ invitationId: bob.id, role: 'org:member' });
    });
    await waitFor(() => expect(result.current.update.isError).toBe(true));
    const error = result.current.update.error;
    expect(isInvitekitApiError(error) && error.code).toBe('organization_invitation_not_pending');
    await waitFor(() => expect(result.current.data).toHaveLength(0));
  });

  test('a member who is not an admin gets a typed 403', async () => {
    const { org } = await api.organization('not-admin');
    const member = await api.user('plain');
    await api.backend.memberships.create(org.id, { user_id: member.id, role: 'org:member' });
    const { result } = renderHook(() => useOrgInvitations(org.id), { wrapper: wrapper(member.token) });
    await waitFor(() => expect(result.current.error).not.toBeNull());
    const error = result.current.error;
    expect(isInvitekitApiError(error) && error.status).toBe(403);
    expect(isInvitekitApiError(error) && error.code).toBe('not_an_admin_in_organization');
  });
});

describe('useMyInvitations', () => {
  test('lists the signed-in user’s invitations; accept and decline update the list', async () => {
    const { org } = await api.organization('join');
    const { org: other } = await api.organization('skip');
    const invitee = await api.user('invitee');
    await api.backend.organizationInvitations.create(org.id, {
      email_address: invitee.email,
      role: 'org:member',
    });
    await api.backend.organizationInvitations.create(other.id, {
      email_address: invitee.email,
      role: 'org:member',
    });
    const { result } = renderHook(() => useMyInvitations(), { wrapper: wrapper(invitee.token) });
    await waitFor(() => expect(result.current.data).toHaveLength(2));
    expect(result.current.totalCount).toBe(2);

    const toJoin = result.current.data.find((i) => i.organization_id === org.id)!;
    const toSkip = result.current.data.find((i) => i.organization_id === other.id)!;
    expect(toJoin.public_organization_data.name).toBe('join Inc');
    await act(() => result.current.accept.mutateAsync(toJoin.id));
    await act(() => result.current.decline.mutateAsync(toSkip.id));
    await waitFor(() => expect(result.current.data).toHaveLength(0));

    const members = await api.backend.memberships.list(org.id);
    expect(members.data.map((m) => m.public_user_data.user_id)).toContain(invitee.id);
    const skipped = await api.backend.memberships.list(other.id);
    expect(skipped.data.map((m) => m.public_user_data.user_id)).not.toContain(invitee.id);
  });
});

describe('useInvitation (the accept page)', () => {
  async function invitation(label: string) {
    const { org } = await api.organization(label);
    const invitee = await api.user(`${label}-invitee`);
    const created = await api.backend.organizationInvitations.create(org.id, {
      email_address: invitee.email,
      role: 'org:member',
    });
    return { org, invitee, created, token: api.tokenOf(created) };
  }

  test('preview, then accept: pending → accepted, and the user is a member', async () => {
    const { org, invitee, token } = await invitation('accept');
    const { result } = renderHook(() => useInvitation(token), { wrapper: wrapper(invitee.token) });
    expect(result.current.state).toBe('loading');
    await waitFor(() => expect(result.current.state).toBe('pending'));
    expect(result.current.preview).toMatchObject({
      status: 'pending',
      organization: { id: org.id, name: 'accept Inc' },
    });

    await act(() => result.current.accept());
    await waitFor(() => expect(result.current.state).toBe('accepted'));
    const members = await api.backend.memberships.list(org.id);
    expect(members.data.map((m) => m.public_user_data.user_id)).toContain(invitee.id);
  });

  test('already accepted, revoked and expired links say so', async () => {
    const accepted = await invitation('used');
    await createFrontendClient({ baseUrl: api.url, getToken: () => accepted.invitee.token }).acceptTicket(
      accepted.token,
    );
    const revoked = await invitation('revoked');
    await api.backend.organizationInvitations.revoke(revoked.org.id, revoked.created.id);
    const expired = await invitation('expired');

    const used = renderHook(() => useInvitation(accepted.token), { wrapper: wrapper(null) });
    await waitFor(() => expect(used.result.current.state).toBe('already_accepted'));
    const gone = renderHook(() => useInvitation(revoked.token), { wrapper: wrapper(null) });
    await waitFor(() => expect(gone.result.current.state).toBe('revoked'));

    await setClockOffset(31 * 24 * 3600 * 1000); // past the default 30 days
    const late = renderHook(() => useInvitation(expired.token), { wrapper: wrapper(expired.invitee.token) });
    await waitFor(() => expect(late.result.current.state).toBe('expired'));
  });

  test('the wrong account, a signed-out visitor and a bad token', async () => {
    const { token } = await invitation('wrong');
    const stranger = await api.user('stranger');
    const wrong = renderHook(() => useInvitation(token), { wrapper: wrapper(stranger.token) });
    await waitFor(() => expect(wrong.result.current.state).toBe('pending'));
    await act(() => wrong.result.current.accept());
    await waitFor(() => expect(wrong.result.current.state).toBe('wrong_account'));

    const signedOut = renderHook(() => useInvitation(token), { wrapper: wrapper(null) });
    await waitFor(() => expect(signedOut.result.current.state).toBe('pending'));
    await act(() => signedOut.result.current.accept());
    await waitFor(() => expect(signedOut.result.current.state).toBe('signed_out'));

    const bad = renderHook(() => useInvitation('not-a-real-token'), { wrapper: wrapper(null) });
    await waitFor(() => expect(bad.result.current.state).toBe('invalid'));
    const none = renderHook(() => useInvitation(null), { wrapper: wrapper(null) });
    expect(none.result.current.state).toBe('invalid');
  });

  test('renders in a component (the shape an accept page takes)', async () => {
    const { invitee, token } = await invitation('render');
    const view = render(<AcceptPage token={token} />, { wrapper: wrapper(invitee.token) });
    await view.findByText('render Inc');
    act(() => view.getByRole('button', { name: 'Accept' }).click());
    await waitFor(() => expect(view.getByTestId('state').textContent).toBe('accepted'));
  });
});
