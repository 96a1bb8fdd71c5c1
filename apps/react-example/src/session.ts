import { useSyncExternalStore } from 'react';

// The demo's pretend session: a token from POST /demo/sign-in, kept in localStorage. A real app gets
// its session token from its identity provider (Clerk, Auth0, its own) and hands `getToken` to the provider.

export interface Session {
  token: string;
  user: { id: string; email_address: string; first_name: string | null; last_name: string | null };
}

const KEY = 'invitekit-demo-session';
const listeners = new Set<() => void>();
let cached: { raw: string | null; session: Session | null } = { raw: null, session: null };

function read(): Session | null {
  const raw = localStorage.getItem(KEY);
  if (raw !== cached.raw) cached = { raw, session: raw ? (JSON.parse(raw) as Session) : null };
  return cached.session;
}

function write(session: Session | null) {
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

export function getToken(): string | null {
  return read()?.token ?? null;
}

export function useSession(): Session | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      window.addEventListener('storage', listener);
      return () => {
        listeners.delete(listener);
        window.removeEventListener('storage', listener);
      };
    },
    read,
    () => null,
  );
}

export async function signIn(email: string): Promise<Session> {
  const res = await fetch('/demo/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.errors?.[0]?.message ?? `Sign-in failed (${res.status})`);
  write(body as Session);
  return body as Session;
}

export function signOut() {
  write(null);
}

/** GET a /demo route as the signed-in user. */
export async function demoGet<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${getToken() ?? ''}` } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.errors?.[0]?.message ?? `HTTP ${res.status}`);
  return body as T;
}
