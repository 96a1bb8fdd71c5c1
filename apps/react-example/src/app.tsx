import { AcceptPage } from './accept-page.js';
import { MembersPage } from './members-page.js';
import { signOut, useSession } from './session.js';
import { SignIn } from './sign-in.js';

export function App() {
  const session = useSession();
  const onAcceptPage = window.location.pathname === '/accept';
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
      {onAcceptPage ? (
        <AcceptPage token={new URLSearchParams(window.location.search).get('invitation_token')} />
      ) : session ? (
        <MembersPage />
      ) : (
        <SignIn />
      )}
    </main>
  );
}
