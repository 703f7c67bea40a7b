import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * One config for the client build (root `client/`, output `dist/client/`, served by `npm start`) and for the tests
 * (run from the repository root).
 */
export default defineConfig({
  root: 'client',
  base: '/',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    // One bundle: Handsontable with its context menu is most of it (README, Performance: 317 kB gzip).
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: { proxy: { '/api': 'http://localhost:8787' } },
  test: {
    root: repoRoot,
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/e2e/global-setup.ts'],
  },
});
