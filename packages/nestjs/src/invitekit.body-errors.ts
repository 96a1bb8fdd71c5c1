import { toErrorResponse } from '@invitekit/core';
import type { HttpServer } from '@nestjs/common';
import type { ErrorHandler } from '@nestjs/common/interfaces/http/http-server.interface.js';
import { PATH_PARAM } from './invitekit.constants.js';
import { type PlatformRequest, type PlatformResponse, sendInvitekitResponse } from './invitekit.http.js';
import { isExpress4 } from './invitekit.platform.js';

type Next = (err?: unknown) => void;
type ExpressLayer = { route?: { path?: string | string[] } };
type ExpressApp = { router?: { stack?: ExpressLayer[] }; _router?: { stack?: ExpressLayer[] } };

/** A body-parser failure (http-errors shape): malformed JSON, too large, bad charset. */
const isBodyParserError = (err: unknown) => {
  const e = err as { status?: unknown; type?: unknown } | null;
  return typeof e?.status === 'number' && e.status < 500 && typeof e.type === 'string';
};

/** Where the controllers are mounted, global prefix included, read from the routes Express holds. */
function mountPaths(app: ExpressApp): string[] {
  // Express 4's `app.router` getter throws; its router is `_router`, and the catch-all a bare `*`.
  const express4 = isExpress4(app);
  const suffixes = express4 ? ['/*'] : [`/*${PATH_PARAM}`];
  const router = express4 ? app._router : app.router;
  const paths = router?.stack?.flatMap((layer) => layer.route?.path ?? []) ?? [];
  return paths.flatMap((p) => {
    const suffix = suffixes.find((x) => p.endsWith(x));
    return suffix ? [p.slice(0, -suffix.length)] : [];
  });
}

/**
 * On Express, Nest parses JSON before routing, so a malformed or oversize body never reaches the
 * controller: Nest's own error handler would answer it. This error middleware, registered after the
 * routes and before Nest's handler, lets core answer it in ClerkErrors form when the request is under
 * Invitekit's mount path, and passes everything else on untouched.
 */
export function registerBodyErrorHandler(httpAdapter: HttpServer & { getType(): string }) {
  // A 4-argument function: Express tells error middleware by its arity.
  if (httpAdapter.getType() !== 'express') return;
  let mounts: string[] | undefined;
  const handler = (err: unknown, req: PlatformRequest, res: PlatformResponse, next: Next) => {
    if (!isBodyParserError(err)) return next(err);
    mounts ??= mountPaths(httpAdapter.getInstance() as ExpressApp);
    const pathname = (req.originalUrl ?? req.url).split('?')[0]!;
    if (!mounts.some((m) => pathname === m || pathname.startsWith(`${m}/`))) return next(err);
    sendInvitekitResponse(res, toErrorResponse(err));
  };
  httpAdapter.use(handler as ErrorHandler);
}
