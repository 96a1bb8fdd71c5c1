import { isInvitekitApiError, type JoinLink } from '@invitekit/client';
import { useJoinLinks, useJoinLinkUses } from '@invitekit/react';
import { type FormEvent, useState } from 'react';

const message = (error: Error) =>
  isInvitekitApiError(error) ? error.errors.map((e) => e.long_message || e.message).join(' ') : error.message;

/** "Share a link": create a join link (its URL is shown once), list links, revoke, decide requests. */
export function ShareLinkPanel({ organizationId }: { organizationId: string }) {
  const links = useJoinLinks(organizationId);
  const [maxUses, setMaxUses] = useState('');
  const [days, setDays] = useState('7');
  const [domains, setDomains] = useState('');
  const [approval, setApproval] = useState(false);
  const [url, setUrl] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setUrl(null);
    try {
      const created = await links.create.mutateAsync({
        role: 'org:member',
        max_uses: maxUses ? Number(maxUses) : null,
        expires_in_days: days ? Number(days) : null,
        allowed_email_domains: domains.split(/[\s,;]+/).filter(Boolean),
        require_approval: approval,
      });
      setUrl(created.url ?? null);
    } catch {
      // shown from the mutation's error
    }
  };

  return (
    <section className="card">
      <h2>Share a link</h2>
      <p className="muted">Anyone signed in with a verified address can join Acme as a Member through it.</p>
      <form onSubmit={submit} className="invite">
        <div className="row">
          <input
            aria-label="Maximum uses"
            type="number"
            min={1}
            placeholder="Unlimited uses"
            value={maxUses}
            onChange={(e) => setMaxUses(e.target.value)}
          />
          <input
            aria-label="Expires in days"
            type="number"
            min={1}
            max={365}
            placeholder="Never expires"
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </div>
        <input
          aria-label="Allowed email domains"
          placeholder="Any domain (or e.g. acme.test)"
          value={domains}
          onChange={(e) => setDomains(e.target.value)}
        />
        <div className="row">
          <label className="check">
            <input type="checkbox" checked={approval} onChange={(e) => setApproval(e.target.checked)} />{' '}
            Require approval
          </label>
          <button type="submit" disabled={links.create.isPending}>
            {links.create.isPending ? 'Creating…' : 'Create link'}
          </button>
        </div>
      </form>
      {url && (
        <div role="status">
          <p className="ok">Link created. Copy it now: it is shown only once.</p>
          <input
            aria-label="Join link"
            data-testid="join-link-url"
            readOnly
            value={url}
            onFocus={(e) => e.target.select()}
          />
        </div>
      )}
      {links.create.error && (
        <p className="error" role="alert">
          {message(links.create.error)}
        </p>
      )}
      <ul className="members" data-testid="join-links">
        {links.data.map((link) => (
          <LinkRow key={link.id} link={link} organizationId={organizationId} links={links} />
        ))}
      </ul>
      {links.revoke.error && <p className="error">{message(links.revoke.error)}</p>}
    </section>
  );
}

function LinkRow({
  link,
  organizationId,
  links,
}: {
  link: JoinLink;
  organizationId: string;
  links: ReturnType<typeof useJoinLinks>;
}) {
  const pending = useJoinLinkUses(organizationId, link.require_approval ? link.id : null, {
    status: ['pending'],
  });
  return (
    <li>
      <span>
        {link.role_name} link{' '}
        <span className="muted" data-testid={`uses-${link.id}`}>
          {link.uses_count}
          {link.max_uses ? ` of ${link.max_uses}` : ''} used · {link.status}
          {link.require_approval ? ' · approval' : ''}
        </span>
        {pending.data.map((use) => (
          <span key={use.id} className="row">
            {use.email_address} asks to join{' '}
            <button
              type="button"
              onClick={() => links.approve.mutate({ joinLinkId: link.id, useId: use.id })}
            >
              Approve
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => links.reject.mutate({ joinLinkId: link.id, useId: use.id })}
            >
              Reject
            </button>
          </span>
        ))}
      </span>
      {link.status === 'active' && (
        <button type="button" className="secondary" onClick={() => links.revoke.mutate(link.id)}>
          Revoke
        </button>
      )}
    </li>
  );
}
