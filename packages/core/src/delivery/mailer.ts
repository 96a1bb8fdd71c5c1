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
 * Thrown (or any error with `permanent: true`) when retrying cannot help, e.g. the SMTP server answered
 * 5xx for the recipient. The dispatcher then gives up at once instead of retrying.
 */
export class PermanentDeliveryError extends Error {
  readonly permanent = true;
}

/** Whether a failed send is worth retrying: not when marked permanent or answered with an SMTP 5xx. */
export function isPermanent(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { permanent?: unknown; responseCode?: unknown };
  if (e.permanent === true) return true;
  return typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
}

/**
 * SMTP through nodemailer, from a connection URL: `smtp://user:pass@host:587`, `smtps://…:465`.
 * Connections are pooled. nodemailer is loaded on first use.
 */
export function smtpMailer(
  url: string,
  options: { maxConnections?: number; timeoutMs?: number } = {},
): Mailer {
  type Transport = { sendMail(message: object): Promise<unknown>; close(): void };
  let transport: Promise<Transport> | undefined;
  const timeout = options.timeoutMs ?? 30_000;
  const open = async (): Promise<Transport> => {
    const nodemailer = await import('nodemailer');
    const createTransport = (nodemailer.default ?? nodemailer).createTransport;
    return createTransport({
      url,
      pool: true,
      maxConnections: options.maxConnections ?? 10,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    } as Parameters<typeof createTransport>[0]) as unknown as Transport;
  };
  return {
    async send(message) {
      transport ??= open();
      const { link: _link, ...mail } = message;
      await (await transport).sendMail(mail);
    },
    async close() {
      if (transport) (await transport).close();
    },
  };
}

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
