import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope recipients. */
  to: string[];
  from: string;
  parsed: ParsedMail;
}

/** What the server answers for one recipient: accept, or an SMTP error such as 451 or 550. */
export type RcptPolicy = (address: string, attempt: number) => { code: number; message: string } | null;

/**
 * A real SMTP server on 127.0.0.1 (smtp-server), parsing each message with mailparser. `policy` may reject
 * recipients, e.g. the first attempts with 451 (try later) or always with 550 (no such user).
 */
/** What the server greets connection number `n` (from 1) with: the normal 220, or e.g. 421 or 554. */
export type GreetingPolicy = (connection: number) => { code: number; message: string } | null;

/**
 * `greeting` may refuse connections at the greeting (a 421 or 554 answer instead of 220, then closing);
 * `port` listens on a given port, e.g. to come back where a closed server was.
 */
export async function startSmtpServer(
  options: {
    policy?: RcptPolicy;
    parse?: boolean;
    greeting?: GreetingPolicy;
    port?: number;
    /** Offer no PIPELINING in the EHLO answer (Invitekit's lean client then leaves sending to nodemailer). */
    hidePipelining?: boolean;
  } = {},
) {
  const received: ReceivedMail[] = [];
  const attempts = new Map<string, number>();
  let accepted = 0;
  let connections = 0;
  const server = new SMTPServer({
    onConnect(_session, callback) {
      const refuse = options.greeting?.(++connections);
      if (refuse) return callback(Object.assign(new Error(refuse.message), { responseCode: refuse.code }));
      callback();
    },
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 1024 * 1024,
    hidePIPELINING: options.hidePipelining ?? false,
    onRcptTo(address, _session, callback) {
      const n = (attempts.get(address.address) ?? 0) + 1;
      attempts.set(address.address, n);
      const reject = options.policy?.(address.address, n);
      if (reject) {
        const err = Object.assign(new Error(reject.message), { responseCode: reject.code });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address);
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      if (options.parse === false) {
        stream.on('data', () => {});
        stream.on('end', () => {
          accepted++;
          received.push({ to, from, parsed: undefined as unknown as ParsedMail });
          callback();
        });
        return;
      }
      simpleParser(stream).then(
        (parsed) => {
          accepted++;
          received.push({ to, from, parsed });
          callback();
        },
        (err) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => {});
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    attempts,
    port,
    count: () => accepted,
    /** Connections so far, greeted or refused. */
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpServer = Awaited<ReturnType<typeof startSmtpServer>>;

/** Polls `check` until it returns a truthy value, or fails after `timeoutMs` with `what` in the message. */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  { timeoutMs = 60_000, intervalMs = 25 } = {},
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
