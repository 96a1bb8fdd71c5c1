// Runs the standalone server for tests in its own Node process, reading workspace packages from source
// (`node --conditions=invitekit-source --import tsx`). Vitest's globalSetup does not apply custom export
// conditions (vitest-dev/vitest#9429), and PGlite does not run under jsdom, so hook tests use this.
// Prints one JSON line `{ url, clockUrl }`; POST <clockUrl>/clock?offset_ms=N moves the server's clock.
import { createServer } from 'node:http';
import { startStandalone } from './standalone.js';

let offset = 0;
// INVITEKIT_STANDALONE_ENV: JSON of extra environment variables for the server (standalone-spawn.ts).
const env = JSON.parse(process.env.INVITEKIT_STANDALONE_ENV ?? '{}') as Record<string, string>;
const server = await startStandalone({ clockOffsetMs: () => offset, env });
const clock = createServer((req, res) => {
  offset = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('offset_ms') ?? 0);
  res.end('ok');
});
await new Promise<void>((done) => clock.listen(0, '127.0.0.1', done));
const address = clock.address();
const clockUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
process.stdout.write(`${JSON.stringify({ url: server.url, clockUrl })}\n`);

const stop = async () => {
  clock.close();
  await server.stop();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// Never outlive the test run that started us.
process.stdin.resume();
process.stdin.once('end', stop);
