import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20',
  external: [/^@invitekit\/core/, /^@nestjs\//, 'reflect-metadata', /^rxjs/],
  // Decorated classes are emitted as `let X = class X$1 {}`; keep `X.name` as written, so Nest's logs
  // and errors name InvitekitModule, InvitekitController, ... rather than InvitekitModule$1.
  outputOptions: { keepNames: true },
});
