import { ConfigurableModuleBuilder } from '@nestjs/common';
import { INVITEKIT_FRONTEND_GUARDS, INVITEKIT_MODULE_OPTIONS } from './invitekit.constants.js';
import { createInvitekitController } from './invitekit.controller.js';
import type { InvitekitModuleExtras, InvitekitModuleOptions } from './invitekit.options.js';

export const {
  ConfigurableModuleClass: ConfigurableInvitekitModule,
  OPTIONS_TYPE: INVITEKIT_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: INVITEKIT_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<InvitekitModuleOptions>({ optionsInjectionToken: INVITEKIT_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createInvitekitOptions')
  .setExtras<InvitekitModuleExtras>(
    { isGlobal: false, path: 'invitekit', guards: [], decorators: [] },
    (definition, { isGlobal, path, guards = [], decorators = [] }) => ({
      ...definition,
      global: isGlobal,
      controllers:
        path === false
          ? []
          : [createInvitekitController(path ?? 'invitekit', { guards: guards.length > 0, decorators })],
      // InvitekitFrontendGuard itself is instantiated by @UseGuards, in this module's scope.
      providers: [...(definition.providers ?? []), { provide: INVITEKIT_FRONTEND_GUARDS, useValue: guards }],
    }),
  )
  .build();

/** What `InvitekitModule.forRoot()` takes: the options and the static extras. */
export type InvitekitModuleForRootOptions = typeof INVITEKIT_OPTIONS_TYPE;
/** What `InvitekitModule.forRootAsync()` takes: `imports`, `inject`, `useFactory` (or `useClass`, `useExisting`), and the extras. */
export type InvitekitModuleAsyncOptions = typeof INVITEKIT_ASYNC_OPTIONS_TYPE;
