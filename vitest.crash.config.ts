import { defineConfig } from 'vitest/config';
import { aliases } from './electron.vite.config';

// Crash safety: hundreds of SIGKILLs of a worker process mid-write (npm run test:crash).
export default defineConfig({
  resolve: { alias: aliases },
  test: {
    include: ['test/crash/**/*.crash.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
  },
});
