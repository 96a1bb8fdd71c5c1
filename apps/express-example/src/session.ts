import type { AuthenticatedUser, InvitekitRequest } from '@invitekit/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import type { AppUser, Directory } from './users.js';

declare module 'express-session' {
  interface SessionData {
    userId: string;
  }
}

/** The host's session: a signed cookie, server-side data (express-session's memory store here). */
export const sessionMiddleware = (secret: string): RequestHandler =>
  session({
    secret,
    name: 'app.sid',
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax' },
  });

/** The signed-in host user, from the session, on `req.user`-style access. */
export const currentUser = (req: Request, directory: Directory): AppUser | undefined =>
  directory.user(req.session.userId);

/** The host's own guard for its routes. */
export const requireUser =
  (directory: Directory) =>
  (req: Request, res: Response, next: NextFunction): void => {
    if (currentUser(req, directory)) next();
    else res.status(401).json({ error: 'Sign in first' });
  };

/**
 * Core's `authenticate` hook: the host's session, read from the Express request (`request.raw`), becomes
 * Invitekit's signed-in user. The host verified the address at sign-up, so it is marked verified.
 */
export const authenticateFromSession =
  (directory: Directory) =>
  async (request: InvitekitRequest): Promise<AuthenticatedUser | null> => {
    const user = currentUser(request.raw as Request, directory);
    if (!user) return null;
    // Under the id Invitekit knows them by; a person new to Invitekit is added under the host's id.
    return {
      id: user.invitekitUserId ?? user.id,
      emailAddresses: [{ emailAddress: user.email, verified: true }],
      firstName: user.name,
    };
  };
