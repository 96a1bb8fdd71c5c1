import { Body, Controller, Get, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { SessionGuard, type SignedInRequest } from './session-guard.js';
import { TeamInvitesService } from './team-invites-service.js';

/** The host's own API: an admin invites a teammate by email. */
@Controller('orgs/:organizationId/invites')
@UseGuards(SessionGuard)
export class TeamInvitesController {
  constructor(@Inject(TeamInvitesService) private readonly invites: TeamInvitesService) {}

  @Post()
  async invite(
    @Req() req: SignedInRequest,
    @Param('organizationId') organizationId: string,
    @Body() body: { email: string; role?: string },
  ) {
    const invitation = await this.invites.invite(req.user, organizationId, body.email, body.role);
    return { id: invitation.id, email: invitation.emailAddress, status: invitation.status };
  }

  @Get()
  async pending(@Req() req: SignedInRequest, @Param('organizationId') organizationId: string) {
    const pending = await this.invites.pending(req.user, organizationId);
    return pending.map((i) => ({ id: i.id, email: i.emailAddress, role: i.role }));
  }
}
