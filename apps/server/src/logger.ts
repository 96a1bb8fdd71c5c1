import { type Logger, pino } from 'pino';
import { ConfigError, envString } from './env.js';

/**
 * The server's logger. `LOG_FORMAT`: `pretty` (colours, one readable line per event, through
 * pino-pretty) or `json` (one JSON object a line, for log collectors). By default pretty when stdout is
 * a terminal outside production, JSON otherwise (piped, redirected, or `NODE_ENV=production`).
 * `LOG_LEVEL` (default `info`).
 */
export function createLogger(
  env: NodeJS.ProcessEnv = process.env,
  isTTY = Boolean(process.stdout.isTTY),
): Logger {
  const level = envString(env, 'LOG_LEVEL') ?? 'info';
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${levels.join(', ')}, got ${JSON.stringify(level)}`);
  }
  const format = envString(env, 'LOG_FORMAT') ?? (isTTY && env.NODE_ENV !== 'production' ? 'pretty' : 'json');
  if (format !== 'pretty' && format !== 'json') {
    throw new ConfigError(`LOG_FORMAT must be pretty or json, got ${JSON.stringify(format)}`);
  }
  return format === 'pretty'
    ? pino({
        level,
        transport: {
          target: 'pino-pretty',
          options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
        },
      })
    : pino({ level });
}
