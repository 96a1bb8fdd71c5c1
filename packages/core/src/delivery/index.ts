import { redactTokens, redactValue } from '../domain/redact.js';
import type { Roles } from '../domain/roles.js';
import type { Lifecycle } from '../services/lifecycle-config.js';
import type { Database, OpenDatabase } from '../storage/database.js';
import { type Listener, OUTBOX_CHANNEL } from '../storage/outbox-listen.js';
import { Dispatcher } from './dispatcher.js';
import { Messages } from './locale.js';
import type { Catalogs } from './locale-catalogs.js';
import { DevMailer, type Mailer, smtpMailer } from './mailer.js';
import {
  DEFAULT_FROM,
  type DeliveryLog,
  type DeliveryOptions,
  type EmailOptions,
  resolveDelivery,
  resolveSweeper,
  type SweeperOptions,
} from './options.js';
import { OutboxAnnouncer } from './outbox-wake.js';
import { ReminderSweeper } from './reminders.js';
import { Sweeper } from './sweeper.js';
import {
  applicationInvitationEmail,
  applicationInvitationReminderEmail,
  defaultOrganizationInvitationEmail,
  defaultOrganizationInvitationReminderEmail,
} from './templates.js';
import { checkWebhookSecret } from './webhooks.js';

/** The delivery settings of `createInvitekit`'s config. */
export interface DeliveryConfig {
  /** Sends invitation emails. Default: SMTP from `smtpUrl`, else the development mailer. */
  mailer?: Mailer;
  /** SMTP connection URL (`smtp://user:pass@host:587`, `smtps://…`), used when no `mailer` is given. */
  smtpUrl?: string;
  /** Sender and templates. */
  email?: EmailOptions;
  /** `instance_id` in webhook payloads. Default `ins_invitekit`. */
  instanceId?: string;
  /** Dispatcher timing: poll interval, attempts, backoff, lease, concurrency, timeouts. */
  delivery?: DeliveryOptions;
  /** The expiry sweeper's interval and batch size. */
  sweeper?: SweeperOptions;
  /**
   * Log lines from background work (delivery failures, development mailer links) and database outages
   * (one line when one starts, one when it ends). Default: none.
   */
  log?: DeliveryLog;
  /** Messages the development mailer keeps (default 50). */
  devMailboxSize?: number;
  /**
   * Invitekit extension: message catalogs by BCP 47 locale, in ICU MessageFormat, overriding the built-in
   * ones (en, fr, de, es) key by key or adding languages. See delivery/locale-catalogs.ts for the keys.
   */
  messages?: Catalogs;
  /**
   * Whether accept links (they hold live tokens) may reach the logs: the development mailer logs each
   * one when this is on. Off, every log line from background work and every error handed to
   * `onUnexpectedError` has its tokens redacted. Default: on unless `NODE_ENV=production`.
   */
  logAcceptLinks?: boolean;
}

/** Whether accept links may be logged (see DeliveryConfig.logAcceptLinks). */
export const logsAcceptLinks = (config: Pick<DeliveryConfig, 'logAcceptLinks'>) =>
  config.logAcceptLinks ?? process.env.NODE_ENV !== 'production';

export interface Background {
  mailer: Mailer;
  /** The catalogs emails render from, with the host's `messages` and configured `locale`. */
  messages: Messages;
  /** The development mailer when no mailer or SMTP URL was configured, else null. */
  devMailer: DevMailer | null;
  dispatcher: Dispatcher;
  sweeper: Sweeper;
  /** Null when reminders are off (`reminders` unset). */
  reminders: ReminderSweeper | null;
  start(): void;
  /**
   * Tells the dispatchers the outbox has new rows: this process's (once started), and on PostgreSQL every
   * other process's too (NOTIFY), started or not. Cheap: one wake-up and one NOTIFY per `wakeDelayMs`.
   */
  wake(): void;
  stop(): Promise<void>;
}

