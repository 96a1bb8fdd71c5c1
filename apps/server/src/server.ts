import type { Server } from 'node:http';
import { createInvitekit, type Invitekit } from '@invitekit/core';
import { invitekitRouter } from '@invitekit/express';
import express from 'express';
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
  const devMailer = config.devMailbox ? invitekit.devMailer : null;
  if (devMailer) app.use(devMailboxRouter(devMailer));
  app.use(invitekitRouter(invitekit));

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  invitekit.start();
  if (invitekit.devMailer) {
    log.warn(
      devMailer
        ? `No SMTP_URL: invitation emails are kept in memory, not sent; read them at ${url}/dev/mailbox`
        : 'No SMTP_URL: invitation emails are not sent (their accept links are logged)',
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
