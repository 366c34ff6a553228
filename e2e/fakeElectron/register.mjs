// `node --import ./register.mjs out/main/index.js`: `electron` resolves to the stand-in, for ES imports (the
// main bundle) and for require() (electron-log, electron-updater).
import { createRequire, register } from 'node:module';
import fake from './electron.mjs';

const real = createRequire(import.meta.url).resolve('electron');
createRequire(import.meta.url).cache[real] = { id: real, filename: real, loaded: true, exports: fake, children: [], paths: [] };
register('./hooks.mjs', import.meta.url);
