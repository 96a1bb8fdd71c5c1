import net from 'node:net';
import { hostname } from 'node:os';
import type { RawMessage } from './mime.js';

/**
 * A lean SMTP client for the common high-volume setup: a relay reached without TLS or credentials (a local
 * MTA, a sidecar, a test server) that offers PIPELINING (RFC 2920). Each message costs two writes and two
 * reads (MAIL FROM, RCPT TO and DATA in one; the content in the other) on connections kept open, where
 * nodemailer's pool costs five round trips and its streams. Anything else (TLS, AUTH, a server without
 * PIPELINING) is nodemailer's: `unsupported` tells the mailer to switch.
 *
 * Errors carry nodemailer's fields (`command`, `responseCode`, `code`), so isPermanent() (mailer.ts)
 * judges them alike: a refusal of RCPT TO or DATA is about the message; anything else is an outage.
 */
export class SmtpPipeline {
  /** Set once a server turned out not to fit (see above): the mailer then sends through nodemailer. */
  unsupported = false;
  private readonly idle: Connection[] = [];
  private readonly queue: Job[] = [];
  private open = 0;
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxConnections: number,
    private readonly timeoutMs: number,
  ) {}

  /** Resolves once the server accepted the message; rejects with its refusal or the connection's error. */
  send(message: RawMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.next();
    });
  }

  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) c.quit();
    for (const job of this.queue.splice(0)) job.reject(connectionError('the SMTP client was closed'));
  }

  private next(): void {
    while (this.queue.length > 0) {
      const idle = this.idle.pop();
      if (idle) {
        this.run(idle, this.queue.shift()!);
        continue;
      }
      if (this.open >= this.maxConnections || this.closed) return;
      this.open++;
      const job = this.queue.shift()!;
      Connection.open(this.host, this.port, this.timeoutMs).then(
        (c) => {
          if (!c.pipelining) {
            this.unsupported = true;
            this.open--;
            c.quit();
            const err = Object.assign(new Error('SMTP server without PIPELINING, or with STARTTLS'), {
              unsupported: true,
            });
            job.reject(err);
            for (const queued of this.queue.splice(0)) queued.reject(err);
            return;
          }
          c.onLost = () => this.lost(c);
          this.run(c, job);
        },
        (err) => {
          this.open--;
          job.reject(err);
          this.next();
        },
      );
    }
  }

  private run(c: Connection, job: Job): void {
    c.transact(job.message).then(
      () => {
        job.resolve();
        this.release(c);
      },
      (err) => {
        job.reject(err);
        if (c.usable) this.release(c);
        else this.lost(c);
      },
    );
  }

  private release(c: Connection): void {
    if (this.closed) {
      c.quit();
      return;
    }
    this.idle.push(c);
    this.next();
  }

  private lost(c: Connection): void {
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    if (c.counted) {
      c.counted = false;
      this.open--;
    }
    c.destroy();
    this.next();
  }
}

interface Job {
  message: RawMessage;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Reply {
  code: number;
  text: string;
}

const connectionError = (message: string, code = 'ECONNECTION') =>
  Object.assign(new Error(message), { code, command: 'CONN' });

/** nodemailer's error codes by command: the envelope's, the message's, the session's. */
const codeOf = (command: string) =>
  command === 'MAIL FROM' || command === 'RCPT TO'
    ? 'EENVELOPE'
    : command === 'DATA'
      ? 'EMESSAGE'
      : 'EPROTOCOL';

const refusal = (command: string, reply: Reply) =>
  Object.assign(new Error(`${command} refused: ${reply.code} ${reply.text}`), {
    code: codeOf(command),
    command,
    responseCode: reply.code,
    response: `${reply.code} ${reply.text}`,
  });

/** An SMTP session, one transaction at a time. */
class Connection {
  pipelining = false;
  /** Counted in the pool's `open` until lost. */
  counted = true;
  /** False once the session is broken (the connection is then dropped). */
  usable = true;
  onLost: () => void = () => {};
  private error: unknown = null;
  private buffer = '';
  private lines: string[] = [];
  private waiting: {
    count: number;
    replies: Reply[];
    done: (replies: Reply[]) => void;
    fail: (err: unknown) => void;
  } | null = null;

  private constructor(private readonly socket: net.Socket) {}

