import corsMiddleware from 'cors';
import type { InvitekitRequest, InvitekitResponse } from './types.js';

/** Which browser origins may call the Frontend API (Invitekit extension; Clerk's FAPI has its own). */
export interface CorsConfig {
  /**
   * Origins allowed to call the Frontend API from a browser, e.g. `['https://app.example.com']`, or `'*'`
   * for any origin (then without credentials). Anything else gets no CORS headers, so the browser blocks it.
   */
  origins: string[] | '*';
  /** Send `Access-Control-Allow-Credentials: true` (cookies on cross-origin calls). Default false. */
  credentials?: boolean;
  /** How long a browser may cache a preflight, in seconds. Default 600. */
  maxAgeSeconds?: number;
}

export interface CorsResult {
  /** A preflight (OPTIONS) is answered here and goes no further. */
  preflight: InvitekitResponse | null;
  /** Headers to add to the actual response. */
  headers: Record<string, string>;
}

/**
 * The `cors` package's decisions (origin matching, preflight headers, `Vary`), computed on core's plain
 * request: the middleware runs against a minimal response that only collects headers. It is synchronous
 * for static options, which is all this passes.
 */
export function createCors(config: CorsConfig): (request: InvitekitRequest) => CorsResult {
  const { origins } = config;
  if (origins !== '*' && (!Array.isArray(origins) || origins.length === 0)) {
    throw new Error('Invitekit: cors.origins must be "*" or a non-empty list of origins');
  }
  if (origins === '*' && config.credentials) {
    throw new Error('Invitekit: cors.credentials needs a list of origins, not "*"');
  }
  const allowed =
    origins === '*'
      ? '*'
      : origins.map((o) => {
          let parsed: URL;
          try {
            parsed = new URL(o);
          } catch {
            throw new Error(`Invitekit: cors.origins: ${JSON.stringify(o)} is not an origin`);
          }
          if (parsed.origin === 'null' || parsed.origin !== o.replace(/\/$/, '')) {
            throw new Error(
              `Invitekit: cors.origins: ${JSON.stringify(o)} is not an origin (scheme://host[:port], no path)`,
            );
          }
          return parsed.origin;
        });
  const middleware = corsMiddleware({
    origin: allowed,
    credentials: config.credentials ?? false,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    maxAge: config.maxAgeSeconds ?? 600,
    // No `allowedHeaders`: a preflight allows the request headers it asks for (`Vary` says so), so that
    // `Authorization`, `Content-Type`, `Idempotency-Key` (every POST) and a host's own session header pass.
    // 429 and 409 answers say when to retry, and replays say they are one; a browser script reads neither
    // without this.
    exposedHeaders: ['Retry-After', 'Idempotent-Replayed'],
    optionsSuccessStatus: 204,
  });

  return (request) => {
    const headers: Record<string, string> = {};
    let ended = false;
    const res = {
      statusCode: 200,
      getHeader: (name: string) => headers[name.toLowerCase()],
      setHeader: (name: string, value: string | number) => {
        headers[name.toLowerCase()] = String(value);
      },
      end: () => {
        ended = true;
      },
    };
    const req = { method: request.method, headers: request.headers };
    middleware(req as never, res as never, () => {});
    if (!ended) return { preflight: null, headers };
    return { preflight: { status: res.statusCode, headers, body: undefined }, headers };
  };
}

/** Whether a path is under the Frontend API prefix (the only routes a browser calls cross-origin). */
export function underPrefix(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}
