import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20',
  external: [/^@invitekit\/core/, /^@nestjs\//, 'reflect-metadata', /^rxjs/],
});
