import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readQuickStart } from './readme-snippets.js';
import { freePort, Running, run } from './scratch.js';

/**
 * Every package README's quick start, as a user meets it: the packages are packed (`pnpm pack`), the
 * README's `npm install` line installs the tarballs into a fresh project outside the workspace (exports
 * maps and peer dependencies resolved by npm, as for a user), `tsc --strict` compiles each snippet, and
 * each one runs as written.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const PACKAGES = ['core', 'express', 'nestjs', 'client', 'react'] as const;
const SECRET = 'sk_test_quickstart';
/** enableShutdownHooks closes the app, then re-raises the signal: the process ends by SIGTERM. */
const NEST_SIGTERM_EXIT = 'SIGTERM';
const pnpm = (args: string[], cwd = ROOT) =>
  run('npx', ['-y', 'pnpm@10', ...args], { cwd, timeout: 300_000 });

const quick = Object.fromEntries(
  PACKAGES.map((name) => [name, readQuickStart(join(ROOT, 'packages', name, 'README.md'))]),
) as Record<(typeof PACKAGES)[number], ReturnType<typeof readQuickStart>>;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    jsx: 'react-jsx',
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    noEmit: true,
    types: ['node'],
  },
  include: ['*/main.ts', '*/main.tsx', '*/main.mts', 'react/render.tsx'],
};

/** Installs, with the README's own install lines, the tarballs in place of the `@invitekit/*` names. */
async function npmInstall(dir: string, specs: string[], tarballs: Map<string, string>, dev: string[]) {
  const resolved = [...new Set(specs)].map((spec) => tarballs.get(spec) ?? spec);
  // One resolution for both (a second `npm install -D` would resolve the whole tree again); npm's peer
  // checks are the same: an ERESOLVE fails here.
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...resolved, ...dev], {
    cwd: dir,
  });
}

