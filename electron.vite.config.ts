import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Three bundles from one config: main (ESM; `dependencies` stay external, pure-JS helpers listed as
// devDependencies such as date-fns and zod are bundled so the package ships only what is used; native modules loaded from
// node_modules), preload (CommonJS: a sandboxed preload cannot load ES modules), renderer (React).
/** `@shared/...` is src/shared in every bundle (the same alias as tsconfig.base.json's paths and the vitest configs). */
export const aliases = { '@shared': resolve('src/shared') };

export default defineConfig({
  main: {
    resolve: { alias: aliases },
    build: {
      outDir: 'out/main',
      sourcemap: false,
      // The exports worker is its own entry: out/main/exportsWorker.js, found next to index.js at run time.
      rollupOptions: {
        input: {
          index: resolve('src/main/electron/main.ts'),
          exportsWorker: resolve('src/main/exports/exportsWorker.ts'),
          backupWorker: resolve('src/main/backup/backupWorker.ts'),
          pullWorker: resolve('src/main/sync/pullWorker.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias: aliases },
    build: {
      outDir: 'out/preload',
      sourcemap: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    resolve: { alias: aliases },
    build: {
      outDir: 'out/renderer',
      sourcemap: false,
      // electron-vite leaves minification off; the renderer is 1.4 MB of readable code without it.
      minify: 'esbuild',
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
