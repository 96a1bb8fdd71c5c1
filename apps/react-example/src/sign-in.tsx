import { type FormEvent, useState } from 'react';
import { signIn } from './session.js';

/** The demo's pretend sign-in: any address, no password. Development only. */
export function SignIn({ title = 'Sign in', hint }: { title?: string; hint?: string }) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent, address = email) => {
    event.preventDefault();
    setError(null);
    try {
      await signIn(address);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section className="card">
      <h2>{title}</h2>
      <p className="muted">
        {hint ?? 'Demo sign-in: type any address and you are that person (development only).'}
      </p>
      <form onSubmit={submit} className="row">
        <input
          aria-label="Email address"
          type="email"
          placeholder="you@example.com"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
        <button type="submit">Sign in</button>
      </form>
      <button type="button" className="link" onClick={(e) => submit(e, 'ada@acme.test')}>
        Sign in as ada@acme.test (admin of Acme)
      </button>
      {error && <p className="error">{error}</p>}
    </section>
  );
}
