import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabases } from '../../../test/support/databases.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
/** Generous: the machine is shared; the point is that the process ends by itself, not how fast. */
const EXIT_DEADLINE_MS = 60_000;

function runApp(mode: 'close' | 'signal', env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['--conditions=invitekit-source', '--import', 'tsx', 'test/fixtures/shutdown-app.ts', mode],
    { cwd: packageDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const line = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = output.split('\n').find((l) => l.startsWith(prefix));
        if (found) resolve(found.slice(prefix.length).trim());
      };
      child.stdout.on('data', check);
      exited.then(() => reject(new Error(`exited before "${prefix}":\n${output}`)));
      check();
    });
  return { child, exited, line, output: () => output };
}

/** Resolves with the exit, or with 'still running' if the process outlives the deadline (then kills it). */
async function exitOrTimeout(child: ChildProcess, exited: Promise<unknown>) {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    exited,
    new Promise((resolve) => (timer = setTimeout(() => resolve('still running'), EXIT_DEADLINE_MS))),
  ]);
  clearTimeout(timer);
  if (result === 'still running') child.kill('SIGKILL');
  return result;
}

describe.each(testDatabases())('shutdown on $name', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await kind.create();
    env = 'url' in db.config && db.config.url ? { DATABASE_URL: db.config.url } : {};
  });
  afterAll(() => db?.drop());

  it('app.close() closes the database and leaves nothing open: the process ends by itself', async () => {
    const app = runApp('close', env);
    expect(await app.line('status ')).toBe('200');
    expect(await exitOrTimeout(app.child, app.exited)).toEqual({ code: 0, signal: null });
    expect(app.output()).toContain('database closed');
    expect(app.output()).toContain('app closed');
  }, 120_000);

  it('SIGTERM with enableShutdownHooks closes the database through the lifecycle hooks', async () => {
    const app = runApp('signal', env);
    const url = await app.line('listening ');
    const res = await fetch(`${url}/invitekit/healthz`);
    expect(await res.json()).toMatchObject({ status: 'ok' });
    app.child.kill('SIGTERM');
    // Nest re-raises the signal once its hooks have run.
    expect(await exitOrTimeout(app.child, app.exited)).toEqual({ code: null, signal: 'SIGTERM' });
    expect(app.output()).toContain('database closed');
  }, 120_000);
});
