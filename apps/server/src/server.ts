import { createServer, IncomingMessage, type Server, type ServerOptions, ServerResponse } from 'node:http';
import { createInvitekit, type Invitekit, logsAcceptLinks } from '@invitekit/core';
import { answerClientError, invitekitRouter } from '@invitekit/express';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import { devMailboxRouter } from './dev-mailbox.js';

const GRACE_MS = 5_000;

export interface RunningServer {
  invitekit: Invitekit;
  server: Server;
  url: string;
  /** Stops accepting connections, lets requests in flight finish, then closes the database. */
  stop(): Promise<void>;
}

/**
 * The standalone server: Express, the Invitekit router at the root, structured access logs, and the
 * background work (email and webhook delivery, the expiry sweeper).
 */
export async function startServer(config: ServerConfig, log: Logger): Promise<RunningServer> {
  const invitekit = await createInvitekit({
    ...config.invitekit,
    log: (level, message, data) => log[level](data ?? {}, message),
    onUnexpectedError: (err, req) =>
      log.error({ err, method: req.method, path: req.path }, 'unexpected error'),
  });
  let stopping = false;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Once stopping, every response closes its connection, so keep-alive clients let go promptly.
  app.use((_req, res, next) => {
    if (stopping) res.setHeader('connection', 'close');
    next();
  });
  // Never in production, whatever the config says: its links hold live accept tokens.
  const devMailer = config.devMailbox && process.env.NODE_ENV !== 'production' ? invitekit.devMailer : null;
  if (devMailer) app.use(devMailboxRouter(devMailer));
  app.use(invitekitRouter(invitekit));

  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer(expressClasses(app), app).listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  // Errors Node's parser raises before Express runs (oversized headers, bad HTTP) get a ClerkErrors body.
  server.on('clientError', answerClientError);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  invitekit.start();
  if (invitekit.devMailer) {
    log.warn(
      devMailer
        ? `No SMTP_URL: invitation emails are kept in memory, not sent; read them at ${url}/dev/mailbox`
        : logsAcceptLinks(config.invitekit)
          ? 'No SMTP_URL: invitation emails are not sent (their accept links are logged)'
          : 'No SMTP_URL: invitation emails are not sent, and their accept links are not logged (NODE_ENV=production); set SMTP_URL',
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
