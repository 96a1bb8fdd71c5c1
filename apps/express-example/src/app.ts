import {
  createInvitekit,
  type Invitekit,
  type InvitekitConfig,
  InvitekitError,
  toErrorResponse,
} from '@invitekit/core';
import { invitekitRouter, sendInvitekitResponse } from '@invitekit/express';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { authenticateFromSession, currentUser, requireUser, sessionMiddleware } from './session.js';
import { HostRuleError, TeamInvites } from './team-invites.js';
import { Directory } from './users.js';

export interface ExampleOptions {
  /** Invitekit's options, less `authenticate` (the host's session provides it). */
  invitekit: Omit<InvitekitConfig, 'authenticate'>;
  sessionSecret: string;
}

/**
 * An existing Express app (its own users, sign-in and session) that adds Invitekit: the router under
 * `/invitekit`, behind the app's session middleware so `authenticate` can read the session, and the
 * app's own invite route calling Invitekit's service API.
 */
export async function createExampleApp(
  options: ExampleOptions,
): Promise<{ app: Express; invitekit: Invitekit }> {
  const directory = new Directory();
  const invitekit = await createInvitekit({
    ...options.invitekit,
    authenticate: authenticateFromSession(directory),
  });
  const invites = new TeamInvites(invitekit);
  const app = express();
  app.disable('x-powered-by');
  app.use(sessionMiddleware(options.sessionSecret));

  // The app's own routes.
  app.post('/login', express.json(), (req, res) => {
    const user = directory.signIn(String(req.body?.email ?? ''), String(req.body?.password ?? ''));
    if (!user) return void res.status(401).json({ error: 'Wrong email or password' });
    req.session.regenerate((err) => {
      if (err) return void res.status(500).json({ error: 'Session error' });
      req.session.userId = user.id;
      res.json({ id: user.id, email: user.email });
    });
  });
  app.post('/logout', (req, res) => req.session.destroy(() => res.status(204).end()));
  app.get('/me', requireUser(directory), (req, res) => {
    const user = currentUser(req, directory)!;
    res.json({ id: user.id, email: user.email, name: user.name });
  });
  app.post('/orgs/:orgId/invites', requireUser(directory), express.json(), async (req, res, next) => {
    try {
      const user = currentUser(req, directory)!;
      const email = String(req.body?.email ?? '');
      const invitation = await invites.invite(
        user,
        directory.organization(String(req.params.orgId)),
        email,
        req.body?.role,
      );
      res.status(201).json({ id: invitation.id, email: invitation.emailAddress, status: invitation.status });
    } catch (err) {
      next(err);
    }
  });
  app.get('/orgs/:orgId/invites', requireUser(directory), async (req, res, next) => {
    try {
      const pending = await invites.pending(
        currentUser(req, directory)!,
        directory.organization(String(req.params.orgId)),
      );
      res.json(pending.map((i) => ({ id: i.id, email: i.emailAddress, role: i.role })));
    } catch (err) {
      next(err);
    }
  });

  // Invitekit: the Backend API (secret key) and the Frontend API (this app's session) under /invitekit.
  app.use('/invitekit', invitekitRouter(invitekit));

  // The app's own error handler, for its own routes (Invitekit's router answers its errors itself).
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HostRuleError) return void res.status(err.status).json({ error: err.message });
    // An Invitekit rule the app's route ran into (a bad address, a duplicate): core's ClerkErrors answer.
    if (err instanceof InvitekitError) return sendInvitekitResponse(res, toErrorResponse(err));
    console.error(err);
    res.status(500).json({ error: 'Something went wrong' });
  });
  return { app, invitekit };
}
