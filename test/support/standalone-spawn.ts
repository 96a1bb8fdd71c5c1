import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Starts test/support/standalone-process.ts; resolves once it listens. `env` sets the server's extra
 * environment variables (e.g. DATABASE_URL, so several processes share one PostgreSQL database).
 */
export async function spawnStandalone(
  env: Record<string, string> = {},
): Promise<{ url: string; clockUrl: string; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--conditions=invitekit-source', '--import', 'tsx', 'test/support/standalone-process.ts'],
    {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, INVITEKIT_STANDALONE_ENV: JSON.stringify(env) },
    },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const ready = await new Promise<{ url: string; clockUrl: string }>((done, fail) => {
    createInterface({ input: child.stdout! }).once('line', (line) => done(JSON.parse(line)));
    void exited.then(() => fail(new Error('the test server exited before it listened')));
  });
  return {
    ...ready,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
