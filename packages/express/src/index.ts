import type { Invitekit, InvitekitRequest, InvitekitResponse } from '@invitekit/core';
import { toErrorResponse } from '@invitekit/core';
import express, { type Request, type Response, type Router } from 'express';
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
 * The whole of the adapter as one function of Node's request and response: read the JSON body, hand the
 * request to core, write the answer. `req` must carry Express's request API (`path`, `query`): inside an
 * Express app it does; a host that serves some paths without Express's routing passes it objects born
 * with the app's prototypes (see apps/server's server.ts). It never throws and always answers.
 */
export function invitekitHandler(
  invitekit: Invitekit,
  options: InvitekitRouterOptions = {},
): (req: Request, res: Response) => void {
  const readBody = readJsonBody(options.bodyLimit ?? '100kb');
  const readLargeBody = readJsonBody(options.largeBodyLimit ?? '10mb', { csv: true });
  // Core's handler never rejects, but anything unexpected still gets a ClerkErrors body.
  const fail = (res: Response, err: unknown) => sendInvitekitResponse(res, toErrorResponse(err));
  return (req, res) => {
    try {
      const read = invitekit.acceptsLargeBody(req.method, req.path) ? readLargeBody : readBody;
      read(req, res, (err?: unknown) => {
        // Body-parser failures (malformed JSON, oversize) are the caller's: core maps them to ClerkErrors.
        if (err) return fail(res, err);
        invitekit.handle(toInvitekitRequest(req)).then(
          (response) => sendInvitekitResponse(res, response),
          (e: unknown) => fail(res, e),
        );
      });
    } catch (err) {
      fail(res, err);
    }
  };
}

/**
 * An Express Router serving Invitekit's routes (Backend API under `/v1`, `/healthz`, `/v1/openapi.json`).
 * Mount it anywhere: `app.use('/invitekit', invitekitRouter(invitekit))`. Works with Express 4 and 5.
 *
 * One middleware does the work (invitekitHandler): each Router layer costs every request a few
 * microseconds, and the server's time per request is the budget.
 */
export function invitekitRouter(invitekit: Invitekit, options: InvitekitRouterOptions = {}): Router {
  const handler = invitekitHandler(invitekit, options);
  const router = express.Router();
  router.use((req: Request, res: Response) => handler(req, res));
  return router;
}
