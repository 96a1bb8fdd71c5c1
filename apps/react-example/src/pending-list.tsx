import { isOptimisticInvitation, useOrgInvitations } from '@invitekit/react';

/** Pending invitations, five to a page, each revocable. */
export function PendingList({ organizationId }: { organizationId: string }) {
  const list = useOrgInvitations(organizationId, { status: 'pending', pageSize: 5 });
  return (
    <section className="card">
      <h2>
        Pending invitations <span className="muted">({list.totalCount})</span>
      </h2>
      {list.isLoading && <p className="muted">Loading…</p>}
      {list.error && <p className="error">{list.error.message}</p>}
      {!list.isLoading && list.data.length === 0 && <p className="muted">No pending invitations.</p>}
      <ul className="members" data-testid="pending" style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
        {list.data.map((inv) => (
          <li key={inv.id} className={isOptimisticInvitation(inv) ? 'optimistic' : undefined}>
            <span>
              {inv.email_address} <span className="muted">as {inv.role_name}</span>
            </span>
            <button
              type="button"
              className="secondary"
              disabled={isOptimisticInvitation(inv)}
              onClick={() => list.revoke.mutate(inv.id)}
              aria-label={`Revoke ${inv.email_address}`}
            >
              Revoke
            </button>
          </li>
        ))}
      </ul>
      {list.revoke.error && <p className="error">{list.revoke.error.message}</p>}
      {list.pageCount > 1 && (
        <div className="row pager">
          <button type="button" onClick={list.fetchPrevious} disabled={!list.hasPreviousPage}>
            Previous
          </button>
          <span>
            Page {list.page} of {list.pageCount}
          </span>
          <button type="button" onClick={list.fetchNext} disabled={!list.hasNextPage}>
            Next
          </button>
        </div>
      )}
    </section>
  );
}
