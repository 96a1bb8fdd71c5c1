import { validateConfig } from './config-validation.js';
import { createBackground, type DeliveryConfig, type DevMailer, type Mailer } from './delivery/index.js';
import { defaultRoles, type RoleDefinition, Roles } from './domain/roles.js';
import { SecretKeys } from './http/auth.js';
import { createHandler, type Handle } from './http/handler.js';
import { buildOpenApiDocument, type OpenApiDocument } from './http/openapi.js';
import type { Route } from './http/route.js';
import { frontendRoutes } from './http/routes/frontend.js';
import { backendRoutes } from './http/routes/index.js';
import { metaRoutes } from './http/routes/meta.js';
import type { Authenticate, InvitekitRequest } from './http/types.js';
import { createServices, type InvitekitServices } from './services/index.js';
import { Lifecycle, type LifecycleOptions } from './services/lifecycle-config.js';
import { type DatabaseConfig, type OpenDatabase, openDatabase } from './storage/database.js';

export interface InvitekitConfig extends LifecycleOptions, DeliveryConfig {
  /** PostgreSQL via `url`, or the embedded PGlite database in `dataDir` (default `./.invitekit`). */
  database?: DatabaseConfig;
  /** Backend API secret keys. Several may be valid at once, for rotation. With none, every call is 401. */
  secretKeys?: string[];
  /** Organization roles. Default: `org:admin` (Admin) and `org:member` (Member). */
  roles?: RoleDefinition[];
  /** Clock in Unix milliseconds; injectable for tests. */
  now?: () => number;
  /** Called with errors that are bugs (they become a 500); log them. */
  onUnexpectedError?: (err: unknown, request: InvitekitRequest) => void;
  /**
   * Resolves the signed-in person for the Frontend API. Without it, Frontend API routes that need a user
   * answer 401. People it resolves are added to the directory (users and their addresses).
   */
  authenticate?: Authenticate;
  /** Where the Frontend API is served, relative to the adapter's mount point. Default `/frontend/v1`. */
  frontendPath?: string;
}

export interface Invitekit {
  /** The service API, for calling Invitekit from code without HTTP. */
  services: InvitekitServices;
  /** The framework-free request handler over the route table. Adapters call this. */
  handle: Handle;
  /** The OpenAPI 3.0 document, generated from the route table's zod schemas. */
  openapi(): OpenApiDocument;
  /** The route table (read-only), for adapters and docs. */
  routes: readonly Route[];
  /** The open database; `driver` tells which one. */
  database: OpenDatabase;
  /** The mailer invitation emails go through. */
  mailer: Mailer;
  /** The development mailer (it keeps the last messages) when no mailer or SMTP URL is configured. */
  devMailer: DevMailer | null;
  /**
   * Starts background work (email and webhook delivery, the expiry sweeper). Serving requests does not
   * need it; a process that only serves can skip it. Idempotent.
   */
  start(): void;
  /**
   * Stops background work (waiting, bounded, for sends in flight), waits for requests in flight through
   * `handle`, then closes the database.
   */
  close(): Promise<void>;
}

/** Opens the database (applying migrations), and builds the services and the request handler. */
export async function createInvitekit(config: InvitekitConfig = {}): Promise<Invitekit> {
  validateConfig(config);
  const frontendPath = (config.frontendPath ?? '/frontend/v1').replace(/\/+$/, '');
  if (!frontendPath.startsWith('/')) {
    throw new Error(
      `Invitekit: frontendPath must start with "/", got ${JSON.stringify(config.frontendPath)}`,
    );
  }
  const apiRoutes = [...backendRoutes, ...frontendRoutes(frontendPath)];
  const seen = new Set<string>();
  for (const route of apiRoutes) {
    const key = `${route.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`;
    if (seen.has(key)) throw new Error(`Invitekit: two routes serve ${key}; choose another frontendPath`);
    seen.add(key);
  }
  const roles = new Roles(config.roles ?? defaultRoles);
  const database = await openDatabase(config.database);
  const lifecycle = new Lifecycle(config);
  const now = config.now ?? Date.now;
  const background = createBackground(config, {
    db: database.db,
    run: database.run,
    lifecycle,
    roles,
    now,
  });
  const services = createServices({
    db: database.db,
    run: database.run,
    roles,
    now,
    lifecycle,
    onOutboxWrite: background.wake,
    delivery: background.dispatcher,
  });

  let document: OpenApiDocument | undefined;
  const openapi = () => {
    document ??= buildOpenApiDocument(routes, { title: 'Invitekit API', version: '0.1.0' });
    return document;
  };
  const routes: Route[] = [...metaRoutes(database.ping, openapi, database.driver), ...apiRoutes];
  const handleRequest = createHandler({
    routes,
    context: { services, roles },
    secretKeys: new SecretKeys(config.secretKeys ?? []),
    authenticate: config.authenticate,
    identify: (user) => services.identities.remember(user),
    onUnexpectedError: config.onUnexpectedError,
  });

  // close() lets requests in flight finish before the database goes, even when their client has left.
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const handle: Handle = async (request) => {
    inFlight++;
    try {
      return await handleRequest(request);
    } finally {
      if (--inFlight === 0) drained?.();
    }
  };

  let closing: Promise<void> | undefined;
  return {
    services,
    handle,
    openapi,
    routes,
    database,
    mailer: background.mailer,
    devMailer: background.devMailer,
    start: background.start,
    close: () => {
      closing ??= (async () => {
        await background.stop();
        if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
        await database.close();
      })();
      return closing;
    },
  };
}

export {
  type ApplicationInvitationEmailVars,
  type DeliveryConfig,
  type DeliveryLog,
  type DeliveryOptions,
  DevMailer,
  type EmailMessage,
  type EmailOptions,
  type EmailTemplates,
  escapeHtml,
  type KeptMessage,
  type Mailer,
  type OrganizationInvitationEmailVars,
  PermanentDeliveryError,
  type RenderedEmail,
  type SweeperOptions,
} from './delivery/index.js';
export { smtpMailer } from './delivery/mailer.js';
export { type ErrorCode, errorCodes, InvitekitError } from './domain/errors.js';
export type * from './domain/models.js';
export { defaultRoles, type RoleDefinition } from './domain/roles.js';
export type { InvitationStatus } from './domain/status.js';
export { toErrorResponse } from './http/errors.js';
export type { Handle } from './http/handler.js';
export type { OpenApiDocument } from './http/openapi.js';
export * from './http/responses.js';
export type { Authenticate, AuthenticatedUser, InvitekitRequest, InvitekitResponse } from './http/types.js';
export type { AcceptedInvitation, InvitationPreview } from './services/acceptance.js';
export type { InvitationEventType } from './services/effects.js';
export type { InvitekitServices } from './services/index.js';
export type { InvitationLimits, LifecycleOptions, WebhookEndpoint } from './services/lifecycle-config.js';
export type { DatabaseConfig } from './storage/database.js';
