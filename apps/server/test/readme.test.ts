import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedFromEnv, startFromEnv } from './zero-config.js';

// The root README's walk-through, run as written: its start command's settings start the server (on a
// free port), and its shell blocks run in one bash, with `BASE` (which the README tells the reader to set
// to the server's address) pointed at that server. Nothing else is changed, so the README cannot drift.

const root = fileURLToPath(new URL('../../..', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');

/** The `sh` blocks under the walk-through heading, up to the next heading of the same or a higher level. */
function walkThrough(): string[] {
  const start = readme.indexOf('### Walk-through');
  expect(start).toBeGreaterThan(-1);
  const rest = readme.slice(readme.indexOf('\n', start) + 1);
  const end = rest.search(/^#{1,3} /m);
  const section = end === -1 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

function run(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const bash = spawn('bash', ['-c', `set -euo pipefail\n${script}`], {
      cwd: root,
      env: { ...process.env },
    });
    let stdout = '';
    let stderr = '';
    bash.stdout.on('data', (d) => (stdout += d));
    bash.stderr.on('data', (d) => (stderr += d));
    bash.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('README walk-through', () => {
  let server: StartedFromEnv;
  let blocks: string[];

  beforeAll(async () => {
    blocks = walkThrough();
    // The first block starts the server: `NAME=value … npx -y pnpm@10 start`.
    const [startBlock, ...rest] = blocks;
    const start = /^((?:[A-Z_]+=\S+ )+)npx -y pnpm@10 start$/m.exec(startBlock!);
    expect(start, 'the walk-through starts with the start command').not.toBeNull();
    const env = Object.fromEntries(
      start![1]!
        .trim()
        .split(/\s+/)
        .map((kv) => kv.split('=', 2) as [string, string]),
    );
    server = await startFromEnv(env);
    blocks = rest;
  }, 60_000);
  afterAll(() => server?.close());

  it('ends with an accepted invitation and a membership', async () => {
    const script = blocks.join('\n');
    expect(script).toMatch(/^BASE=http:\/\/localhost:3000$/m);
    const { code, stdout, stderr } = await run(script.replace(/^BASE=.*$/m, `BASE=${server.url}`));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/accept-invitation\?invitation_token=orginv_/);
    expect(lines.slice(1)).toEqual(['accepted', 'bob@example.com org:member', 'ada@example.com org:admin']);

    // And the server agrees.
    const orgs = await server.api('GET', '/v1/organizations');
    const acme = orgs.body.data.find((o: { name: string }) => o.name === 'Acme');
    const members = await server.api('GET', `/v1/organizations/${acme.id}/memberships`);
    expect(members.body.total_count).toBe(2);
  }, 60_000);
});
