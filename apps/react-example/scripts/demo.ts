// The react-example demo: the standalone Invitekit server (embedded PGlite, development mailer) in a child
// process, and in front of it one small HTTP server that
//   - serves the built Vite app (dist/), with index.html for client-side routes such as /accept;
//   - passes the Frontend API (/frontend/*) and the development mailbox (/dev/mailbox*) through;
//   - adds three DEVELOPMENT-ONLY routes under /demo: a pretend sign-in that mints session tokens, the
//     signed-in user's organizations, and an organization's members (read with the secret key here, on
//     the server; the browser never sees the key, and never reaches the Backend API).
// Run it with `pnpm start` in apps/react-example (it builds the app first).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type BackendClient, createBackendClient, isInvitekitApiError } from '@invitekit/client';
import { bearer, mintToken, verifyToken } from './dev-auth.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const serverDir = resolve(appDir, '../server');

export interface DemoOptions {
  /** Public port (0 picks a free one). */
  port?: number;
  /** Port of the standalone Invitekit server behind the demo (default 0: a free one). */
  invitekitPort?: number;
  host?: string;
  /** PGlite folder (default apps/react-example/.invitekit). */
  dataDir?: string;
  /** Built app folder (default apps/react-example/dist). */
  staticDir?: string;
  log?: (line: string) => void;
}

export interface RunningDemo {
  url: string;
  /** The standalone server behind the demo (for tests). */
  invitekitUrl: string;
  stop(): Promise<void>;
}

export const DEMO_ADMIN = { email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' };
export const DEMO_ORG = { name: 'Acme', slug: 'acme' };

/** Starts the standalone server as a child process and resolves with its URL once it listens. */
async function startInvitekit(env: NodeJS.ProcessEnv, publicUrl: string, log: (line: string) => void) {
  const child = spawn(process.execPath, ['--conditions=invitekit-source', '--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  // Never leave the server behind when the demo exits, however it exits (short of SIGKILL).
  const orphanGuard = () => child.kill('SIGTERM');
  process.once('exit', orphanGuard);
  void exited.then(() => process.off('exit', orphanGuard));
  const url = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { url?: string; msg?: string; link?: string };
        if (entry.url && /listening/i.test(entry.msg ?? '')) done(entry.url);
        // The mailbox is read through the demo's port, like everything else.
        const msg = (entry.msg ?? line).replace(
          /http:\/\/127\.0\.0\.1:\d+\/dev\/mailbox/,
          `${publicUrl}/dev/mailbox`,
        );
        log(`[invitekit] ${msg}${entry.link ? ` ${entry.link}` : ''}`);
      } catch {
        log(`[invitekit] ${line}`);
      }
    });
    child.stderr!.on('data', (chunk) => log(`[invitekit] ${String(chunk).trimEnd()}`));
    void exited.then((code) =>
      fail(new Error(`the Invitekit server exited (code ${code}) before listening`)),
    );
  });
  return { child, url, exited };
}

