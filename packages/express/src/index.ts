import type { Invitekit, InvitekitRequest, InvitekitResponse } from '@invitekit/core';
import { toErrorResponse } from '@invitekit/core';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

export interface InvitekitRouterOptions {
  /** Largest JSON body accepted (body-parser syntax). Default `100kb`. */
  bodyLimit?: string | number;
}

/** Express request → core's plain request. `req.path` is already relative to the mount point. */
export function toInvitekitRequest(req: Request): InvitekitRequest {
  return {
    method: req.method,
    path: req.path,
    query: req.query as InvitekitRequest['query'],
    headers: req.headers,
    body: req.body,
    raw: req,
  };
}

/** Core's plain response → Express. `end` rather than `json`: the body is serialised once, no ETag. */
export function sendInvitekitResponse(res: Response, response: InvitekitResponse): void {
  res.status(response.status).set(response.headers).end(JSON.stringify(response.body));
}

/**
 * An Express Router serving Invitekit's routes (Backend API under `/v1`, `/healthz`, `/v1/openapi.json`).
 * Mount it anywhere: `app.use('/invitekit', invitekitRouter(invitekit))`. Works with Express 4 and 5.
 */
export function invitekitRouter(invitekit: Invitekit, options: InvitekitRouterOptions = {}): Router {
  const router = express.Router();
  router.use(express.json({ limit: options.bodyLimit ?? '100kb' }));
  router.use((req: Request, res: Response, next: NextFunction) => {
    invitekit.handle(toInvitekitRequest(req)).then((response) => sendInvitekitResponse(res, response), next);
  });
  // Body-parser failures (malformed JSON, oversize) and anything unexpected: core maps them.
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    sendInvitekitResponse(res, toErrorResponse(err));
  });
  return router;
}
