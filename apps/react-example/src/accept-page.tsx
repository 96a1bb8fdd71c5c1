import { useInvitation } from '@invitekit/react';
import { signOut, useSession } from './session.js';
import { SignIn } from './sign-in.js';

const dead: Record<string, string> = {
  already_accepted: 'This invitation has already been accepted.',
  revoked: 'This invitation was revoked. Ask for a new one.',
  expired: 'This invitation has expired. Ask for a new one.',
  invalid: 'This invitation link is not valid.',
};

/** Where an invitation email's link lands: /accept?invitation_token=… */
export function AcceptPage({ token }: { token: string | null }) {
  const session = useSession();
  const { state, preview, accept, error } = useInvitation(token);
  const org = preview?.organization;
  const inviter = preview?.inviter
    ? [preview.inviter.first_name, preview.inviter.last_name].join(' ').trim()
    : null;

  return (
    <section className="card" data-testid="accept" data-state={state}>
      {state === 'loading' && <p className="muted">Loading the invitation…</p>}
      {preview && (
        <>
          <h2>
            Join <strong>{org?.name ?? 'the application'}</strong>
          </h2>
          <p>
            {inviter ? `${inviter} invited ` : 'You were invited as '}
            {inviter ? <code>{preview.email_address}</code> : <code>{preview.email_address}</code>}
            {preview.role_name ? ` as ${preview.role_name}` : ''}.
          </p>
        </>
      )}
      {dead[state] && <p className="error">{dead[state]}</p>}
      {state === 'accepted' && (
        <>
          <p className="ok" role="status">
            You joined {org?.name ?? 'the application'}.
          </p>
          <a href="/" className="button">
            Go to the members page
          </a>
        </>
      )}
      {state === 'error' && <p className="error">{error?.message ?? 'Something went wrong.'}</p>}
      {(state === 'pending' || state === 'accepting' || state === 'signed_out') &&
        (session ? (
          <button type="button" onClick={() => void accept()} disabled={state === 'accepting'}>
            {state === 'accepting' ? 'Accepting…' : `Accept as ${session.user.email_address}`}
          </button>
        ) : (
          <SignIn
            title="Sign in to accept"
            hint={`Sign in with the invited address (${preview?.email_address}).`}
          />
        ))}
      {state === 'wrong_account' && (
        <>
          <p className="error">
            This invitation is for {preview?.email_address}, and you are signed in as{' '}
            {session?.user.email_address}.
          </p>
          <button type="button" className="secondary" onClick={signOut}>
            Sign in with another account
          </button>
        </>
      )}
    </section>
  );
}
