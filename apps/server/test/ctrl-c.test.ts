import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * `npx -y pnpm@10 start` from the repository root, as the README says, stopped as a terminal's Ctrl-C
 * does: SIGINT to the whole process group (npx, both pnpm processes, their shells, node). The server stops
 * cleanly and neither npm nor pnpm has anything to complain about.
 */
it('pnpm start ends cleanly on Ctrl-C: "stopped", no ELIFECYCLE, no npm config warning', async () => {
  const child = spawn('npx', ['-y', 'pnpm@10', 'start'], {
    cwd: root,
    detached: true, // its own process group, as under a terminal
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      INVITEKIT_DATA_DIR: 'memory://',
      INVITEKIT_SECRET_KEY: 'sk_ctrl_c',
      DATABASE_URL: '',
      LOG_FORMAT: 'json',
    },
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      if (out.includes('Invitekit listening on')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`exited before listening:\n${out}`)));
  });
  process.kill(-child.pid!, 'SIGINT');
  await exited;
  await new Promise((r) => setTimeout(r, 200)); // the last output of the group
  expect(out).toContain('"msg":"stopped"');
  expect(out).not.toContain('ELIFECYCLE');
  expect(out).not.toContain('ERR_PNPM');
  expect(out).not.toContain('Unknown project config');
}, 180_000);
