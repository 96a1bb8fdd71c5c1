import { defineConfig } from 'tsdown';

// Browser and server renderers alike: neutral platform, React and TanStack Query stay external.
// Every export is a hook or a client component, so the bundle carries 'use client' (React Server Components).
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'neutral',
  target: 'es2022',
  external: ['@invitekit/client', '@tanstack/react-query', 'react', 'react/jsx-runtime'],
  // Only on JavaScript: a directive in a .d.ts is a statement in an ambient context (TS1036 for users
  // without skipLibCheck).
  outputOptions: { banner: (chunk) => (/\.d\.c?ts$/.test(chunk.fileName) ? '' : "'use client';") },
});