/** A snippet in its own folder (its own ./.invitekit), with a tsconfig tsx finds from there. */
function place(project: string, name: string, file: string, code: string) {
  const dir = join(project, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json' }));
  writeFileSync(join(dir, file), code);
  return dir;
}

describe('the package READMEs quick starts, installed from packed tarballs', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'invitekit-quickstarts-'));
  const project = join(scratch, 'app');
  const tarballs = new Map<string, string>();
  // `node --import tsx`: one process, so a signal reaches the snippet's own handlers directly.
  const tsx = process.execPath;
  const TSX = ['--import', 'tsx'];

  beforeAll(async () => {
    await run(
      join(ROOT, 'node_modules/.bin/turbo'),
      ['run', 'build', '--filter=./packages/*', '--output-logs=errors-only'],
      {
        cwd: ROOT,
        timeout: 300_000,
      },
    );
    const packs = join(scratch, 'packs');
    for (const name of PACKAGES)
      await pnpm(['pack', '--pack-destination', packs], join(ROOT, 'packages', name));
    for (const file of readdirSync(packs)) {
      const name = file.replace(/^invitekit-(\w+)-.*\.tgz$/, '@invitekit/$1');
      tarballs.set(name, join(packs, file));
    }
    expect([...tarballs.keys()].sort()).toEqual(PACKAGES.map((p) => `@invitekit/${p}`).sort());

    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module' }),
    );
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    // The snippets' own dependencies only: what each README's install line names.
    await npmInstall(
      project,
      PACKAGES.flatMap((p) => quick[p].install),
      tarballs,
      // The user's tooling, and react-dom to render the React snippet.
      [
        'typescript@~5.9',
        'tsx',
        '@types/node@20',
        '@types/express',
        '@types/react',
        'react-dom',
        '@types/react-dom',
      ],
    );
    for (const name of PACKAGES) {
      place(project, name, `main.${quick[name].lang}`, quick[name].code);
    }
    // A CommonJS project (npm init -y), per the README note: the same file named .mts.
    const cjs = place(project, 'core-cjs', 'main.mts', quick.core.code);
    writeFileSync(join(cjs, 'package.json'), JSON.stringify({ name: 'cjs', private: true }));
    // Renders the React snippet's components, as an app would.
    writeFileSync(
      join(project, 'react', 'render.tsx'),
      `import { renderToString } from 'react-dom/server';
import { AcceptPage, PendingInvitations, Root } from './main.js';
const session = { userId: null, getToken: async () => null };
console.log(renderToString(<Root session={session}><PendingInvitations orgId="org_1" /><AcceptPage token="t" /></Root>));
`,
    );
  }, 600_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }), 300_000);

  it('the tarballs hold every file their exports maps name, and no source condition', async () => {
    for (const name of PACKAGES) {
      const pkg = join(project, 'node_modules/@invitekit', name);
      const manifest = (await import(join(pkg, 'package.json'), { with: { type: 'json' } })).default;
      const targets = JSON.stringify(manifest.exports).match(/"\.\/[^"]+"/g) ?? [];
      expect(JSON.stringify(manifest.exports)).not.toContain('invitekit-source');
      for (const target of targets) {
        await expect(
          import('node:fs/promises').then((fs) => fs.access(join(pkg, JSON.parse(target)))),
        ).resolves.toBeUndefined();
      }
    }
    // require() resolves every package through its CommonJS build (NestJS 12 itself loads through require(esm)).
    const { stdout } = await run(
      'node',
      [
        '-e',
        `for (const p of ${JSON.stringify(PACKAGES)}) console.log(p, typeof require('@invitekit/' + p))`,
      ],
      { cwd: project },
    );
    expect(stdout.trim().split('\n')).toEqual(PACKAGES.map((p) => `${p} object`));
  });

  it('compiles every snippet with tsc --strict, and the packages declarations with them', async () => {
    // skipLibCheck off, so the published .d.ts files are checked as a user's stricter setup would;
    // errors in other libraries' declarations (drizzle-orm's optional drivers) are theirs and left out.
    const tsc = join(project, 'node_modules/.bin/tsc');
    const result = await run(tsc, ['-p', '.', '--skipLibCheck', 'false', '--pretty', 'false'], {
      cwd: project,
    }).then(
      () => '',
      (err: Error) => err.message,
    );
    const ours = result
      .split('\n')
      .filter((line) => /error TS\d+/.test(line))
      .filter((line) => !line.startsWith('node_modules/') || line.startsWith('node_modules/@invitekit/'));
    expect(ours).toEqual([]);
  }, 300_000);

  it('core: creates an invitation, sends its email through start(), and closes', async () => {
    for (const [dir, file] of [
      ['core', 'main.ts'],
      ['core-cjs', 'main.mts'],
    ] as const) {
      const { stdout, stderr } = await run(tsx, [...TSX, file], { cwd: join(project, dir) });
      const out = stdout + stderr;
      expect(out).toMatch(/invited bob@example\.com: http:\/\/\S+invitation_token=/);
      expect(out).toMatch(/^200 /m);
      // Delivery ran: the development mailer logged the accept link before close() returned.
      expect(out).toMatch(/dev mailer: invitation email to bob@example\.com; accept link http/);
    }
  }, 300_000);

  it('express + client: serves, sends email, answers the client snippet, and shuts down on SIGTERM', async () => {
    const port = await freePort();
    const server = new Running(tsx, [...TSX, 'main.ts'], {
      cwd: join(project, 'express'),
      env: { PORT: String(port), INVITEKIT_SECRET_KEY: SECRET },
    });
    try {
      await server.waitFor(/Invitekit on http:\/\/localhost:\d+\/invitekit/);
      const client = await run(tsx, [...TSX, 'main.ts'], {
        cwd: join(project, 'client'),
        env: { INVITEKIT_URL: `http://127.0.0.1:${port}/invitekit`, INVITEKIT_SECRET_KEY: SECRET },
      });
      expect(client.stdout).toMatch(/invited bob@example\.com: http/);
      expect(client.stdout).toMatch(/^Acme: b\S*@example\.com \(pending\)$/m);
      expect(client.stdout).toContain('401 authentication_invalid');
      await server.waitFor(/dev mailer: invitation email to bob@example\.com; accept link http/);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    // Without a key, it says what to set.
    const missing = new Running(tsx, [...TSX, 'main.ts'], {
      cwd: join(project, 'express'),
      env: { INVITEKIT_SECRET_KEY: '' },
    });
    expect(await missing.exited).not.toBe(0);
    expect(missing.output).toContain('Set INVITEKIT_SECRET_KEY');
  }, 300_000);

  it('nestjs: boots on NestJS as npm installs it, logs real class names, shuts down on SIGTERM', async () => {
    const port = await freePort();
    const app = new Running(tsx, [...TSX, 'main.ts'], {
      cwd: join(project, 'nestjs'),
      env: { PORT: String(port), INVITEKIT_SECRET_KEY: SECRET },
    });
    try {
      await app.waitFor(/Invitekit on http:\/\/\S+\/invitekit/);
      expect(app.output).toMatch(/InvitekitModule dependencies initialized/);
      expect(app.output).toMatch(/Mapped \{\/invitekit\/\*invitekitPath, ALL\} route/);
      expect(app.output).not.toMatch(/\w\$\d/);
      const res = await fetch(`http://127.0.0.1:${port}/invitekit/v1/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email_address: ['ada@example.com'] }),
      });
      expect(res.status).toBe(200);
    } finally {
      expect(await app.stop('SIGTERM')).toBe(NEST_SIGTERM_EXIT);
    }
    const { stdout } = await run('npm', ['ls', '@nestjs/core', '--depth=0'], { cwd: project });
    expect(stdout).toMatch(/@nestjs\/core@12\./);
  }, 300_000);

  it('react: renders the quick start components', { timeout: 120_000 }, async () => {
    const { stdout } = await run(tsx, [...TSX, 'render.tsx'], { cwd: join(project, 'react') });
    expect(stdout).toContain('Loading…');
  });

  // NestJS 11 (Express 5) and 10 (Express 4): the older majors the peer range still names.
  it.each([11, 10])(
    'nestjs: the packed package still works on NestJS %i',
    async (major) => {
      const nest11 = join(scratch, `nest${major}`);
      mkdirSync(nest11);
      writeFileSync(
        join(nest11, 'package.json'),
        JSON.stringify({ name: 'nest11', private: true, type: 'module' }),
      );
      writeFileSync(join(nest11, 'tsconfig.json'), JSON.stringify(TSCONFIG));
      const specs = quick.nestjs.install.map((s) => (s.startsWith('@nestjs/') ? `${s}@^${major}` : s));
      await npmInstall(nest11, specs, tarballs, ['tsx']);
      writeFileSync(join(nest11, 'main.ts'), quick.nestjs.code);
      const port = await freePort();
      const app = new Running(process.execPath, [...TSX, 'main.ts'], {
        cwd: nest11,
        env: { PORT: String(port), INVITEKIT_SECRET_KEY: SECRET },
      });
      try {
        await app.waitFor(/Invitekit on http:\/\/\S+\/invitekit/);
        const res = await fetch(`http://127.0.0.1:${port}/invitekit/healthz`);
        expect(res.status).toBe(200);
        const malformed = await fetch(`http://127.0.0.1:${port}/invitekit/v1/users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
          body: '{"email_address":',
        });
        expect(malformed.status).toBe(400);
        expect(((await malformed.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe(
          'malformed_request_body',
        );
      } finally {
        expect(await app.stop('SIGTERM')).toBe(NEST_SIGTERM_EXIT);
      }
      const { stdout } = await run('npm', ['ls', '@nestjs/core', '--depth=0'], { cwd: nest11 });
      expect(stdout).toMatch(new RegExp(`@nestjs/core@${major}\\.`));
    },
    300_000,
  );
});
