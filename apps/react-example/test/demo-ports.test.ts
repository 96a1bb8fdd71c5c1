import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { startDemo } from '../scripts/demo.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

it('serves the demo and the server behind it on the ports asked for', async () => {
  const work = mkdtempSync(join(tmpdir(), 'invitekit-demo-ports-'));
  // The port wiring only needs an index.html; the real build is the end-to-end test's.
  writeFileSync(join(work, 'index.html'), '<!doctype html><title>demo</title>');
  const [port, invitekitPort] = [await freePort(), await freePort()];
  const demo = await startDemo({ port, invitekitPort, dataDir: 'memory://', staticDir: work, log: () => {} });
  try {
    expect(demo.url).toBe(`http://127.0.0.1:${port}`);
    expect(demo.invitekitUrl).toBe(`http://127.0.0.1:${invitekitPort}`);
    expect((await fetch(`${demo.url}/accept`)).status).toBe(200);
    expect((await fetch(`${demo.invitekitUrl}/healthz`)).status).toBe(200);
  } finally {
    await demo.stop();
    rmSync(work, { recursive: true, force: true });
  }
}, 120_000);

it('names the variable when a port is wrong', async () => {
  const child = spawn(
    process.execPath,
    ['--conditions=invitekit-source', '--import', 'tsx', 'scripts/demo.ts'],
    {
      cwd: appDir,
      env: { ...process.env, INVITEKIT_PORT: 'auto' },
    },
  );
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  expect(code).toBe(1);
  expect(out).toContain('INVITEKIT_PORT must be a port number (0-65535), got "auto"');
}, 60_000);
