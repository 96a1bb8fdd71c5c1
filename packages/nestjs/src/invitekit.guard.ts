import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';
import { INVITEKIT_FRONTEND_GUARDS, INVITEKIT_MODULE_OPTIONS } from './invitekit.constants.js';
import { isUnder, type PlatformRequest, relativePath } from './invitekit.http.js';
import type { InvitekitModuleOptions } from './invitekit.options.js';

/** A refusal by status: UnauthorizedException, ForbiddenException, or anything with that shape. */
const isRefusal = (err: unknown) => {
  const status = (err as { getStatus?: () => number }).getStatus?.();
  return status === 401 || status === 403;
};

/**
 * Runs the host's guards (the `guards` extra) before Frontend API requests only, to sign the caller in
 * (typically `req.user`, which `resolveUser` then reads). It never answers for them: a guard that refuses
 * leaves the request anonymous, and core decides, so routes that need a user answer 401 in ClerkErrors
 * form while public ones (the accept-link preview) still work. The Backend API takes the secret key and
 * never sees these guards.
 */
@Injectable()
export class InvitekitFrontendGuard implements CanActivate, OnModuleInit {
  private guards: CanActivate[] = [];
  private readonly frontendPath: string;

  constructor(
    @Inject(INVITEKIT_FRONTEND_GUARDS) private readonly configured: (Type<CanActivate> | CanActivate)[],
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(INVITEKIT_MODULE_OPTIONS) options: InvitekitModuleOptions,
  ) {
    // Core's `frontendPath` where it has one; `/frontend/v1` is its default.
    const configuredPath = (options as { frontendPath?: string }).frontendPath;
    this.frontendPath = (configuredPath ?? '/frontend/v1').replace(/\/+$/, '');
  }

  async onModuleInit() {
    this.guards = await Promise.all(
      this.configured.map((guard) => (typeof guard === 'function' ? this.resolve(guard) : guard)),
    );
  }

  /** The host's own instance when it registered the guard as a provider, as `@UseGuards` would. */
  private async resolve(type: Type<CanActivate>): Promise<CanActivate> {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return this.moduleRef.create(type);
    }
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<PlatformRequest>();
    if (!isUnder(relativePath(request), this.frontendPath)) return true;
    for (const guard of this.guards) {
      try {
        const result = guard.canActivate(context);
        const allowed = isObservable(result) ? await lastValueFrom(result) : await result;
        if (!allowed) break;
      } catch (err) {
        if (isRefusal(err)) break;
        throw err;
      }
    }
    return true;
  }
}
