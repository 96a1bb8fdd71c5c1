import { createInvitekit, type Invitekit } from '@invitekit/core';
import {
  Inject,
  Logger,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
  Optional,
  type Type,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { registerBodyErrorHandler } from './invitekit.body-errors.js';
import {
  INVITEKIT,
  INVITEKIT_CONTROLLER,
  INVITEKIT_MODULE_OPTIONS,
  INVITEKIT_SERVICES,
} from './invitekit.constants.js';
import { ConfigurableInvitekitModule } from './invitekit.module-definition.js';
import { type InvitekitModuleOptions, toInvitekitConfig } from './invitekit.options.js';
import { routeForPlatform, wrapFastifyErrorHandler } from './invitekit.platform.js';
import { InvitekitService } from './invitekit.service.js';

const logger = new Logger('Invitekit');

/**
 * Invitekit in a Nest application: `InvitekitModule.forRoot(options)` or
 * `forRootAsync({ imports, inject, useFactory })`. Provides the core instance (`INVITEKIT`,
 * `@InjectInvitekit()`), its services (`InvitekitService`, `INVITEKIT_SERVICES`), and a controller
 * serving the route table under `path`. Starts background delivery when the application has bootstrapped
 * and closes the database when it shuts down (`app.close()`, or a signal with `enableShutdownHooks()`).
 */
@Module({
  providers: [
    {
      provide: INVITEKIT,
      inject: [INVITEKIT_MODULE_OPTIONS],
      useFactory: (options: InvitekitModuleOptions): Promise<Invitekit> =>
        createInvitekit({
          onUnexpectedError: (err, request) =>
            logger.error(`${request.method} ${request.path} failed`, (err as Error)?.stack ?? String(err)),
          ...toInvitekitConfig(options),
        }),
    },
    { provide: INVITEKIT_SERVICES, inject: [INVITEKIT], useFactory: (i: Invitekit) => i.services },
    InvitekitService,
  ],
  exports: [INVITEKIT, INVITEKIT_SERVICES, InvitekitService],
})
export class InvitekitModule
  extends ConfigurableInvitekitModule
  implements NestModule, OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  constructor(
    @Inject(INVITEKIT) private readonly invitekit: Invitekit,
    @Optional() @Inject(HttpAdapterHost) private readonly adapterHost?: HttpAdapterHost,
    @Optional()
    @Inject(INVITEKIT_CONTROLLER)
    private readonly mounted?: { controller: Type; path: string } | null,
  ) {
    super();
  }

  /**
   * Runs once the platform is known and before Nest maps routes: the controller's catch-all takes the
   * platform's wildcard syntax (an unsupported platform fails here, at boot, with a clear message).
   */
  configure(_consumer: MiddlewareConsumer) {
    const httpAdapter = this.adapterHost?.httpAdapter;
    if (!httpAdapter || !this.mounted) return;
    const platform = httpAdapter.getType();
    routeForPlatform(this.mounted.controller, platform, httpAdapter.getInstance());
    if (platform === 'fastify') wrapFastifyErrorHandler(httpAdapter, this.mounted.path);
  }

  /** Runs after the routes are registered and before Nest's own error handler. */
  onModuleInit() {
    const httpAdapter = this.adapterHost?.httpAdapter;
    if (httpAdapter) registerBodyErrorHandler(httpAdapter);
  }

  onApplicationBootstrap() {
    this.invitekit.start();
  }

  /** Stops background work, lets requests in flight finish, closes the database. */
  async onApplicationShutdown() {
    await this.invitekit.close();
  }
}
