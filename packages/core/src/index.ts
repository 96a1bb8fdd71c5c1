import { validateConfig } from './config-validation.js';
import {
  createBackground,
  type DeliveryConfig,
  type DevMailer,
  logsAcceptLinks,
  type Mailer,
} from './delivery/index.js';
import { ImportWorker } from './delivery/invitation-imports.js';
import { JoinLinkRolePolicy } from './domain/join-links.js';
import { redactError } from './domain/redact.js';
import { defaultRoles, type RoleDefinition, Roles } from './domain/roles.js';
import { SecretKeys } from './http/auth.js';
import { type CorsConfig, createCors, underPrefix } from './http/cors.js';
import { createHandler, type Handle } from './http/handler.js';
import { Idempotency } from './http/idempotency.js';
import { limitPerClient } from './http/limits.js';
import { buildOpenApiDocument, type OpenApiDocument } from './http/openapi.js';
import type { Route } from './http/route.js';
import { Router } from './http/router.js';
import { frontendRoutes } from './http/routes/frontend.js';
import { backendRoutes } from './http/routes/index.js';
import { metaRoutes } from './http/routes/meta.js';
import type { Authenticate, InvitekitRequest } from './http/types.js';
import { IdempotencyKeys, type IdempotencyOptions } from './services/idempotency.js';
import { createServices, type InvitekitServices } from './services/index.js';
import type { ImportOptions } from './services/invitation-imports.js';
import { Lifecycle, type LifecycleOptions } from './services/lifecycle-config.js';
import { tokenRequestLimiter } from './services/limits.js';
import { Availability } from './storage/availability.js';
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
  /**
   * Called with errors that are bugs (they become a 500); log them. A database outage is not one: it is
   * answered 503 with `Retry-After` and logged through `log` once when it starts and once when it ends.
   */
  onUnexpectedError?: (err: unknown, request: InvitekitRequest) => void;
  /**
   * Resolves the signed-in person for the Frontend API. Without it, Frontend API routes that need a user
   * answer 401. People it resolves are added to the directory (users and their addresses).
   */
  authenticate?: Authenticate;
  /** Where the Frontend API is served, relative to the adapter's mount point. Default `/frontend/v1`. */
  frontendPath?: string;
  /**
   * Invitekit extension: the browser origins allowed to call the Frontend API cross-origin. Preflights
   * (OPTIONS) under `frontendPath` are answered; other routes never get CORS headers. Off by default.
   */
  cors?: CorsConfig;
  /**
   * How many proxies of your own stand in front of the server (load balancer, ingress). With n > 0 the
   * per-client limits read the client's address n hops back along `X-Forwarded-For`; with 0 (default),
   * `X-Forwarded-For` is ignored and the connection's address counts.
   */
  trustedProxies?: number;
  /** Invitekit extension: how long `Idempotency-Key` answers are kept (default 24 hours); see the README. */
  idempotency?: IdempotencyOptions;
  /**
   * Invitekit extension, large imports: the import worker's batch size, email pace (`emailsPerSecond`,
   * per import) and poll interval. The worker runs where `start()` is called.
   */
  imports?: ImportOptions;
}

