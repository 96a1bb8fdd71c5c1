import type { InvitekitRequest, InvitekitResponse } from '@invitekit/core';
import { PATH_PARAM } from './invitekit.constants.js';

/** The parts of a platform request the converter reads (Express `req`, Fastify request). */
export interface PlatformRequest {
  method: string;
  url: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, unknown>;
  body?: unknown;
  /** The connection (Express and Fastify alike), whose peer address the per-client limits count. */
  socket?: { remoteAddress?: string };
}

/** The parts of a platform response the writer uses (Express `res`, or a Fastify reply it hijacks). */
export interface PlatformResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(chunk: string): unknown;
}

interface FastifyReplyLike {
  raw: PlatformResponse;
  hijack(): unknown;
}

/**
 * The path below the controller's prefix, still percent-encoded (core decodes parameters itself): as
 * many trailing segments of the URL's path as the wildcard parameter matched.
 */
export function relativePath(req: PlatformRequest): string {
  const pathname = (req.originalUrl ?? req.url).split('?')[0]!;
  // Express 4 decodes its `*` parameter (`params[0]`), so an encoded slash would miscount: strip the
  // route's own prefix from the raw path instead.
  const route = (req as { route?: { path?: unknown } }).route?.path;
  if (req.params?.['0'] !== undefined && typeof route === 'string' && route.endsWith('/*')) {
    const prefix = route.slice(0, -2);
    if (pathname.startsWith(`${prefix}/`)) return pathname.slice(prefix.length);
  }
  // Express 5: the named wildcard (an array of segments); Fastify: `*` (a string).
  const rest = req.params?.[PATH_PARAM] ?? req.params?.['*'];
  const count = Array.isArray(rest) ? rest.length : typeof rest === 'string' ? rest.split('/').length : 0;
  if (count === 0) return '/';
  const segments = pathname.split('/');
  return `/${segments.slice(segments.length - count).join('/')}`;
}

/** The query string as core takes it: a repeated key becomes an array. Read from the URL itself, so the
 * platform's query parser settings (simple, extended) change nothing. */
export function parseQuery(url: string): InvitekitRequest['query'] {
  const query: Record<string, string | string[]> = {};
  const at = url.indexOf('?');
  if (at < 0) return query;
  for (const [key, value] of new URLSearchParams(url.slice(at + 1))) {
    const seen = query[key];
    query[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return query;
}

/** Platform request → core's plain request; the platform request itself rides along as `raw`. */
export function toInvitekitRequest(req: PlatformRequest): InvitekitRequest {
  const url = req.originalUrl ?? req.url;
  return {
    method: req.method,
    path: relativePath(req),
    query: parseQuery(url),
    headers: req.headers,
    body: req.body,
    remoteAddress: req.socket?.remoteAddress,
    raw: req,
  };
}

/**
 * Core's plain response → the platform, written once as JSON: no interceptor, serializer or ETag
 * reshapes it, so the wire stays Clerk's.
 */
export function sendInvitekitResponse(res: PlatformResponse | FastifyReplyLike, response: InvitekitResponse) {
  let out: PlatformResponse;
  if ('hijack' in res && typeof res.hijack === 'function') {
    res.hijack();
    out = res.raw;
  } else out = res as PlatformResponse;
  out.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) out.setHeader(name, value);
  out.end(JSON.stringify(response.body));
}

/** Whether `path` is `prefix` or below it. */
export const isUnder = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
