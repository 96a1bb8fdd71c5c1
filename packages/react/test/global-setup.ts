import type { TestProject } from 'vitest/node';
import { spawnStandalone } from '../../../test/support/standalone-spawn.js';

// The standalone server runs in its own Node process (see test/support/standalone-process.ts), outside
// the jsdom environment the hooks render in.

declare module 'vitest' {
  export interface ProvidedContext {
    invitekitUrl: string;
    clockUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await spawnStandalone();
  project.provide('invitekitUrl', server.url);
  project.provide('clockUrl', server.clockUrl);
  return () => server.stop();
}
