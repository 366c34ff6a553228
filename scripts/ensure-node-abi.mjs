// better-sqlite3 is a native module built for one ABI at a time. `npm start`/`npm run package` rebuild it
// for Electron; tests, the preview and benchmarks run under plain Node. This puts the Node build back when
// the Electron one is in place, so `npm test` after `npm start` just works.
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
try {
  const Database = require('better-sqlite3');
  new Database(':memory:').close();
} catch (error) {
  if (!/NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF|wrong ELF/.test(String(error))) throw error;
  console.log('better-sqlite3 was built for Electron; rebuilding it for Node…');
  execSync('npm rebuild better-sqlite3', { stdio: 'inherit' });
}
