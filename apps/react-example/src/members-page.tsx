import { useMyInvitations } from '@invitekit/react';
import { useQuery } from '@tanstack/react-query';
import { ImportInvitations } from './import-invitations.js';
import { InviteForm } from './invite-form.js';
import { PendingList } from './pending-list.js';
import { demoGet, useSession } from './session.js';
import { ShareLinkPanel } from './share-link-panel.js';

interface Organization {
  id: string;
  name: string;
  slug: string;
  role: string;
}

interface Member {
  id: string;
  user_id: string;
  identifier: string | null;
  first_name: string | null;
  last_name: string | null;
  role: string;
  role_name: string;
}

/** Members are not part of the Frontend API: the demo server reads them for members only (see README). */
function useMembers(organizationId: string | undefined) {
  const session = useSession();
  return useQuery({
    // Under Invitekit's cache scope, so accepting an invitation (which invalidates it) refreshes this too.
    queryKey: ['invitekit', '', session?.user.id ?? '', 'members', organizationId],
    queryFn: () => demoGet<Member[]>(`/demo/organizations/${organizationId}/members`),
    enabled: !!organizationId,
  });
}

export function MembersPage() {
  const session = useSession();
  const organizations = useQuery({
    queryKey: ['invitekit', '', session?.user.id ?? '', 'demo-organizations'],
    queryFn: () => demoGet<Organization[]>('/demo/organizations'),
  });
  const org = organizations.data?.[0];
  const members = useMembers(org?.id);
  const isAdmin = org?.role === 'org:admin';

  return (
    <>
      <MyInvitations />
      {organizations.isLoading && <p className="muted">Loading…</p>}
      {organizations.data && !org && (
        <section className="card">
          <p>You are not a member of any organization yet. Accept an invitation to join one.</p>
        </section>
      )}
      {org && (
        <>
          <section className="card">
            <h2>
              {org.name} <span className="muted">members</span>
            </h2>
            {members.error && <p className="error">{members.error.message}</p>}
            <ul className="members" data-testid="members">
              {members.data?.map((m) => (
                <li key={m.id}>
                  <span>
                    {[m.first_name, m.last_name].filter(Boolean).join(' ') || m.identifier}{' '}
                    <span className="muted">{m.identifier}</span>
                  </span>
                  <span className="badge">{m.role_name}</span>
                </li>
              ))}
            </ul>
          </section>
          {isAdmin ? (
            <>
              <InviteForm organizationId={org.id} />
              <PendingList organizationId={org.id} />
              <ShareLinkPanel organizationId={org.id} />
              <ImportInvitations organizationId={org.id} />
            </>
          ) : (
            <p className="muted">Only admins of {org.name} invite people.</p>
          )}
        </>
      )}
    </>
  );
}

/** The signed-in user's own pending invitations, accepted or declined in place. */
function MyInvitations() {
  const { data, accept, decline } = useMyInvitations();
  if (data.length === 0) return null;
  return (
    <section className="card">
      <h2>Your invitations</h2>
      <ul className="members">
        {data.map((inv) => (
          <li key={inv.id}>
            <span>
              {inv.public_organization_data.name} <span className="muted">as {inv.role_name}</span>
            </span>
            <span>
              <button type="button" onClick={() => accept.mutate(inv.id)} disabled={accept.isPending}>
                Accept
              </button>{' '}
              <button type="button" className="secondary" onClick={() => decline.mutate(inv.id)}>
                Decline
              </button>
            </span>
          </li>
        ))}
      </ul>
      {(accept.error ?? decline.error) && <p className="error">{(accept.error ?? decline.error)?.message}</p>}
    </section>
  );
}
