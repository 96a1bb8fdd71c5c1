import type { Logger } from 'pino';
import { configFromEnv } from './config.js';
import { ConfigError } from './env.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

let log: Logger;
try {
  log = createLogger();
} catch (err) {
  console.error(`Invitekit: invalid configuration: ${(err as Error).message}`);
  process.exit(1);
}

try {
  const config = configFromEnv();
  const running = await startServer(config, log);
  log.info(
    { url: running.url, database: running.invitekit.database.driver },
    `Invitekit listening on ${running.url} (${running.invitekit.database.driver})`,
  );
  if (!config.jwt) {
    log.warn(
      'No INVITEKIT_JWT_SECRET or INVITEKIT_JWKS_URL set: the Frontend API answers 401 to every signed-in route',
    );
  }
  if (config.generatedKey) {
    log.warn(`No INVITEKIT_SECRET_KEY set; this run accepts the generated key ${config.generatedKey}`);
  }
  // The signal often comes twice: a terminal's Ctrl-C reaches the whole process group, and pnpm also
  // forwards it to its child. Later ones are ignored (a `once` handler would let the second kill the
  // process mid-shutdown, and pnpm would report ELIFECYCLE); the force timer still bounds the wait.
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    running.stop().then(
      () => {
        clearTimeout(force);
        log.info('stopped');
        process.exit(0);
      },
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  // A configuration error is the operator's to fix: its message names the setting, no stack trace.
  if (err instanceof ConfigError || (err as Error).message?.startsWith('Invitekit: invalid configuration')) {
    log.fatal(
      `invalid configuration: ${(err as Error).message.replace(/^Invitekit: invalid configuration:\s*/, '')}`,
    );
  } else log.fatal({ err }, 'failed to start');
  // Exit once the log line is written (pino-pretty writes from a worker thread).
  log.flush(() => process.exit(1));
}
