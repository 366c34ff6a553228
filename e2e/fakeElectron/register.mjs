// `node --import ./register.mjs out/main/index.js`: `electron` resolves to the stand-in, for ES imports (the
// main bundle) and for require() from anywhere (electron-log, electron-updater), even from an extracted
// package that has no `electron` in its node_modules.
import { createRequire, register } from 'node:module';
import fake from './electron.mjs';

const require = createRequire(import.meta.url);
const key = require.resolve('electron');
require.cache[key] = { id: key, filename: key, loaded: true, exports: fake, children: [], paths: [] };
const Module = require('node:module');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? key : resolveFilename.call(this, request, ...rest);
};
register('./hooks.mjs', import.meta.url);
