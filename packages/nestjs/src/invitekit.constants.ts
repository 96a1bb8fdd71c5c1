/** The core `Invitekit` instance (`createInvitekit()`'s result). Inject with `@InjectInvitekit()`. */
export const INVITEKIT = 'INVITEKIT:INSTANCE';

/** The plain service API, `invitekit.services`. */
export const INVITEKIT_SERVICES = 'INVITEKIT:SERVICES';

/** The options given to `forRoot`, or made by `forRootAsync`'s factory. */
export const INVITEKIT_MODULE_OPTIONS = 'INVITEKIT:MODULE_OPTIONS';

/** The `guards` extra, as given. */
export const INVITEKIT_FRONTEND_GUARDS = 'INVITEKIT:FRONTEND_GUARDS';

/** The controller class `forRoot` made for its `path` (null with `path: false`). */
export const INVITEKIT_CONTROLLER = 'INVITEKIT:CONTROLLER';

/** The wildcard route parameter holding the path below the controller's prefix. */
export const PATH_PARAM = 'invitekitPath';
