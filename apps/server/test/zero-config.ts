import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { configFromEnv } from '../src/config.js';
import { type RunningServer, startServer } from '../src/server.js';

export interface StartedFromEnv extends RunningServer {
  key: string;
  /** A Backend API call with the server's key; returns status and JSON body. */
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Stops the server and removes its data folder. */
  close(): Promise<void>;
}

/**
 * The standalone server as `pnpm start` makes it, from environment variables only (configFromEnv), on a
 * port the system picks, with an in-memory PGlite database (or a fresh data folder, `onDisk`).
 */
export async function startFromEnv(
  env: Record<string, string> = {},
  options: { onDisk?: boolean } = {},
): Promise<StartedFromEnv> {
  const dataDir = options.onDisk ? mkdtempSync(join(tmpdir(), 'invitekit-server-')) : null;
  const config = configFromEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    INVITEKIT_DATA_DIR: dataDir ?? 'memory://',
    ...env,
  });
  const running = await startServer(config, pino({ level: 'silent' }));
  const key = config.generatedKey ?? config.invitekit.secretKeys![0]!;
  return {
    ...running,
    key,
    async api<T = any>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${running.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as T };
    },
    async close() {
      await running.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The accept link of the newest email to `to` in the development mailbox, once the dispatcher sent it. */
export async function linkFromMailbox(baseUrl: string, to: string): Promise<string> {
  for (let i = 0; i < 150; i++) {
    const res = await fetch(`${baseUrl}/dev/mailbox.json`);
    const messages = (await res.json()) as { to: string; link: string | null }[];
    const message = messages.find((m) => m.to.includes(to));
    if (message?.link) return message.link;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no email to ${to} in the development mailbox`);
}

/** Ada, who administers Acme, as the README's walk-through creates them. */
export async function seedAcme(server: StartedFromEnv, name = 'Acme') {
  const ada = await server.api('POST', '/v1/users', {
    email_address: [`ada-${Date.now()}@example.com`],
    first_name: 'Ada',
    last_name: 'Lovelace',
  });
  const org = await server.api('POST', '/v1/organizations', { name, created_by: ada.body.id });
  return { adaId: ada.body.id as string, orgId: org.body.id as string };
}
