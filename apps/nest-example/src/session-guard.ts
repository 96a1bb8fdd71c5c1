import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { type AppUser, UsersService } from './users.js';

/** The request once the guard has let it through. */
export interface SignedInRequest {
  headers: Record<string, string | string[] | undefined>;
  user: AppUser;
}

/**
 * The host's authentication: `Authorization: Bearer <session token>` → `req.user`. It guards the host's
 * own routes, and InvitekitModule runs it before the Frontend API (the `guards` extra).
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<SignedInRequest>();
    const header = String(req.headers.authorization ?? '');
    const user = header.startsWith('Bearer ') ? this.users.bySessionToken(header.slice(7)) : undefined;
    if (!user) throw new UnauthorizedException('Sign in first');
    req.user = user;
    return true;
  }
}