export function createBackground(
  config: DeliveryConfig,
  deps: {
    db: Database;
    run: OpenDatabase['run'];
    /** PostgreSQL's LISTEN, for wake-ups from other processes; absent on PGlite (one process). */
    listen?: OpenDatabase['listen'];
    lifecycle: Lifecycle;
    roles: Roles;
    now: () => number;
    outage: (err: unknown) => boolean;
  },
): Background {
  const output: DeliveryLog = config.log ?? (() => {});
  const showLinks = logsAcceptLinks(config);
  const log: DeliveryLog = showLinks
    ? output
    : (level, message, data) =>
        output(level, redactTokens(message), data && (redactValue(data) as Record<string, unknown>));
  for (const endpoint of deps.lifecycle.webhooks) checkWebhookSecret(endpoint);
  let devMailer: DevMailer | null = null;
  let mailer = config.mailer;
  // A mailer made here is closed by stop(); one handed in belongs to the host.
  const options = resolveDelivery(config.delivery);
  const ownSmtp =
    !mailer && config.smtpUrl ? smtpMailer(config.smtpUrl, { timeoutMs: options.smtpTimeoutMs }) : null;
  if (ownSmtp) mailer = ownSmtp;
  if (!mailer) {
    devMailer = new DevMailer({
      keep: config.devMailboxSize,
      now: deps.now,
      log: (m) =>
        showLinks
          ? log('info', `dev mailer: invitation email to ${m.to}${m.link ? `; accept link ${m.link}` : ''}`, {
              to: m.to,
              subject: m.subject,
              link: m.link,
            })
          : log(
              'info',
              `dev mailer: invitation email to ${m.to} kept in memory, not sent (link not logged)`,
              {
                to: m.to,
                subject: m.subject,
              },
            ),
    });
    mailer = devMailer;
  }
  const templates = config.email?.templates ?? {};
  const messages = new Messages({ locale: deps.lifecycle.locale, messages: config.messages });
  const dispatcher = new Dispatcher({
    ...deps,
    mailer,
    email: {
      from: config.email?.from ?? DEFAULT_FROM,
      organizationInvitation:
        templates.organizationInvitation ?? defaultOrganizationInvitationEmail(messages),
      applicationInvitation:
        templates.applicationInvitation ??
        applicationInvitationEmail(messages, config.email?.appName ?? 'the application'),
      organizationInvitationReminder:
        templates.organizationInvitationReminder ?? defaultOrganizationInvitationReminderEmail(messages),
      applicationInvitationReminder:
        templates.applicationInvitationReminder ??
        applicationInvitationReminderEmail(messages, config.email?.appName ?? 'the application'),
    },
    instanceId: config.instanceId ?? 'ins_invitekit',
    messages,
    options,
    log,
  });
  const sweeper = new Sweeper({ ...deps, options: resolveSweeper(config.sweeper), log });
  const schedule = deps.lifecycle.reminders;
  const reminders = schedule
    ? new ReminderSweeper({ ...deps, schedule, log, wake: () => dispatcher.soon() })
    : null;
  // Only where another process can listen: PostgreSQL.
  const announcer = deps.listen ? new OutboxAnnouncer(deps.run, options.wakeDelayMs) : null;
  let listener: Listener | null = null;
  let started = false;
  return {
    mailer,
    messages,
    devMailer,
    dispatcher,
    sweeper,
    reminders,
    start() {
      if (started) return;
      started = true;
      dispatcher.start();
      // Writes of other processes wake this dispatcher at once; the poll stays as the fallback.
      listener =
        deps.listen?.(
          OUTBOX_CHANNEL,
          (from) => {
            // At once: the announcing process already gathered its writes (OutboxAnnouncer).
            if (from !== announcer?.id) dispatcher.wake();
          },
          (err) => {
            if (!deps.outage(err))
              log('warn', 'delivery: listening for outbox writes failed; retrying', { err });
          },
        ) ?? null;
      sweeper.start();
      reminders?.start();
    },
    wake: () => {
      dispatcher.soon();
      announcer?.soon();
    },
    async stop() {
      // Reminders first: a batch they commit while stopping is still handed to the dispatcher.
      await reminders?.stop();
      await Promise.all([dispatcher.stop(), sweeper.stop(), listener?.close(), announcer?.close()]);
      await ownSmtp?.close?.();
    },
  };
}

export { escapeHtml, Messages, type MessageValues } from './locale.js';
export { builtInCatalogs, type Catalog, type Catalogs } from './locale-catalogs.js';
export {
  DevMailer,
  type EmailMessage,
  type KeptMessage,
  type Mailer,
  PermanentDeliveryError,
} from './mailer.js';
export type { DeliveryLog, DeliveryOptions, EmailOptions, SweeperOptions } from './options.js';
export {
  type ApplicationInvitationEmailVars,
  applicationInvitationEmail,
  catalogEmail,
  defaultOrganizationInvitationEmail,
  type EmailTemplates,
  type OrganizationInvitationEmailVars,
  type RenderedEmail,
} from './templates.js';
