import { InvitekitError } from '@invitekit/core';
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
import { INVITEKIT_FRONTEND_GUARDS } from './invitekit.constants.js';
import { isFrontendPath, type PlatformRequest, relativePath } from './invitekit.http.js';

const refused = () =>
  new InvitekitError({
    code: 'authentication_invalid',
    message: 'authentication invalid',
    longMessage: 'The host application did not let this request through',
  });

/**
 * Runs the host's guards (the `guards` extra) before Frontend API requests only: the Backend API is
 * authenticated by its secret key and must stay reachable from servers without a session.
 */
@Injectable()
export class InvitekitFrontendGuard implements CanActivate, OnModuleInit {
  private guards: CanActivate[] = [];

  constructor(
    @Inject(INVITEKIT_FRONTEND_GUARDS) private readonly configured: (Type<CanActivate> | CanActivate)[],
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
  ) {}

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
    if (!isFrontendPath(relativePath(request))) return true;
    for (const guard of this.guards) {
      let allowed: unknown;
      try {
        const result = guard.canActivate(context);
        allowed = isObservable(result) ? await lastValueFrom(result) : await result;
      } catch (err) {
        // A guard's own 401/403 (UnauthorizedException, ForbiddenException) keeps its meaning; the body
        // is ClerkErrors like every other Invitekit answer.
        const status = (err as { getStatus?: () => number }).getStatus?.();
        if (status === 401 || status === 403) throw refused();
        throw err;
      }
      if (!allowed) throw refused();
    }
    return true;
  }
}
