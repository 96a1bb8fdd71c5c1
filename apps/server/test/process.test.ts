import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));

/** The server's pino log, one JSON object a line. */
const logLines = (out: string): { level: number; msg: string }[] =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

/** Starts the real server process on a fresh embedded database and waits for its "listening" log line. */
async function spawnServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'invitekit-'));
  const child = spawn(process.execPath, ['--conditions=invitekit-source', '--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      INVITEKIT_DATA_DIR: dataDir,
      INVITEKIT_SECRET_KEY: 'sk_proc',
      DATABASE_URL: '',
    },
  });
  const output = { out: '', err: '' };
  child.stdout.on('data', (d) => {
    output.out += d;
  });
  child.stderr.on('data', (d) => {
    output.err += d;
  });
  const cleanup = () => {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start: ${output.out}${output.err}`)), 60_000);
      child.stdout.on('data', () => {
        const m = /"url":"(http:[^"]+)"/.exec(output.out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    return { child, url, output, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}

describe('the server process', () => {
  it('starts on the embedded database, serves, logs JSON and shuts down cleanly on SIGTERM', async () => {
    const { child, url, output, cleanup } = await spawnServer();
    try {
      const res = await fetch(`${url}/v1/organizations`, { headers: { authorization: 'Bearer sk_proc' } });
      expect(res.status).toBe(200);
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const logs = logLines(output.out);
      expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
    } finally {
      cleanup();
    }
  }, 90_000); // a limit for a busy machine (starting a process, PGlite, tsx), not a measurement

  it('stops promptly and cleanly on SIGTERM while under keep-alive load', async () => {
    const { child, url, output, cleanup } = await spawnServer();
    try {
      let running = true;
      let served = 0;
      const workers = Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; running; i++) {
          try {
            const res = await fetch(`${url}/v1/invitations`, {
              method: 'POST',
              headers: { authorization: 'Bearer sk_proc', 'content-type': 'application/json' },
              body: JSON.stringify({ email_address: `load-${w}-${i}@example.com` }),
            });
            expect(res.status).toBe(200);
            await res.arrayBuffer();
            served++;
          } catch (err) {
            if (err instanceof Error && err.name === 'AssertionError') throw err;
            return; // the server has gone: connection refused or reset
          }
        }
      });
      while (served < 20) await new Promise((r) => setTimeout(r, 20));
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      const signalled = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(4_000);
      running = false;
      await Promise.all(workers);
      const errors = logLines(output.out).filter((l) => l.level >= 50);
      expect(errors).toEqual([]);
    } finally {
      cleanup();
    }
  }, 90_000); // a limit for a busy machine (starting a process, PGlite, tsx), not a measurement

  it('reads its configuration from the environment', () => {
    const c = configFromEnv({ PORT: '8080', INVITEKIT_SECRET_KEY: 'a, b', DATABASE_URL: 'postgres://x/y' });
    expect(c.port).toBe(8080);
    expect(c.invitekit.secretKeys).toEqual(['a', 'b']);
    expect(c.invitekit.database).toMatchObject({ url: 'postgres://x/y' });
    const dev = configFromEnv({});
    expect(dev.generatedKey).toMatch(/^sk_dev_/);
    expect(dev.invitekit.database).toEqual({ dataDir: './.invitekit' });
    expect(() => configFromEnv({ NODE_ENV: 'production' })).toThrow(/INVITEKIT_SECRET_KEY/);
    expect(() => configFromEnv({ PORT: 'abc', INVITEKIT_SECRET_KEY: 'k' })).toThrow(/PORT/);
  });
});
