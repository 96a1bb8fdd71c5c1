import { buildRawMessage, type Sender, senderOf } from './mime.js';
import { SmtpPipeline } from './smtp-pipeline.js';

/** One email, rendered and ready to send. */
export interface EmailMessage {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /**
   * The accept link the message carries (it is in `html` and `text` too). Mailers ignore it; the
   * development mailer shows it. Never log it in production: it holds the accept token.
   */
  link?: string | null;
}

/** Sends email. `send` resolves once the message is accepted for delivery, and rejects otherwise. */
export interface Mailer {
  send(message: EmailMessage): Promise<void>;
  /** Releases connections. `invitekit.close()` calls it for the SMTP mailer it made from `smtpUrl`. */
  close?(): Promise<void> | void;
}

/**
 * Thrown (or any error with `permanent: true`, from a mailer other than SMTP) when retrying cannot help.
 * The dispatcher then gives up at once instead of retrying.
 */
export class PermanentDeliveryError extends Error {
  readonly permanent = true;
}

/** SMTP commands whose 5xx answer is about this recipient or this message, not the server or the session. */
const MESSAGE_COMMANDS = new Set(['RCPT TO', 'DATA']);
/** nodemailer's codes for a message it refuses to send at all (no recipient, invalid address, too big). */
const MESSAGE_ERRORS = new Set(['EENVELOPE', 'EMESSAGE']);

/**
 * Whether a failed send is worth retrying. For SMTP (nodemailer's errors carry the `command` that failed)
 * only a recipient- or message-level refusal is permanent: a 5xx answer to RCPT TO or DATA, or a message
 * nodemailer refuses before sending. Everything at the connection or session level is an outage of the
 * SMTP server and is retried: refused or timed-out connections, a 421 or 554 greeting, EHLO, STARTTLS,
 * AUTH and MAIL FROM failures (nodemailer marks a 554 greeting `permanent`; that is overruled here). Other
 * mailers and webhooks mark a permanent failure with `permanent: true`.
 */
export function isPermanent(err: unknown): boolean {
  if (err instanceof PermanentDeliveryError) return true;
  if (!err || typeof err !== 'object') return false;
  const e = err as { permanent?: unknown; responseCode?: unknown; command?: unknown; code?: unknown };
  const fiveHundred = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
  if (typeof e.command === 'string') {
    if (MESSAGE_COMMANDS.has(e.command)) return fiveHundred;
    // Refused by nodemailer itself, before the server saw it (no server answer).
    return e.responseCode === undefined && typeof e.code === 'string' && MESSAGE_ERRORS.has(e.code)
      ? e.command === 'API' || e.command === 'MAIL FROM'
      : false;
  }
  return e.permanent === true || fiveHundred;
}

/**
 * SMTP through nodemailer, from a connection URL: `smtp://user:pass@host:587`, `smtps://…:465`.
 * Connections are pooled and kept (not closed after nodemailer's default of 100 messages each). Messages
 * are composed here (mime.ts) when they are plain, by nodemailer otherwise. nodemailer is loaded on first
 * use.
 */
export function smtpMailer(
  url: string,
  options: { maxConnections?: number; timeoutMs?: number } = {},
): Mailer {
  type Transport = { sendMail(message: object): Promise<unknown>; close(): void };
  let transport: Promise<Transport> | undefined;
  const senders = new Map<string, Promise<Sender>>();
  const timeout = options.timeoutMs ?? 30_000;
  const maxConnections = options.maxConnections ?? DEFAULT_SMTP_CONNECTIONS;
  // Loaded now rather than by the first send, which every message claimed with it would wait for: every
  // message's From header is formatted by nodemailer once (senderOf).
  const loading = import('nodemailer/lib/mail-composer/index.js').catch(() => {});
  const relay = plainRelay(url);
  const pipeline = relay && new SmtpPipeline(relay.host, relay.port, maxConnections, timeout);
  const open = async (): Promise<Transport> => {
    const nodemailer = await import('nodemailer');
    const createTransport = (nodemailer.default ?? nodemailer).createTransport;
    return createTransport({
      url,
      pool: true,
      maxConnections,
      maxMessages: Number.POSITIVE_INFINITY,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    } as Parameters<typeof createTransport>[0]) as unknown as Transport;
  };
  return {
    async send(message) {
      const { link: _link, ...mail } = message;
      let sender = senders.get(mail.from);
      if (!sender) {
        sender = loading.then(() => senderOf(mail.from));
        senders.set(mail.from, sender);
      }
      // A `from` nodemailer cannot parse is left to nodemailer, to fail as it did before.
      const from = await sender.catch(() => null);
      const raw = from && buildRawMessage(mail, from, Date.now());
      if (raw && pipeline && !pipeline.unsupported) {
        try {
          return await pipeline.send(raw);
        } catch (err) {
          if (!(err as { unsupported?: boolean }).unsupported) throw err;
        }
      }
      transport ??= open();
      await (await transport).sendMail(raw ?? mail);
    },
    async close() {
      pipeline?.close();
      if (transport) (await transport).close();
    },
  };
}

/**
 * An `smtp://host:port` URL with no credentials and no options: a relay the lean client (smtp-pipeline.ts)
 * may serve. nodemailer's defaults apply: port 587.
 */
function plainRelay(url: string): { host: string; port: number } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'smtp:' || u.username || u.password || u.search || u.hash) return null;
  if (u.pathname !== '' && u.pathname !== '/') return null;
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) || 587 };
}

/** SMTP connections one process keeps open by default. */
export const DEFAULT_SMTP_CONNECTIONS = 10;

/** A message the development mailer kept. */
export interface KeptMessage extends EmailMessage {
  sentAt: number;
}

/**
 * The mailer used when none is configured: nothing leaves the process. It keeps the last `keep`
 * messages (newest first) for a development mailbox, and reports each accept link through `log`.
 */
export class DevMailer implements Mailer {
  private readonly kept: KeptMessage[] = [];
  private readonly keep: number;

  constructor(
    private readonly options: {
      keep?: number;
      log?: (message: KeptMessage) => void;
      now?: () => number;
    } = {},
  ) {
    this.keep = Math.max(1, options.keep ?? 50);
  }

  async send(message: EmailMessage): Promise<void> {
    const kept: KeptMessage = { ...message, sentAt: (this.options.now ?? Date.now)() };
    this.kept.unshift(kept);
    if (this.kept.length > this.keep) this.kept.length = this.keep;
    this.options.log?.(kept);
  }

  /** The kept messages, newest first. */
  messages(): KeptMessage[] {
    return [...this.kept];
  }

  clear(): void {
    this.kept.length = 0;
  }
}