  static open(host: string, port: number, timeoutMs: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const c = new Connection(socket);
      socket.setNoDelay(true);
      socket.setTimeout(timeoutMs, () => c.fail(connectionError('SMTP connection timed out', 'ETIMEDOUT')));
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => c.read(chunk));
      socket.on('error', (err) => c.fail(Object.assign(err, { command: 'CONN' })));
      socket.on('close', () => c.fail(connectionError('SMTP connection closed')));
      (async () => {
        const [greeting] = await c.replies(1);
        if (greeting!.code !== 220) throw refusal('CONN', greeting!);
        c.socket.write(`EHLO ${hostname() || 'localhost'}\r\n`);
        const [ehlo] = await c.replies(1);
        if (ehlo!.code !== 250) throw refusal('EHLO', ehlo!);
        const features = ehlo!.text.toUpperCase().split('\n');
        // A server offering STARTTLS would get it from nodemailer: leave it to nodemailer.
        c.pipelining = features.includes('PIPELINING') && !features.some((f) => f.startsWith('STARTTLS'));
        return c;
      })().then(resolve, (err) => {
        c.destroy();
        reject(err);
      });
    });
  }

  /** One message: MAIL FROM, RCPT TO, DATA in one write; then the content. */
  async transact({ envelope, raw }: RawMessage): Promise<void> {
    const rcpts = envelope.to.map((to) => `RCPT TO:<${to}>\r\n`).join('');
    this.socket.write(`MAIL FROM:<${envelope.from}>\r\n${rcpts}DATA\r\n`);
    const replies = await this.replies(2 + envelope.to.length);
    const mail = replies[0]!;
    const data = replies[replies.length - 1]!;
    if (data.code !== 354) {
      // The transaction did not start: reset the session for the next message, or end it.
      this.socket.write('RSET\r\n');
      const [reset] = await this.replies(1);
      if (reset!.code !== 250) this.fail(refusal('RSET', reset!));
      if (mail.code !== 250) throw refusal('MAIL FROM', mail);
      const rcpt = replies.slice(1, -1).find((r) => r.code >= 300);
      throw refusal(rcpt ? 'RCPT TO' : 'DATA', rcpt ?? data);
    }
    // Dot-stuffing: a line that starts with a dot gets another.
    const stuffed = raw.replace(/(^|\r\n)\./g, '$1..');
    this.socket.write(`${stuffed.endsWith('\r\n') ? stuffed : `${stuffed}\r\n`}.\r\n`);
    const [end] = await this.replies(1);
    if (end!.code !== 250) throw refusal('DATA', end!);
  }

  quit(): void {
    this.usable = false;
    this.counted = false;
    this.socket.end('QUIT\r\n');
  }

  destroy(): void {
    this.usable = false;
    this.socket.destroy();
  }

  private replies(count: number): Promise<Reply[]> {
    return new Promise((done, fail) => {
      if (!this.usable) return fail(this.error ?? connectionError('SMTP connection closed'));
      this.waiting = { count, replies: [], done, fail };
      this.drain();
    });
  }

  private read(chunk: string): void {
    this.buffer += chunk;
    let at = this.buffer.indexOf('\r\n');
    while (at >= 0) {
      this.lines.push(this.buffer.slice(0, at));
      this.buffer = this.buffer.slice(at + 2);
      at = this.buffer.indexOf('\r\n');
    }
    this.drain();
  }

  /** Turns complete lines into replies ("250-…" continues, "250 …" ends) for whoever waits. */
  private drain(): void {
    const w = this.waiting;
    if (!w) return;
    let text: string[] = [];
    let taken = 0;
    for (let i = 0; i < this.lines.length && w.replies.length < w.count; i++) {
      const line = this.lines[i]!;
      text.push(line.slice(4));
      if (line[3] !== '-') {
        w.replies.push({ code: Number(line.slice(0, 3)), text: text.join('\n') });
        text = [];
        taken = i + 1;
      }
    }
    this.lines.splice(0, taken);
    if (w.replies.length === w.count) {
      this.waiting = null;
      w.done(w.replies);
    }
  }

  private fail(err: unknown): void {
    if (!this.usable) return;
    this.usable = false;
    this.error = err;
    const w = this.waiting;
    this.waiting = null;
    w?.fail(err);
    this.onLost();
  }
}