/** Seeds the demo's admin and organization, once per data folder. */
async function seed(backend: BackendClient) {
  let [admin] = await backend.users.list({ email_address: [DEMO_ADMIN.email] });
  admin ??= await backend.users.create({
    email_address: [DEMO_ADMIN.email],
    first_name: DEMO_ADMIN.firstName,
    last_name: DEMO_ADMIN.lastName,
  });
  try {
    await backend.organizations.get(DEMO_ORG.slug);
  } catch (error) {
    if (!isInvitekitApiError(error) || error.status !== 404) throw error;
    await backend.organizations.create({ ...DEMO_ORG, created_by: admin.id });
  }
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

const clerkError = (code: string, message: string) => ({
  errors: [{ code, message, long_message: message }],
});

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const log = options.log ?? ((line: string) => console.log(line));
  const host = options.host ?? '127.0.0.1';
  const staticDir = options.staticDir ?? join(appDir, 'dist');
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`No built app in ${staticDir}: run \`vite build\` first (pnpm start does).`);
  }
  const secretKey = `sk_demo_${randomBytes(18).toString('base64url')}`;
  const jwtSecret = randomBytes(32).toString('base64url');

  // The public server listens first: the server's accept links must point at it.
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(options.port ?? 3100, host, done));
  const address = server.address();
  const url = `http://${host}:${typeof address === 'object' && address ? address.port : options.port}`;

  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const invitekit = await startInvitekit(
    {
      ...inherited,
      NODE_ENV: 'development',
      PORT: String(options.invitekitPort ?? 0),
      HOST: '127.0.0.1',
      LOG_FORMAT: 'json', // read line by line below
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      INVITEKIT_SECRET_KEY: secretKey,
      INVITEKIT_JWT_SECRET: jwtSecret,
      INVITEKIT_ACCEPT_URL: `${url}/accept`,
      INVITEKIT_DATA_DIR: options.dataDir ?? join(appDir, '.invitekit'),
    },
    url,
    log,
  ).catch((error) => {
    server.close();
    throw error;
  });
  const backend = createBackendClient({ baseUrl: invitekit.url, secretKey });
  await seed(backend);

  /** The signed-in demo user, or a 401 already written. */
  const signedIn = (req: IncomingMessage, res: ServerResponse) => {
    const claims = verifyToken(jwtSecret, bearer(req.headers.authorization));
    if (!claims) json(res, 401, clerkError('authentication_invalid', 'Sign in first.'));
    return claims;
  };

  const routes: Record<
    string,
    (req: IncomingMessage, res: ServerResponse, match: RegExpMatchArray) => Promise<void>
  > = {
    // Pretend sign-in: whoever types an address is that person, with it verified. Development only.
    'POST /demo/sign-in': async (req, res) => {
      const { email } = JSON.parse(String(await readBody(req)) || '{}') as { email?: unknown };
      if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email.trim())) {
        return json(res, 422, clerkError('form_param_format_invalid', 'Enter an email address.'));
      }
      const address = email.trim().toLowerCase();
      let [user] = await backend.users.list({ email_address: [address] });
      user ??= await backend.users.create({ email_address: [address], first_name: address.split('@')[0] });
      json(res, 200, {
        token: mintToken(jwtSecret, { id: user.id, email: address }),
        user: { id: user.id, email_address: address, first_name: user.first_name, last_name: user.last_name },
      });
    },
    // The organizations the signed-in user belongs to (the demo has one), with their role in each.
    'GET /demo/organizations': async (req, res) => {
      const claims = signedIn(req, res);
      if (!claims) return;
      const org = await backend.organizations.get(DEMO_ORG.slug);
      const members = await backend.memberships.list(org.id, { limit: 500 });
      const mine = members.data.find((m) => m.public_user_data.user_id === claims.sub);
      json(res, 200, mine ? [{ id: org.id, name: org.name, slug: org.slug, role: mine.role }] : []);
    },
    // An organization's members, for its members only.
    'GET /demo/organizations/:id/members': async (req, res, match) => {
      const claims = signedIn(req, res);
      if (!claims) return;
      const members = await backend.memberships.list(decodeURIComponent(match[1]!), { limit: 500 });
      if (!members.data.some((m) => m.public_user_data.user_id === claims.sub)) {
        return json(res, 403, clerkError('not_a_member_in_organization', 'Only members see the members.'));
      }
      json(
        res,
        200,
        members.data.map((m) => ({
          id: m.id,
          user_id: m.public_user_data.user_id,
          identifier: m.public_user_data.identifier,
          first_name: m.public_user_data.first_name,
          last_name: m.public_user_data.last_name,
          role: m.role,
          role_name: m.role_name,
          created_at: m.created_at,
        })),
      );
    },
  };
  const routeTable = Object.entries(routes).map(([key, handler]) => {
    const [method, path] = key.split(' ') as [string, string];
    return { method, pattern: new RegExp(`^${path.replace(/:\w+/g, '([^/]+)')}$`), handler };
  });

  async function proxy(req: IncomingMessage, res: ServerResponse) {
    const body =
      req.method === 'GET' || req.method === 'HEAD' ? undefined : new Uint8Array(await readBody(req));
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'accept']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(`${invitekit.url}${req.url}`, { method: req.method, headers, body });
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) {
        out[name] = value;
      }
    });
    res.writeHead(answer.status, out);
    res.end(Buffer.from(await answer.arrayBuffer()));
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse) {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', url).pathname);
    let file = resolve(staticDir, `.${pathname}`);
    if (!file.startsWith(staticDir) || !existsSync(file) || !statSync(file).isFile()) {
      file = join(staticDir, 'index.html'); // client-side routes
    }
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'cache-control': file.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(file).pipe(res);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const handle = async () => {
      for (const route of routeTable) {
        const match = path.match(route.pattern);
        if (match && route.method === req.method) return route.handler(req, res, match);
      }
      if (path.startsWith('/frontend/') || path.startsWith('/dev/mailbox')) return proxy(req, res);
      if (req.method === 'GET' || req.method === 'HEAD') return serveStatic(req, res);
      json(res, 404, clerkError('resource_not_found', 'Not found.'));
    };
    handle().catch((error: unknown) => {
      log(`[demo] ${req.method} ${path} failed: ${error instanceof Error ? error.stack : String(error)}`);
      if (isInvitekitApiError(error)) return json(res, error.status, { errors: error.errors });
      if (!res.headersSent) json(res, 500, clerkError('internal_error', 'The demo server failed.'));
      else res.destroy();
    });
  });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      if (invitekit.child.exitCode === null) {
        invitekit.child.kill('SIGTERM');
        await invitekit.exited;
      }
    })();
    return stopped;
  };
  return { url, invitekitUrl: invitekit.url, stop };
}

/** A port from the environment, or a clear message naming the variable. */
function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    console.error(`${name} must be a port number (0-65535), got ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return port;
}

// `node scripts/demo.ts`: run until Ctrl-C. PORT (default 3100) and HOST (default 127.0.0.1) for the
// demo, INVITEKIT_PORT (default: a free one) for the standalone server behind it.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const demo = await startDemo({
    port: portFromEnv('PORT', 3100),
    host: process.env.HOST || undefined,
    invitekitPort: portFromEnv('INVITEKIT_PORT', 0),
  });
  console.log(`
Invitekit React example: ${demo.url}
  1. Sign in as ${DEMO_ADMIN.email} (admin of ${DEMO_ORG.name}) and invite someone.
  2. Open the invitation email at ${demo.url}/dev/mailbox and follow its link.
  3. Sign in as the invited address and accept; the members page lists them.
(Development only: sign-in takes any address, no password.)
`);
  const shutdown = () => void demo.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
