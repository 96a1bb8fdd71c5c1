import { redactTokens } from '@invitekit/core';
import { type Logger, pino } from 'pino';

/**
 * The server's logger: JSON lines at LOG_LEVEL (default `info`). With NODE_ENV=production, every line
 * has accept tokens redacted as it is written, whatever logged it: core already keeps them out of its
 * own lines there, and this catches anything else (a library's error message, a stray debug line).
 */
export function createLogger(env: NodeJS.ProcessEnv, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = { level: env.LOG_LEVEL ?? 'info' };
  if (env.NODE_ENV === 'production') options.hooks = { streamWrite: redactTokens };
  return destination ? pino(options, destination) : pino(options);
}
