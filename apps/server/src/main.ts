import { configFromEnv } from './config.js';
import { createLogger } from './log.js';
import { startServer } from './server.js';

const log = createLogger(process.env);

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
  const shutdown = (signal: string) => {
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
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  log.fatal({ err }, 'failed to start');
  process.exit(1);
}
