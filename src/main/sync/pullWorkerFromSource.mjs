// Starts the pull worker from TypeScript source (vitest, the bench, the preview under tsx): see
// exports/exportsWorkerFromSource.mjs for why tsx's register() is needed.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./pullWorker.ts', import.meta.url).href);
