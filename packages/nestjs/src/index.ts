import { Inject } from '@nestjs/common';
import { INVITEKIT } from './invitekit.constants.js';

/** For `app.getHttpServer().on('clientError', answerClientError)`: parser errors get a ClerkErrors body. */
export { answerClientError } from '@invitekit/core';
export { INVITEKIT, INVITEKIT_MODULE_OPTIONS, INVITEKIT_SERVICES } from './invitekit.constants.js';
export { createInvitekitController } from './invitekit.controller.js';
export { InvitekitFrontendGuard } from './invitekit.guard.js';
export {
  type PlatformRequest,
  type PlatformResponse,
  parseQuery,
  relativePath,
  sendInvitekitResponse,
  toInvitekitRequest,
} from './invitekit.http.js';
export { InvitekitModule } from './invitekit.module.js';
export type {
  InvitekitModuleAsyncOptions,
  InvitekitModuleForRootOptions,
} from './invitekit.module-definition.js';
export type { InvitekitModuleExtras, InvitekitModuleOptions } from './invitekit.options.js';
export { InvitekitService } from './invitekit.service.js';

/** Injects the core `Invitekit` instance: `constructor(@InjectInvitekit() invitekit: Invitekit)`. */
export const InjectInvitekit = () => Inject(INVITEKIT);
