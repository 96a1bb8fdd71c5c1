import type { Invitekit } from '@invitekit/core';
import { All, applyDecorators, Controller, Inject, Req, Res, type Type, UseGuards } from '@nestjs/common';
import { INVITEKIT } from './invitekit.constants.js';
import { InvitekitFrontendGuard } from './invitekit.guard.js';
import {
  type PlatformRequest,
  type PlatformResponse,
  sendInvitekitResponse,
  toInvitekitRequest,
} from './invitekit.http.js';
import { DEFAULT_ROUTES } from './invitekit.platform.js';

/**
 * A controller for one mount path, forwarding every method and sub-path to core's route table, so new
 * core routes need no change here. Routes, validation and error mapping all live in core. The catch-all
 * is Express's; the module re-points it at Fastify's syntax on that platform (`routeForPlatform`).
 */
export function createInvitekitController(
  path: string,
  { guards = false, decorators = [] }: { guards?: boolean; decorators?: ClassDecorator[] } = {},
): Type {
  @Controller(path)
  class InvitekitController {
    constructor(@Inject(INVITEKIT) readonly invitekit: Invitekit) {}

    @All(DEFAULT_ROUTES)
    async handle(@Req() req: PlatformRequest, @Res() res: PlatformResponse): Promise<void> {
      sendInvitekitResponse(res, await this.invitekit.handle(toInvitekitRequest(req)));
    }
  }
  const applied = [...decorators];
  if (guards) applied.push(UseGuards(InvitekitFrontendGuard));
  applyDecorators(...applied)(InvitekitController);
  return InvitekitController;
}
