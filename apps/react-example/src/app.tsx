import { AcceptPage } from './accept-page.js';
import { JoinPage } from './join-page.js';
import { MembersPage } from './members-page.js';
import { signOut, useSession } from './session.js';
import { SignIn } from './sign-in.js';

export function App() {
  const session = useSession();
  const onAcceptPage = window.location.pathname === '/accept';
  // Join links open the same page as invitations, with `?join_token=` (Invitekit extension).
  const joinToken = new URLSearchParams(window.location.search).get('join_token');
  return (
    <main>
      <header>
        <a href="/" className="brand">
          Invitekit <span>React example</span>
        </a>
        {session && (
          <span className="who">
            Signed in as <strong data-testid="signed-in-as">{session.user.email_address}</strong>{' '}
            <button type="button" className="link" onClick={signOut}>
              Sign out
            </button>
          </span>
        )}
      </header>
      {onAcceptPage && joinToken ? (
        <JoinPage token={joinToken} />
      ) : onAcceptPage ? (
        <AcceptPage token={new URLSearchParams(window.location.search).get('invitation_token')} />
      ) : session ? (
        <MembersPage />
      ) : (
        <SignIn />
      )}
    </main>
  );
}
