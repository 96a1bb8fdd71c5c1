import { redactTokens } from '@invitekit/core';
import { type Logger, pino } from 'pino';
import { ConfigError, envString } from './env.js';

export interface LoggerOptions {
  /** Whether stdout is a terminal (default: `process.stdout.isTTY`). */
  isTTY?: boolean;
  /** Where JSON lines go (default stdout); tests pass a stream. */
  destination?: pino.DestinationStream;
}

/**
 * The server's logger. `LOG_FORMAT`: `pretty` (colours, one readable line per event, through
 * pino-pretty) or `json` (one JSON object a line, for log collectors). By default pretty when stdout is
 * a terminal outside production, JSON otherwise (piped, redirected, or `NODE_ENV=production`).
 * `LOG_LEVEL` (default `info`).
 *
 * With NODE_ENV=production, every line has accept tokens redacted as it is written, whatever logged it:
 * core already keeps them out of its own lines there, and this catches anything else (a library's error
 * message, a stray debug line).
 */
export function createLogger(env: NodeJS.ProcessEnv = process.env, options: LoggerOptions = {}): Logger {
  const isTTY = options.isTTY ?? Boolean(process.stdout.isTTY);
  const level = envString(env, 'LOG_LEVEL') ?? 'info';
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${levels.join(', ')}, got ${JSON.stringify(level)}`);
  }
  const format = envString(env, 'LOG_FORMAT') ?? (isTTY && env.NODE_ENV !== 'production' ? 'pretty' : 'json');
  if (format !== 'pretty' && format !== 'json') {
    throw new ConfigError(`LOG_FORMAT must be pretty or json, got ${JSON.stringify(format)}`);
  }
  const base: pino.LoggerOptions = { level };
  if (env.NODE_ENV === 'production') base.hooks = { streamWrite: redactTokens };
  if (format === 'pretty') {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}
