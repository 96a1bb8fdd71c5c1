import { defineConfig } from 'tsdown';

// The server also runs from a build (`start:dist`): plain node, no TypeScript loader in the process.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: false,
});
