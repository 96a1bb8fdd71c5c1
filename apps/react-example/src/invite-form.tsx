import { isInvitekitApiError } from '@invitekit/client';
import { useOrgInvitations } from '@invitekit/react';
import { type FormEvent, useState } from 'react';

const message = (error: Error) =>
  isInvitekitApiError(error) ? error.errors.map((e) => e.long_message || e.message).join(' ') : error.message;

/** One address or several (commas, spaces or new lines between them), one role. */
export function InviteForm({ organizationId }: { organizationId: string }) {
  const { invite, inviteMany } = useOrgInvitations(organizationId);
  const [addresses, setAddresses] = useState('');
  const [role, setRole] = useState('org:member');
  const [sent, setSent] = useState<string | null>(null);
  const pending = invite.isPending || inviteMany.isPending;
  const error = invite.error ?? inviteMany.error;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSent(null);
    const list = addresses.split(/[\s,;]+/).filter(Boolean);
    if (list.length === 0) return;
    try {
      if (list.length === 1) await invite.mutateAsync({ email_address: list[0]!, role });
      else await inviteMany.mutateAsync({ email_address: list, role });
      setAddresses('');
      setSent(list.length === 1 ? `Invitation sent to ${list[0]}.` : `${list.length} invitations sent.`);
    } catch {
      // shown from the mutation's error
    }
  };

  return (
    <section className="card">
      <h2>Invite people</h2>
      <form onSubmit={submit} className="invite">
        <textarea
          aria-label="Email addresses"
          placeholder="bob@example.com, carol@example.com"
          rows={2}
          value={addresses}
          onChange={(e) => setAddresses(e.target.value)}
        />
        <div className="row">
          <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="org:member">Member</option>
            <option value="org:admin">Admin</option>
          </select>
          <button type="submit" disabled={pending}>
            {pending ? 'Sending…' : 'Send invitation'}
          </button>
        </div>
      </form>
      {sent && (
        <p className="ok" role="status">
          {sent}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {message(error)}
        </p>
      )}
    </section>
  );
}
