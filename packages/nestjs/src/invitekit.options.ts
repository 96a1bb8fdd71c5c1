import type { AuthenticatedUser, InvitekitConfig } from '@invitekit/core';
import type { CanActivate, Type } from '@nestjs/common';

/** What `forRoot(options)` takes, or `forRootAsync`'s factory returns: core's config, plus `resolveUser`. */
export interface InvitekitModuleOptions extends InvitekitConfig {
  /**
   * Resolves the signed-in person for the Frontend API from the platform request (Express `req`, Fastify
   * request), e.g. a user your own guard or middleware put on `req.user`. `null` or `undefined`: not
   * signed in (401). Shorthand for core's `authenticate`, which sees the plain request; give one of them.
   */
  resolveUser?(
    // biome-ignore lint/suspicious/noExplicitAny: the platform's request (Express or Fastify); the host types it
    request: any,
  ): AuthenticatedUser | null | undefined | Promise<AuthenticatedUser | null | undefined>;
}

/**
 * Static settings, beside the options in both `forRoot` and `forRootAsync` (routes are mapped before any
 * factory runs, so they cannot come from one).
 */
export interface InvitekitModuleExtras {
  /** Register the module globally, so every module can inject the Invitekit providers. Default false. */
  isGlobal?: boolean;
  /**
   * Where the controller serves the route table: `{path}/v1/...` (Backend API, secret key),
   * `{path}/frontend/v1/...` (Frontend API), `{path}/healthz`. Under any global prefix. Default
   * `invitekit`; `false` mounts no controller (services only).
   */
  path?: string | false;
  /**
   * Your authentication guards, run in order before every Frontend API request (not the Backend API,
   * which takes the secret key) to sign the caller in, e.g. set `req.user` for `resolveUser`. A guard that
   * refuses (false, 401, 403) leaves the request anonymous: routes that need a user then answer 401
   * `authentication_invalid` (ClerkErrors), public ones still work. A class is taken from your providers
   * if registered there, else instantiated by the module.
   */
  guards?: (Type<CanActivate> | CanActivate)[];
  /**
   * Decorators applied to the controller class, e.g. your `@Public()` to exempt it from a global guard,
   * `@SkipThrottle()`, or `@ApiExcludeController()`.
   */
  decorators?: ClassDecorator[];
}

/** Core's config from the module options: `resolveUser` becomes `authenticate`, reading `request.raw`. */
export function toInvitekitConfig(options: InvitekitModuleOptions): InvitekitConfig {
  const { resolveUser, ...config } = options;
  if (!resolveUser) return config;
  if (config.authenticate) throw new Error('InvitekitModule: give resolveUser or authenticate, not both');
  return { ...config, authenticate: async (request) => (await resolveUser(request.raw)) ?? null };
}
