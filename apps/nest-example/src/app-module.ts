import type { AuthenticatedUser } from '@invitekit/core';
import { InvitekitModule, type InvitekitModuleOptions } from '@invitekit/nestjs';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { OrganizationsService } from './organizations.js';
import { SessionGuard, type SignedInRequest } from './session-guard.js';
import { TeamInvitesController } from './team-invites-controller.js';
import { TeamInvitesService } from './team-invites-service.js';
import { UsersService } from './users.js';

/** Invitekit's options from the environment, through ConfigService. */
export function invitekitOptions(config: ConfigService): InvitekitModuleOptions {
  const url = config.get<string>('DATABASE_URL');
  return {
    database: url ? { url } : { dataDir: config.get('INVITEKIT_DATA_DIR') || './.invitekit' },
    secretKeys: [config.get('INVITEKIT_SECRET_KEY') || 'sk_example_change_me'],
    // The Frontend API's signed-in person is whoever SessionGuard put on the request, under the id
    // Invitekit knows them by (a person new to Invitekit is added under the host's id).
    resolveUser: (req: Partial<SignedInRequest>): AuthenticatedUser | null =>
      req.user
        ? {
            id: req.user.invitekitUserId ?? req.user.id,
            emailAddresses: [{ emailAddress: req.user.email, verified: true }],
            firstName: req.user.name,
          }
        : null,
  };
}

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    InvitekitModule.forRootAsync({
      inject: [ConfigService],
      useFactory: invitekitOptions,
      // Served at /api/invitekit/... (the global prefix is set in main.ts).
      path: 'invitekit',
      guards: [SessionGuard],
    }),
  ],
  controllers: [TeamInvitesController],
  providers: [UsersService, OrganizationsService, SessionGuard, TeamInvitesService],
})
export class AppModule {}
