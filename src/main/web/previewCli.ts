import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startAppHost } from '../appHost';
import { startHttpBridge } from './httpBridge';
import { chromiumPdfPrinter } from '../pdf/chromiumPrinter';

// `npm run web`: the real renderer in a browser, against the real services and a real database file.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    port: { type: 'string', default: '0' },
    renderer: { type: 'string', default: join(root, 'out', 'renderer') },
  },
});

const dataFolder = resolve(values.data ?? mkdtempSync(join(tmpdir(), 'fieldbook-preview-')));
const rendererDir = resolve(values.renderer);
if (!existsSync(join(rendererDir, 'index.html')) && values.renderer === join(root, 'out', 'renderer')) {
  console.error(`No built renderer at ${rendererDir}. Run "npm run build" first (npm run web does).`);
  process.exit(1);
}
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

let host: ReturnType<typeof startAppHost>;
try {
  host = startAppHost({ dataFolder, shell: 'browser-preview', version, validateOutput: true, pdfPrinter: chromiumPdfPrinter() });
} catch (error) {
  console.error(`Fieldbook cannot use the data folder ${dataFolder}: ${(error as Error).message}`);
  process.exit(1);
}
const bridge = await startHttpBridge({ host, rendererDir, port: Number(values.port) });
console.log(`Fieldbook preview: data in ${join(dataFolder, 'fieldbook.db')}`);
console.log(`Open ${bridge.openUrl}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await bridge.close();
  await host.stop();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
