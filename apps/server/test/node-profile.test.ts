import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const launcher = fileURLToPath(new URL('../scripts/node-profile.sh', import.meta.url));

/** What node started by the launcher sees: its flags (before `-p`) and glibc's malloc settings. */
function started(env: Record<string, string>) {
  const { DATABASE_URL: _, MALLOC_ARENA_MAX: __, ...rest } = process.env;
  const out = execFileSync(
    'sh',
    [
      launcher,
      '-p',
      'JSON.stringify({ argv: process.execArgv, arenas: process.env.MALLOC_ARENA_MAX ?? null, pid: process.pid })',
    ],
    { env: { ...rest, ...env }, encoding: 'utf8' },
  );
  const seen = JSON.parse(out) as { argv: string[]; arenas: string | null };
  return { flags: seen.argv.slice(0, seen.argv.indexOf('-p')), arenas: seen.arenas };
}

describe('scripts/node-profile.sh (the start scripts’ launcher)', () => {
  it('runs the embedded database with the memory profile: one malloc arena, small young generation', () => {
    const { flags, arenas } = started({});
    expect(flags).toEqual([
      '--max-semi-space-size=2',
      '--heap-growing-percent=30',
      '--wasm-num-compilation-tasks=1',
    ]);
    expect(arenas).toBe('1');
  });

  it('runs PostgreSQL with the throughput profile and leaves malloc alone', () => {
    const { flags, arenas } = started({ DATABASE_URL: 'postgres://127.0.0.1/x' });
    expect(flags).toEqual(['--max-semi-space-size=8', '--heap-growing-percent=50']);
    expect(arenas).toBeNull();
  });

  it('keeps a malloc setting the operator chose', () => {
    expect(started({ MALLOC_ARENA_MAX: '4' }).arenas).toBe('4');
  });

  it('is what both start scripts run', () => {
    const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(scripts.start).toMatch(/^exec sh scripts\/node-profile\.sh .*src\/main\.ts$/);
    expect(scripts['start:dist']).toBe('exec sh scripts/node-profile.sh dist/main.js');
  });
});
