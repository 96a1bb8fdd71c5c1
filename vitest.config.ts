import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source through the `invitekit-source` export condition,
// so they never wait for a build.
// (Vite's default server conditions, after ours.)
const conditions = ['invitekit-source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'core', include: ['packages/core/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'express', include: ['packages/express/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'server', include: ['apps/server/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'nestjs', include: ['packages/nestjs/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'nest-example', include: ['apps/nest-example/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'client', include: ['packages/client/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'clerk-sdk', include: ['test/clerk-sdk/**/*.test.ts'] } },
      {
        // Type-level conformance with @clerk/backend's declarations (tsc, no runtime).
        extends: true,
        test: {
          name: 'clerk-sdk-types',
          include: [],
          typecheck: {
            enabled: true,
            only: true,
            include: ['test/clerk-sdk/**/*.test-d.ts'],
            tsconfig: 'test/tsconfig.json',
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'react',
          include: ['packages/react/test/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          globalSetup: ['packages/react/test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'react-example', include: ['apps/react-example/test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'express-example', include: ['apps/express-example/test/**/*.test.ts'] },
      },
      // Packs every package and installs the tarballs into a scratch project (npm registry needed).
      { extends: true, test: { name: 'quickstarts', include: ['test/quickstarts/**/*.test.ts'] } },
    ],
  },
});