/** How often the start()ed background deletes rate-limit windows that have ended and expired idempotency keys. */
const RATE_LIMIT_SWEEP_MS = 5 * 60 * 1000;

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
   * Whether the route at `method` and `path` takes a large body, possibly CSV text (imports): adapters read
   * such bodies with their large limit, and `text/csv` as a string.
   */
  acceptsLargeBody(method: string, path: string): boolean;
  /**
   * Counts a token request (preview or accept by token) from the request's client against the per-client
   * limit that `tickets/preview` and `tickets/accept` have; throws the 429 `InvitekitError` once it is used
   * up. For a host's own accept page that calls `services.acceptance` directly.
   */
  limitTokenRequest(request: Pick<InvitekitRequest, 'headers' | 'remoteAddress'>): Promise<void>;
  /**
   * Starts background work (email and webhook delivery, the expiry sweeper, the reminder sweeper when
   * `reminders` is set). Serving requests does not
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
  // CORS only for the Frontend API: the Backend API takes secret keys, which never belong in a browser.
  const cors = config.cors ? createCors(config.cors) : null;
  const apiRoutes = [...backendRoutes, ...frontendRoutes(frontendPath)];
  const seen = new Set<string>();
  for (const route of apiRoutes) {
    const key = `${route.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`;
    if (seen.has(key)) throw new Error(`Invitekit: two routes serve ${key}; choose another frontendPath`);
    seen.add(key);
  }
  const trustedProxies = config.trustedProxies ?? 0;
  if (!Number.isSafeInteger(trustedProxies) || trustedProxies < 0) {
    throw new Error(`Invitekit: trustedProxies must be a whole number ≥ 0, got ${config.trustedProxies}`);
  }
  const roles = new Roles(config.roles ?? defaultRoles);
  const lifecycle = new Lifecycle(config);
  new JoinLinkRolePolicy(roles, config.joinLinks?.maxRole); // a wrong maxRole fails before the database opens
  const database = await openDatabase(config.database);
  const now = config.now ?? Date.now;
  const log = config.log ?? (() => {});
  // Outages are logged once when they start and once when they end, whoever meets them.
  const availability = new Availability(database.ping, log);
  const outage = (err: unknown) => availability.report(err);
  const background = createBackground(config, {
    db: database.db,
    run: database.run,
    listen: database.listen,
    lifecycle,
    roles,
    now,
    outage,
  });
  const services = createServices(
    {
      db: database.db,
      run: database.run,
      roles,
      now,
      lifecycle,
      onOutboxWrite: background.wake,
      delivery: background.dispatcher,
    },
    config.imports,
  );
  // A failed batch's error holds its statement's parameters, accept links among them: never logged.
  const importWorker = new ImportWorker({
    imports: services.invitationImports,
    log: (level, message, data) => log(level, message, data && { err: redactError(data.err) }),
    outage,
  });

  const tokenLimiter = tokenRequestLimiter(database.db, lifecycle.limits);
  const idempotencyKeys = new IdempotencyKeys(
    { db: database.db, run: database.run, now },
    config.idempotency,
  );
  let sweeping: ReturnType<typeof setInterval> | undefined;
  // Awaited by close(), so the database never closes under a sweep.
  let keySweep: Promise<unknown> = Promise.resolve();
  // An outage is logged once by `availability`; anything else (a bug, a constraint) is logged here. A
  // failed answer write's parameters hold the stored body: redacted, as every logged error is.
  const reportKeyError = (message: string) => (err: unknown) => {
    if (!outage(err)) log('error', message, { err: redactError(err) });
  };
  const sweepKeys = () => {
    keySweep = idempotencyKeys.sweep().catch(reportKeyError('idempotency: sweeping expired keys failed'));
  };
  const start = () => {
    background.start();
    importWorker.start();
    if (sweeping) return;
    // Once now, so keys a stopped fleet left behind go without waiting for the first interval.
    sweepKeys();
    sweeping = setInterval(() => {
      tokenLimiter.sweep().catch(() => {});
      sweepKeys();
    }, RATE_LIMIT_SWEEP_MS).unref();
  };

  let document: OpenApiDocument | undefined;
  const openapi = () => {
    document ??= buildOpenApiDocument(routes, { title: 'Invitekit API', version: '0.1.0' });
    return document;
  };
  const ping = () =>
    database.ping().catch((err) => {
      outage(err);
      throw err;
    });
  const routes: Route[] = [...metaRoutes(ping, openapi, database.driver), ...apiRoutes];
  const limitTokenRequest = limitPerClient(tokenLimiter, trustedProxies);
  const largeBodies = new Router(routes.filter((r) => r.largeBody));
  const acceptsLargeBody = (method: string, path: string) => {
    const match = largeBodies.match(method.toUpperCase(), path);
    return match !== null && 'route' in match;
  };
  const handleRequest = createHandler({
    routes,
    context: { services, roles },
    secretKeys: new SecretKeys(config.secretKeys ?? []),
    authenticate: config.authenticate,
    // A person written to the directory (first seen, or their addresses changed) is enrolled by domain.
    identify: (user) => services.identities.identify(user),
    // A failed statement's error holds its parameters, an outbox row's accept link among them.
    onUnexpectedError: config.onUnexpectedError
      ? logsAcceptLinks(config)
        ? config.onUnexpectedError
        : (err, request) => config.onUnexpectedError!(redactError(err), request)
      : undefined,
    onUnavailable: outage,
    limitPerClient: limitTokenRequest,
    idempotency: new Idempotency(
      idempotencyKeys,
      reportKeyError('idempotency: recording an answer failed; a retry after lockMs runs again'),
    ),
  });

  const handleWithCors: Handle = cors
    ? async (request) => {
        if (!underPrefix(request.path, frontendPath)) return handleRequest(request);
        const { preflight, headers } = cors(request);
        if (preflight) return preflight;
        const response = await handleRequest(request);
        return { ...response, headers: { ...response.headers, ...headers } };
      }
    : handleRequest;

  // close() lets requests in flight finish before the database goes, even when their client has left.
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const handle: Handle = async (request) => {
    inFlight++;
    try {
      return await handleWithCors(request);
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
    acceptsLargeBody,
    limitTokenRequest,
    start,
    close: () => {
      clearInterval(sweeping);
      closing ??= (async () => {
        await importWorker.stop();
        await background.stop();
        await keySweep;
        if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
        availability.close();
        await database.close();
      })();
      return closing;
    },
  };
}

export {
  type ApplicationInvitationEmailVars,
  applicationInvitationEmail,
  builtInCatalogs,
  type Catalog,
  type Catalogs,
  catalogEmail,
  type DeliveryConfig,
  type DeliveryLog,
  type DeliveryOptions,
  DevMailer,
  defaultOrganizationInvitationEmail,
  type EmailMessage,
  type EmailOptions,
  type EmailTemplates,
  escapeHtml,
  type KeptMessage,
  logsAcceptLinks,
  type Mailer,
  Messages,
  type MessageValues,
  type OrganizationInvitationEmailVars,
  PermanentDeliveryError,
  type RenderedEmail,
  type SweeperOptions,
} from './delivery/index.js';
export { smtpMailer } from './delivery/mailer.js';
export type {
  InvitekitExtensionWebhookEvent,
  InvitekitWebhookEvent,
  OrganizationInvitationWebhookData,
  WebhookEventAttributes,
} from './delivery/webhooks.js';
export { type ErrorCode, errorCodes, InvitekitError } from './domain/errors.js';
export type {
  ImportRowResult,
  ImportStatus,
  InvitationImport,
  InvitationImportRow,
} from './domain/invitation-imports.js';
export type {
  JoinLink,
  JoinLinkOptions,
  JoinLinkPreview,
  JoinLinkStatus,
  JoinLinkUse,
  JoinLinkUseStatus,
} from './domain/join-links.js';
export { canonicalLocale, localeChain } from './domain/locale.js';
export type * from './domain/models.js';
export type * from './domain/organization-domains.js';
export { redactTokens } from './domain/redact.js';
export type { OrganizationReminderSettings, ReminderOptions } from './domain/reminders.js';
export { defaultRoles, type RoleDefinition } from './domain/roles.js';
export type { InvitationStatus } from './domain/status.js';
export { answerClientError, clientErrorResponse } from './http/client-error.js';
export type { CorsConfig } from './http/cors.js';
export { toErrorResponse } from './http/errors.js';
export type { Handle } from './http/handler.js';
export type { OpenApiDocument } from './http/openapi.js';
export { securityHeaders } from './http/security-headers.js';
export type { Authenticate, AuthenticatedUser, InvitekitRequest, InvitekitResponse } from './http/types.js';
export type { AcceptedInvitation, InvitationPreview } from './services/acceptance.js';
export type { InvitationEventType } from './services/effects.js';
export type { IdempotencyOptions } from './services/idempotency.js';
export type { InvitekitServices } from './services/index.js';
export type {
  EditApplicationInvitationInput,
  EditOrganizationInvitationInput,
} from './services/invitation-edits.js';
export type { ImportOptions, StartImportOptions } from './services/invitation-imports.js';
export type { CreateJoinLinkInput, JoinLinkWebhookType, JoinResult } from './services/join-links.js';
export type { InvitationLimits, LifecycleOptions, WebhookEndpoint } from './services/lifecycle-config.js';
export type { ObjectEventType } from './services/object-events.js';
export type { DatabaseConfig } from './storage/database.js';
export * from './wire/invitation-edits.js';
export {
  InvitationImportRowSchema,
  InvitationImportSchema,
  InvitationImportWithRowsSchema,
} from './wire/invitation-imports.js';
export * from './wire/join-links.js';
export {
  MembershipRequestSchema,
  MembershipRequestsSchema,
  OrganizationDomainSchema,
  OrganizationDomainsSchema,
  OrganizationSuggestionSchema,
} from './wire/organization-domains.js';
export * from './wire/responses.js';
