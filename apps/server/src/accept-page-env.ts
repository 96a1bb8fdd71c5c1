/** Settings of the hosted accept page (accept-page/). */
export interface AcceptPageConfig {
  /**
   * The server's public base URL (`INVITEKIT_PUBLIC_URL`), e.g. `https://invitations.example.com`. Null:
   * the address and port the server actually listens on (`http://localhost:<port>` on 0.0.0.0).
   */
  publicUrl: string | null;
  /** Cookie holding the host's session JWT, verified with the server's JWT settings. Default `__session`. */
  sessionCookie: string;
  /** The host's sign-in page; it gets the page's URL back in `signInReturnParam`. Null: none. */
  signInUrl: string | null;
  /** Query parameter of `signInUrl` that carries the URL to come back to. Default `redirect_url`. */
  signInReturnParam: string;
  /** Where to go after accepting when the invitation has no `redirect_url`. Null: a success page. */
  afterAcceptUrl: string | null;
  /** Shown on application invitations ("join <appName>"). Default `the application`. */
  appName: string;
  /** The development sign-in (any address, no password). Never in production. */
  devSignIn: boolean;
}

const PATH = '/accept-invitation';

/** The path the page is served at, relative to the server's root (and to INVITEKIT_PUBLIC_URL). */
export const ACCEPT_PAGE_PATH = PATH;

export const envUrl = (name: string, value: string) => {
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
    return parsed;
  } catch {
    throw new Error(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
};

export const envFlag = (name: string, value: string | undefined, fallback: boolean) => {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|on|yes)$/i.test(value)) return true;
  if (/^(0|false|off|no)$/i.test(value)) return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(value)}`);
};

/**
 * The hosted accept page's settings: INVITEKIT_ACCEPT_PAGE (default on), INVITEKIT_PUBLIC_URL,
 * INVITEKIT_SESSION_COOKIE, INVITEKIT_SIGN_IN_URL, INVITEKIT_SIGN_IN_REDIRECT_PARAM,
 * INVITEKIT_AFTER_ACCEPT_URL, INVITEKIT_APP_NAME, INVITEKIT_DEV_SIGN_IN (never on with NODE_ENV=production).
 * Null when the page is off. URLs the page sends people to must be on the public URL's origin or in
 * INVITEKIT_REDIRECT_ORIGINS; that is checked when the server knows its public URL (acceptPageTargets).
 */
export function acceptPageFromEnv(env: NodeJS.ProcessEnv): AcceptPageConfig | null {
  if (!envFlag('INVITEKIT_ACCEPT_PAGE', env.INVITEKIT_ACCEPT_PAGE, true)) return null;
  const production = env.NODE_ENV === 'production';
  const publicUrl = env.INVITEKIT_PUBLIC_URL?.trim();
  if (publicUrl) {
    const parsed = envUrl('INVITEKIT_PUBLIC_URL', publicUrl);
    if (parsed.search || parsed.hash) {
      throw new Error('INVITEKIT_PUBLIC_URL must not have a query or a fragment');
    }
  }
  const signInUrl = env.INVITEKIT_SIGN_IN_URL?.trim() || null;
  if (signInUrl) envUrl('INVITEKIT_SIGN_IN_URL', signInUrl);
  const afterAcceptUrl = env.INVITEKIT_AFTER_ACCEPT_URL?.trim() || null;
  if (afterAcceptUrl) envUrl('INVITEKIT_AFTER_ACCEPT_URL', afterAcceptUrl);
  const sessionCookie = env.INVITEKIT_SESSION_COOKIE?.trim() || '__session';
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(sessionCookie)) {
    throw new Error(`INVITEKIT_SESSION_COOKIE is not a cookie name: ${JSON.stringify(sessionCookie)}`);
  }
  const devSignIn = envFlag('INVITEKIT_DEV_SIGN_IN', env.INVITEKIT_DEV_SIGN_IN, !production);
  if (devSignIn && production) {
    throw new Error('INVITEKIT_DEV_SIGN_IN cannot be on with NODE_ENV=production');
  }
  return {
    publicUrl: publicUrl ? publicUrl.replace(/\/+$/, '') : null,
    sessionCookie,
    signInUrl,
    signInReturnParam: env.INVITEKIT_SIGN_IN_REDIRECT_PARAM?.trim() || 'redirect_url',
    afterAcceptUrl,
    appName: env.INVITEKIT_APP_NAME?.trim() || 'the application',
    devSignIn,
  };
}

/** The public base URL: the configured one, or where the server listens (`localhost` for 0.0.0.0 / ::). */
export function publicBaseUrl(config: AcceptPageConfig | null | undefined, host: string, port: number) {
  if (config?.publicUrl) return config.publicUrl;
  const name = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host;
  return `http://${name.includes(':') ? `[${name}]` : name}:${port}`;
}
