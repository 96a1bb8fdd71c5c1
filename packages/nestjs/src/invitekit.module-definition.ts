import { ConfigurableModuleBuilder } from '@nestjs/common';
import {
  INVITEKIT_CONTROLLER,
  INVITEKIT_FRONTEND_GUARDS,
  INVITEKIT_MODULE_OPTIONS,
} from './invitekit.constants.js';
import { createInvitekitController } from './invitekit.controller.js';
import type { InvitekitModuleExtras, InvitekitModuleOptions } from './invitekit.options.js';

const definition = new ConfigurableModuleBuilder<InvitekitModuleOptions>({
  optionsInjectionToken: INVITEKIT_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createInvitekitOptions')
  .setExtras<InvitekitModuleExtras>(
    { isGlobal: false, path: 'invitekit', guards: [], decorators: [] },
    (definition, { isGlobal, path, guards = [], decorators = [] }) => {
      const controller =
        path === false
          ? null
          : createInvitekitController(path ?? 'invitekit', { guards: guards.length > 0, decorators });
      return {
        ...definition,
        global: isGlobal,
        controllers: controller ? [controller] : [],
        providers: [
          ...(definition.providers ?? []),
          // InvitekitFrontendGuard itself is instantiated by @UseGuards, in this module's scope.
          { provide: INVITEKIT_FRONTEND_GUARDS, useValue: guards },
          // The module fits its route to the platform before Nest maps it.
          {
            provide: INVITEKIT_CONTROLLER,
            useValue: controller ? { controller, path: path ?? 'invitekit' } : null,
          },
        ],
      };
    },
  )
  .build();

// Plain exports, not a destructuring one: the declaration bundler drops destructured names, which left
// `InvitekitModule`'s base class undefined in the published .d.ts.
export const ConfigurableInvitekitModule = definition.ConfigurableModuleClass;
const INVITEKIT_OPTIONS_TYPE = definition.OPTIONS_TYPE;
const INVITEKIT_ASYNC_OPTIONS_TYPE = definition.ASYNC_OPTIONS_TYPE;

/** What `InvitekitModule.forRoot()` takes: the options and the static extras. */
export type InvitekitModuleForRootOptions = typeof INVITEKIT_OPTIONS_TYPE;
/** What `InvitekitModule.forRootAsync()` takes: `imports`, `inject`, `useFactory` (or `useClass`, `useExisting`), and the extras. */
export type InvitekitModuleAsyncOptions = typeof INVITEKIT_ASYNC_OPTIONS_TYPE;
