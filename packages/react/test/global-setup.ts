import { createServer } from 'node:http';
import type { TestProject } from 'vitest/node';
import { startStandalone } from '../../../test/support/standalone.js';

// The server runs here, in Node, outside the jsdom environment the hooks render in (PGlite does not run
// under jsdom's globals). A second, test-only listener moves the server's clock: POST /clock?offset_ms=N.

declare module 'vitest' {
  export interface ProvidedContext {
    invitekitUrl: string;
    clockUrl: string;
  }
}

export default async function setup(project: TestProject) {
  let offset = 0;
  const server = await startStandalone({ clockOffsetMs: () => offset });
  const clock = createServer((req, res) => {
    offset = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('offset_ms') ?? 0);
    res.end('ok');
  });
  await new Promise<void>((done) => clock.listen(0, '127.0.0.1', done));
  const address = clock.address();
  project.provide('invitekitUrl', server.url);
  project.provide(
    'clockUrl',
    `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
  );
  return async () => {
    await new Promise<void>((done) => clock.close(() => done()));
    await server.stop();
  };
}
