import { InvitekitError, toErrorResponse } from '@invitekit/core';
import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { sendInvitekitResponse } from './invitekit.http.js';

/** Errors raised in front of core (a refusing guard) answer in ClerkErrors form, like core's own. */
@Catch(InvitekitError)
export class InvitekitErrorFilter implements ExceptionFilter {
  catch(error: InvitekitError, host: ArgumentsHost) {
    sendInvitekitResponse(host.switchToHttp().getResponse(), toErrorResponse(error));
  }
}
