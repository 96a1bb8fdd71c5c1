// The cost of @invitekit/react in an app bundle: the built ESM output, minified and gzipped, alone and
// together with @invitekit/client (its one dependency). React and TanStack Query are peers, not counted.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'tsdown';

const here = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${here}.size`;
const peers = ['@tanstack/react-query', 'react', 'react/jsx-runtime', 'react-dom'];

async function measure(label, external, entry = `${here}dist/index.js`) {
  rmSync(outDir, { recursive: true, force: true });
  await build({
    cwd: here,
    config: false,
    entry: { index: entry },
    outDir,
    format: ['esm'],
    platform: 'neutral',
    minify: true,
    dts: false,
    logLevel: 'silent',
    external,
    noExternal: (id) => !external.includes(id),
  });
  const code = readFileSync(`${outDir}/index.js`);
  const gzip = gzipSync(code, { level: 9 }).length;
  console.log(
    `${label}: ${(code.length / 1024).toFixed(2)} kB minified, ${(gzip / 1024).toFixed(2)} kB gzip`,
  );
  return gzip;
}

await measure('@invitekit/react', [...peers, '@invitekit/client']);
await measure('@invitekit/react + @invitekit/client', peers);
// Tree-shaking: an accept page that imports only the provider and useInvitation.
const only = `${here}.size-entry/only-accept-page.js`;
mkdirSync(`${here}.size-entry`, { recursive: true });
writeFileSync(only, `export { InvitekitProvider, useInvitation } from '${here}dist/index.js';\n`);
await measure('only InvitekitProvider + useInvitation, with the client', peers, only);
rmSync(outDir, { recursive: true, force: true });
rmSync(`${here}.size-entry`, { recursive: true, force: true });
