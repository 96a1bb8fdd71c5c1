import type { AuthenticatedUser } from '../domain/models.js';

export type { AuthenticatedUser };

/** The plain request every adapter builds: the path is relative to where the adapter is mounted. */
export interface InvitekitRequest {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, if any. */
  body?: unknown;
  /**
   * The address of the connection's peer (Node's `socket.remoteAddress`), for per-client limits. Behind
   * proxies, set `trustedProxies` so the client's address is read from `X-Forwarded-For`.
   */
  remoteAddress?: string;
  /**
   * The framework's own request object (Express `req`, Nest's platform request), untouched. Core never
   * reads it; a host's `authenticate` may, e.g. to reuse a user its own middleware or guard resolved.
   */
  raw?: unknown;
}

/**
 * Resolves the Frontend API caller from the request (a session cookie, a bearer JWT, a user the host's
 * middleware put on `request.raw`). `null` means not signed in (401 on routes that need a user).
 */
export type Authenticate = (request: InvitekitRequest) => Promise<AuthenticatedUser | null>;

/** What the adapter writes back; `body` is serialised as JSON. */
export interface InvitekitResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}
