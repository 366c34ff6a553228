import { defineConfig } from 'vitest/config';
import { aliases } from './electron.vite.config';

// End-to-end tests: the built renderer in Debian's Chromium against the browser preview's real services.
export default defineConfig({
  resolve: { alias: aliases },
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
  },
});
