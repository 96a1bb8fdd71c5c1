import { defineConfig } from 'vite';

// Workspace packages are read from source (the `invitekit-source` export condition), so the app builds
// from a fresh clone without building the packages first. JSX is compiled by Vite's own transform
// (automatic runtime); no React plugin is needed for a production build.
export default defineConfig({
  resolve: { conditions: ['invitekit-source', 'module', 'browser', 'development|production'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      // 'use client' marks modules for React Server Components; a client-only bundle may drop it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
