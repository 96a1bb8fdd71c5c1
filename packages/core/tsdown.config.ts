import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20',
  // the migrator finds the committed SQL next to the package, from ESM and CJS alike
  shims: true,
});
