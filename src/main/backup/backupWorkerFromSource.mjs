// Starts the backup worker from TypeScript source (vitest, the preview and benches under tsx), as
// exportsWorkerFromSource.mjs does for the exports worker: tsx's register() reaches a worker's modules.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./backupWorker.ts', import.meta.url).href);
