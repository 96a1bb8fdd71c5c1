import { invalidParam } from './errors.js';

/** The query parameter that carries the accept token on the accept page's URL. */
export const TOKEN_PARAM = 'invitation_token';

/** The accept link: the invitation's redirect URL (when it has one) or the accept page, with the token. */
export function acceptLink(base: string, token: string): string {
  const url = new URL(base);
  url.searchParams.set(TOKEN_PARAM, token);
  return url.toString();
}

/**
 * Redirect URLs must be on an allowed origin, so an invitation email can never send someone to a site
 * the application does not own (no open redirects).
 */
export class RedirectPolicy {
  private readonly origins: Set<string>;

  constructor(allowedOrigins: string[]) {
    this.origins = new Set(allowedOrigins.map((o) => new URL(o).origin));
  }

  check(redirectUrl: string | null | undefined): string | null {
    if (redirectUrl == null) return null;
    let origin: string | undefined;
    try {
      origin = new URL(redirectUrl).origin;
    } catch {}
    if (!origin || !this.origins.has(origin)) {
      throw invalidParam(
        'redirect_url',
        `redirect_url must be on an allowed origin (${[...this.origins].join(', ') || 'none configured'})`,
        'redirect_url_not_allowed',
      );
    }
    return redirectUrl;
  }
}
