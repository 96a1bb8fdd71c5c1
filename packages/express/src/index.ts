import type { Invitekit, InvitekitRequest, InvitekitResponse } from '@invitekit/core';
import { toErrorResponse } from '@invitekit/core';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { readJsonBody } from './json-body.js';

/** For `server.on('clientError', answerClientError)`: parser errors (431, 400, 408) get a ClerkErrors body. */
export { answerClientError } from '@invitekit/core';

export interface InvitekitRouterOptions {
  /** Largest JSON body accepted (body-parser syntax). Default `100kb`. */
  bodyLimit?: string | number;
  /** Largest body of the routes that take large ones (imports: JSON or `text/csv`). Default `10mb`. */
  largeBodyLimit?: string | number;
}

/** Express request → core's plain request. `req.path` is already relative to the mount point. */
export function toInvitekitRequest(req: Request): InvitekitRequest {
  return {
    method: req.method,
    path: req.path,
    query: req.query as InvitekitRequest['query'],
    headers: req.headers,
    body: req.body,
    remoteAddress: req.socket.remoteAddress,
    raw: req,
  };
}

/**
 * Core's plain response → Express. Node's own `writeHead` and `end` rather than Express's `status`, `set`
 * and `json`: the body is serialised once, no ETag, and headers set earlier (by the host) are kept.
 */
export function sendInvitekitResponse(res: Response, response: InvitekitResponse): void {
  res.writeHead(response.status, response.headers).end(JSON.stringify(response.body));
}

/**
 * An Express Router serving Invitekit's routes (Backend API under `/v1`, `/healthz`, `/v1/openapi.json`).
 * Mount it anywhere: `app.use('/invitekit', invitekitRouter(invitekit))`. Works with Express 4 and 5.
 *
 * One middleware does the work (read the JSON body, hand the request to core, write the answer): each
 * Router layer costs every request a few microseconds, and the server's time per request is the budget.
 */
export function invitekitRouter(invitekit: Invitekit, options: InvitekitRouterOptions = {}): Router {
  const readBody = readJsonBody(options.bodyLimit ?? '100kb');
  const readLargeBody = readJsonBody(options.largeBodyLimit ?? '10mb', { csv: true });
  const router = express.Router();
  router.use((req: Request, res: Response, next: NextFunction) => {
    const read = invitekit.acceptsLargeBody(req.method, req.path) ? readLargeBody : readBody;
    read(req, res, (err?: unknown) => {
      // Body-parser failures (malformed JSON, oversize) are the caller's: core maps them to ClerkErrors.
      if (err) return sendInvitekitResponse(res, toErrorResponse(err));
      invitekit
        .handle(toInvitekitRequest(req))
        .then((response) => sendInvitekitResponse(res, response), next);
    });
  });
  // Last resort: core's handler never rejects, but anything unexpected still gets a ClerkErrors body.
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    sendInvitekitResponse(res, toErrorResponse(err));
  });
  return router;
}
