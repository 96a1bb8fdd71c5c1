import { InvitekitError, toErrorResponse } from '@invitekit/core';
import { All, type Type } from '@nestjs/common';
import { PATH_PARAM } from './invitekit.constants.js';
import { type PlatformRequest, type PlatformResponse, sendInvitekitResponse } from './invitekit.http.js';

/** The platforms the controller knows how to route on, and its catch-all route on each. */
const ROUTES: Record<string, string[]> = {
  // Express 5 (path-to-regexp 8) needs a named wildcard; Express 4 takes it too through Nest's converter.
  express: ['', `*${PATH_PARAM}`],
  // Express 4 (NestJS 10) takes a bare `*`; the rest arrives as `params[0]`.
  express4: ['', '*'],
  // find-my-way (Fastify) takes a bare `*` at the end only; the rest arrives as `params['*']`.
  fastify: ['', '*'],
};

export const DEFAULT_ROUTES = ROUTES.express!;

/** Express 4 (what NestJS 10 runs on): its `app.router` is a getter that throws, Express 5 has a router. */
export function isExpress4(app: unknown): boolean {
  try {
    void (app as { router?: unknown } | undefined)?.router;
    return false;
  } catch {
    return true;
  }
}

/**
 * Points the controller's catch-all at the platform's wildcard syntax. Called before Nest maps routes
 * (from the module's `configure`), since the controller class is made before the platform is known.
 * Any other platform fails at boot, naming what is supported.
 */
export function routeForPlatform(controller: Type, platform: string, instance?: unknown) {
  const routes = platform === 'express' && isExpress4(instance) ? ROUTES.express4 : ROUTES[platform];
  if (!routes) {
    throw new Error(
      `@invitekit/nestjs: the "${platform}" HTTP platform is not supported; use @nestjs/platform-express or @nestjs/platform-fastify`,
    );
  }
  const proto = controller.prototype as object;
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'handle');
  if (descriptor) All(routes)(proto, 'handle', descriptor);
}

type FastifyError = { code?: unknown; statusCode?: unknown; message?: unknown };
type FastifyRequestLike = PlatformRequest & { routeOptions?: { url?: string } };
type FastifyErrorHandler = (err: unknown, req: FastifyRequestLike, reply: PlatformResponse) => unknown;

/** Fastify's body errors (raised while parsing, before the route handler) as core's errors. */
export function fastifyBodyError(err: unknown): InvitekitError | undefined {
  const e = err as FastifyError | null;
  if (!e || typeof e !== 'object' || typeof e.statusCode !== 'number' || e.statusCode >= 500)
    return undefined;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new InvitekitError({
        code: 'request_body_too_large',
        message: 'request body too large',
        longMessage: 'The request body is larger than the configured limit',
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new InvitekitError({
        code: 'unsupported_content_type',
        message: 'unsupported content type',
        longMessage: 'The request body must be JSON (content-type: application/json)',
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new InvitekitError({
        code: 'malformed_request_body',
        message: 'malformed request body',
        longMessage: `The request body is not valid JSON: ${String(e.message)}`,
      });
    default:
      // Fastify's default JSON parser throws the SyntaxError itself, with statusCode 400.
      return err instanceof SyntaxError
        ? new InvitekitError({
            code: 'malformed_request_body',
            message: 'malformed request body',
            longMessage: `The request body is not valid JSON: ${e.message}`,
          })
        : undefined;
  }
}

/**
 * On Fastify the body is parsed after routing and before the handler, so its errors reach the error
 * handler Nest installs. This wraps that handler (when Nest sets it, after the routes are mapped) so a
 * body error under Invitekit's controller is answered by core, in ClerkErrors form; everything else
 * goes to Nest untouched.
 */
export function wrapFastifyErrorHandler(
  httpAdapter: { setErrorHandler(handler: FastifyErrorHandler, prefix?: string): unknown },
  controllerPath: string,
) {
  const suffix = `/${controllerPath.replace(/^\/+|\/+$/g, '')}`;
  const isOurs = (url: string | undefined) =>
    url !== undefined && (url.endsWith(suffix) || url.endsWith(`${suffix}/*`));
  const original = httpAdapter.setErrorHandler.bind(httpAdapter);
  httpAdapter.setErrorHandler = (handler, prefix) =>
    original((err, req, reply) => {
      const bodyError = isOurs(req.routeOptions?.url) ? fastifyBodyError(err) : undefined;
      if (!bodyError) return handler(err, req, reply);
      sendInvitekitResponse(reply, toErrorResponse(bodyError));
    }, prefix);
}
