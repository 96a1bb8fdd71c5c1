import { defineConfig } from 'tsdown';

// Runs in browsers and in Node: no Node built-ins, no runtime dependencies.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'neutral',
  target: 'es2022',
});
