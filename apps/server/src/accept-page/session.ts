import { createHash } from 'node:crypto';
import type { AuthenticatedUser, InvitekitServices } from '@invitekit/core';
import { parseCookie } from 'cookie';
import type { Request } from 'express';
import { seal, unseal } from './signing.js';

export const DEV_SESSION_COOKIE = 'invitekit_dev_session';
const DEV_SESSION_SECONDS = 12 * 60 * 60;

export interface PageUser {
  user: AuthenticatedUser;
  /** `host`: the host's session cookie; `dev`: the development sign-in. */
  source: 'host' | 'dev';
}

interface DevSession {
  id: string;
  email: string;
  exp: number;
}

export const cookiesOf = (req: Request) => parseCookie(req.headers.cookie ?? '');

/**
 * Who is signed in on the page: the host's session JWT from its cookie (verified with the server's JWT
 * settings), else, in development only, the development sign-in's cookie.
 */
export class PageSessions {
  constructor(
    private readonly options: {
      key: Buffer;
      cookieName: string;
      verify: ((token: string) => Promise<AuthenticatedUser | null>) | null;
      devSignIn: boolean;
      services: InvitekitServices;
      now: () => number;
    },
  ) {}

  async current(req: Request): Promise<PageUser | null> {
    const cookies = cookiesOf(req);
    const hostToken = cookies[this.options.cookieName];
    if (hostToken && this.options.verify) {
      const user = await this.options.verify(hostToken);
      if (user) return { user, source: 'host' };
    }
    if (!this.options.devSignIn) return null;
    const dev = unseal<DevSession>(this.options.key, 'dev-session', cookies[DEV_SESSION_COOKIE]);
    if (!dev || typeof dev.email !== 'string' || !(dev.exp > this.options.now() / 1000)) return null;
    return {
      user: { id: dev.id, emailAddresses: [{ emailAddress: dev.email, verified: true }] },
      source: 'dev',
    };
  }

  /**
   * The development sign-in's cookie value for an address: the directory's user with that address, or a
   * stable id made from it, with the address as verified. Development only: no password, no check.
   */
  async devSession(email: string): Promise<{ value: string; maxAge: number }> {
    if (!this.options.devSignIn) throw new Error('the development sign-in is off');
    const [existing] = await this.options.services.users.list({ emailAddresses: [email], limit: 1 });
    const id = existing?.id ?? `user_dev_${createHash('sha256').update(email).digest('hex').slice(0, 24)}`;
    const exp = Math.floor(this.options.now() / 1000) + DEV_SESSION_SECONDS;
    return { value: seal(this.options.key, 'dev-session', { id, email, exp }), maxAge: DEV_SESSION_SECONDS };
  }
}
