// Starts the exports worker from TypeScript source (vitest, the preview under tsx): on Node 20 neither
// `execArgv: ['--import', 'tsx']` nor importing 'tsx' reaches a worker's modules; tsx's register() does.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./exportsWorker.ts', import.meta.url).href);
