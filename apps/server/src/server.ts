import { createServer, IncomingMessage, type Server, type ServerOptions, ServerResponse } from 'node:http';
import { createInvitekit, type Invitekit, logsAcceptLinks } from '@invitekit/core';
import { answerClientError, invitekitHandler } from '@invitekit/express';
import express, { type Express, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { acceptPageRouter } from './accept-page/router.js';
import { ACCEPT_PAGE_PATH, publicBaseUrl } from './accept-page-env.js';
import type { ServerConfig } from './config.js';
import { devMailboxRouter } from './dev-mailbox.js';
import { jwtVerifier } from './jwt-auth.js';

const GRACE_MS = 5_000;

/** The answer while the database opens (a ClerkErrors body; a clean 503 is what a dependency not yet up gives). */
const STARTING = JSON.stringify({
  errors: [
    {
      code: 'service_unavailable',
      message: 'starting',
      long_message: 'The server is starting; retry in a moment',
      meta: {},
    },
  ],
  meta: {},
});

export interface RunningServer {
  invitekit: Invitekit;
  server: Server;
  url: string;
  /** Stops accepting connections, lets requests in flight finish, then closes the database. */
  stop(): Promise<void>;
}

/**
 * The standalone server: Invitekit's handler at the root (the Backend API straight from node:http, every
 * other path through Express, which also serves the accept page and the dev mailbox), structured logs, and
 * the background work (email and webhook delivery, the expiry sweeper).
 */
export async function startServer(config: ServerConfig, log: Logger): Promise<RunningServer> {
  let stopping = false;
  let ready = false;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Invitekit's own routes, set once the database is open; served without Express's routing (see below).
  let api: ((req: Request, res: Response) => void) | undefined;
  const classes = expressClasses(app);
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    // Once stopping, every response closes its connection, so keep-alive clients let go promptly.
    if (stopping) res.setHeader('connection', 'close');
    if (!ready || !api) {
      // Listening starts before the database is open (accept links need the port); until then, 503.
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(STARTING);
      return;
    }
    // The Backend API (`/v1/...`) goes straight to Invitekit's handler: every other router in this app
    // (the accept page, the dev mailbox) lets those paths through to it anyway, and Express's routing
    // cost the hot routes about a tenth of the server's time per request. Only when the objects carry the
    // app's request API (expressClasses); otherwise, and for every other path, Express serves it.
    if (req.url?.startsWith('/v1/') && Object.getPrototypeOf(req) === app.request) {
      const request = req as Request;
      const response = res as Response;
      // The two links Express's app.handle sets, for anything downstream that follows them.
      request.res = response;
      response.req = request;
      api(request, response);
      return;
    }
    app(req, res);
  };

  // Listen first: the accept links' default address is the port actually bound (PORT=0 included).
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer(classes, onRequest).listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  // Errors Node's parser raises before Express runs (oversized headers, bad HTTP) get a ClerkErrors body.
  server.on('clientError', answerClientError);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const page = config.acceptPage ?? null;
  const publicUrl = publicBaseUrl(page, config.host, port);
  const hostedAcceptUrl = `${publicUrl}${ACCEPT_PAGE_PATH}`;
  const acceptUrl = config.invitekit.acceptUrl ?? (page ? hostedAcceptUrl : undefined);

  let invitekit: Invitekit;
  try {
    invitekit = await createInvitekit({
      ...config.invitekit,
      acceptUrl,
      // Links open the hosted page, which sends the person to redirect_url once they have accepted.
      redirectAfterAccept:
        config.invitekit.redirectAfterAccept ?? (page !== null && acceptUrl === hostedAcceptUrl),
      log: (level, message, data) => log[level](data ?? {}, message),
      onUnexpectedError: (err, req) =>
        log.error({ err, method: req.method, path: req.path }, 'unexpected error'),
    });
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }
  try {
    // Never in production, whatever the config says: its links hold live accept tokens.
    const devMailer = config.devMailbox && process.env.NODE_ENV !== 'production' ? invitekit.devMailer : null;
    if (devMailer) app.use(devMailboxRouter(devMailer));
    if (page) {
      app.use(
        ACCEPT_PAGE_PATH,
        acceptPageRouter({
          config: page,
          invitekit,
          publicUrl,
          secretKeys: config.invitekit.secretKeys,
          redirectOrigins: config.invitekit.redirectOrigins,
          verify: config.jwt ? jwtVerifier(config.jwt) : null,
          log,
          locale: config.invitekit.locale,
          messages: config.invitekit.messages,
        }),
      );
    }
    const handler = invitekitHandler(invitekit);
    app.use((req: Request, res: Response) => handler(req, res));
    api = handler;
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await invitekit.close();
    throw err;
  }
  ready = true;
  // Off in processes that only serve while separate ones deliver (INVITEKIT_BACKGROUND=false).
  if (config.background !== false) invitekit.start();
  if (invitekit.devMailer) {
    log.warn(
      config.devMailbox && process.env.NODE_ENV !== 'production'
        ? `No SMTP_URL: invitation emails are kept in memory, not sent; read them at ${url}/dev/mailbox`
        : logsAcceptLinks(config.invitekit)
          ? 'No SMTP_URL: invitation emails are not sent (their accept links are logged)'
          : 'No SMTP_URL: invitation emails are not sent, and their accept links are not logged (NODE_ENV=production); set SMTP_URL',
    );
  }
  if (page) log.info({ acceptUrl }, `Accept links open ${acceptUrl}`);
  if (page && !config.jwt && !page.devSignIn) {
    log.warn(
      'The hosted accept page cannot tell who is signed in: set INVITEKIT_JWT_SECRET or INVITEKIT_JWKS_URL for INVITEKIT_SESSION_COOKIE',
    );
  }

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopping = true;
    stopped ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Connections still busy after the grace period are cut; their requests still finish in core.
        setTimeout(() => server.closeAllConnections(), GRACE_MS).unref();
      });
      await invitekit.close();
    })();
    return stopped;
  };
  return { invitekit, server, url, stop };
}

/**
 * Request and response classes whose instances are born with the app's prototypes (`app.request`,
 * `app.response`), for `http.createServer`. Express gives every request and response the app's prototypes
 * with Object.setPrototypeOf, and changing the prototype of Node's live objects sends V8 down slow paths
 * for everything that touches them afterwards: a bare Express app took 95-110 µs of CPU per request
 * instead of 24-29 µs. When the prototype is already the right one, Express's call changes nothing.
 *
 * Node's IncomingMessage and ServerResponse are plain constructor functions, so they are called on an
 * object of the right prototype (Reflect.construct with another new.target measured as slow as Express's
 * own way). Should they become classes, that cannot work, and the server keeps Node's defaults.
 */
export function expressClasses(app: Express): ServerOptions {
  const isClass = (f: unknown) => /^class\b/.test(Function.prototype.toString.call(f));
  if (isClass(IncomingMessage) || isClass(ServerResponse)) return {};
  type Construct = (this: unknown, ...args: unknown[]) => void;
  const Request = function (this: unknown, ...args: unknown[]) {
    (IncomingMessage as unknown as Construct).apply(this, args);
  };
  Request.prototype = app.request;
  const Response = function (this: unknown, ...args: unknown[]) {
    (ServerResponse as unknown as Construct).apply(this, args);
  };
  Response.prototype = app.response;
  return {
    IncomingMessage: Request as unknown as typeof IncomingMessage,
    ServerResponse: Response as unknown as typeof ServerResponse,
  };
}
