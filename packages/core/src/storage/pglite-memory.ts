import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * PostgreSQL settings of the embedded database, sized for one process serving one application rather than
 * PostgreSQL's server defaults. PGlite runs PostgreSQL inside a WebAssembly memory that grows but never
 * shrinks, so every buffer sized here is paid for as long as the process lives. shared_buffers is by far
 * the largest (128MB by default: 105 MB of resident memory at start alone); the data files stay in the
 * operating system's page cache, so pages evicted from the smaller pool are re-read from memory, not disk
 * (bench/README.md, "Memory", measures the cost).
 */
export const PGLITE_DEFAULT_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
  // PGlite is one session: there are no other backends to give slots, locks or WAL buffers to.
  max_connections: '10',
  wal_buffers: '512kB',
  temp_buffers: '2MB',
  // Index builds (migrations) need no more on an application's tables; PostgreSQL's default is 64MB.
  maintenance_work_mem: '16MB',
  // A new 16 MB WAL segment is created without writing 16 MB of zeros into it (only its last byte), as
  // PostgreSQL advises for copy-on-write file systems. Through PGlite, each zero-fill held another 16 MB of
  // this process's memory while it ran: the create load's peak (bench/README.md, "Memory").
  wal_init_zero: 'off',
};

/** PGlite's start parameters: its own defaults, then the settings (the defaults above, overridden by any given). */
export function pgliteStartParams(
  defaults: readonly string[],
  settings: Readonly<Record<string, string | number>> = {},
): string[] {
  const merged = { ...PGLITE_DEFAULT_SETTINGS, ...settings };
  for (const name of Object.keys(merged)) {
    if (!/^[a-z_][a-z0-9_.]*$/i.test(name)) throw new Error(`Invitekit: invalid PGlite setting name ${name}`);
  }
  return [...defaults, ...Object.entries(merged).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
}

/**
 * Creates a new on-disk database (initdb) in a short-lived child process, when `dataDir` holds none yet.
 * PGlite runs initdb in two extra WebAssembly instances, and what they allocate stays with the process
 * that ran them: in this one, the server idled at 550 MB after its first start and 220 MB after later
 * ones; in a worker thread, 390 MB (the allocator keeps the thread's freed memory). A child process gives
 * all of it back when it exits; this process then opens the database as on any later start. Where no
 * child process can be started, PGlite creates the database in this process as before.
 */
export async function initPgliteInChild(dataDir: string, startParams: string[]): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  // Resolved here, so the child loads the same PGlite as this module would.
  const pglite = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  const script = `const [pglite, dataDir, params] = process.argv.slice(1);
    const m = await import(pglite);
    const db = await (m.PGlite ?? m.default.PGlite).create(dataDir, { startParams: JSON.parse(params) });
    await db.close();`;
  // spawn() passes none of this process's node flags (a TypeScript loader, an inspector port) on.
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', script, pglite, dataDir, JSON.stringify(startParams)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code === null) return; // could not spawn: PGlite.create in this process runs initdb instead
  if (code !== 0)
    throw new Error(`Invitekit: creating the PGlite database in ${dataDir} failed: ${stderr.trim()}`);
}
