import { isInvitekitApiError } from '@invitekit/client';
import { useJoinLink } from '@invitekit/react';
import { useSession } from './session.js';
import { SignIn } from './sign-in.js';

const closed: Record<string, string> = {
  revoked: 'This join link was withdrawn.',
  expired: 'This join link has expired.',
  used_up: 'This join link has been used as many times as it allows.',
  invalid: 'This join link is not valid.',
  already_member: 'You are already a member (or you have used this link).',
};

/** Where a join link lands: /accept?join_token=… */
export function JoinPage({ token }: { token: string | null }) {
  const session = useSession();
  const { state, preview, join, error } = useJoinLink(token);
  const org = preview?.organization;
  return (
    <section className="card" data-testid="join" data-state={state}>
      {state === 'loading' && <p className="muted">Loading the link…</p>}
      {preview && (
        <>
          <h2>
            Join <strong>{org?.name}</strong>
          </h2>
          <p>
            You can join as {preview.role_name}
            {preview.require_approval ? ', once an admin approves' : ''}.
            {preview.allowed_email_domains.length > 0 &&
              ` For addresses at ${preview.allowed_email_domains.join(', ')}.`}
          </p>
        </>
      )}
      {closed[state] && <p className="error">{closed[state]}</p>}
      {(state === 'joined' || state === 'requested') && (
        <>
          <p className="ok" role="status">
            {state === 'joined' ? `You joined ${org?.name}.` : `Your request to join ${org?.name} was sent.`}
          </p>
          <a href="/" className="button">
            Go to the members page
          </a>
        </>
      )}
      {state === 'not_allowed' && (
        <p className="error">{isInvitekitApiError(error) ? error.errors[0]?.long_message : error?.message}</p>
      )}
      {state === 'error' && <p className="error">{error?.message ?? 'Something went wrong.'}</p>}
      {(state === 'active' || state === 'joining' || state === 'signed_out') &&
        (session ? (
          <button type="button" onClick={() => void join()} disabled={state === 'joining'}>
            {state === 'joining'
              ? 'Joining…'
              : `${preview?.require_approval ? 'Ask to join' : 'Join'} as ${session.user.email_address}`}
          </button>
        ) : (
          <SignIn title="Sign in to join" hint="Sign in with a verified email address to join." />
        ))}
    </section>
  );
}
