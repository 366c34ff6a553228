import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumPdfPrinter } from '../src/main/pdf/chromiumPrinter';
import type { AppHost } from '../src/main/appHost';
import type { PdfPrinter } from '../src/main/pdf/pdfPrinter';
import { tempDir } from './tempDatabase';
import { startTestHost } from './testHost';

/**
 * An app host that prints with a real Chromium, in a temp folder, with a consultant's profile: started before
 * the calling file's tests, stopped after. Read `host` and `dir` inside tests (they are set in beforeAll).
 */
export function usePrintingHost(): { readonly host: AppHost; readonly dir: string } {
  const state: { host?: AppHost; dir?: string; cleanup?: () => void } = {};
  beforeAll(async () => {
    const t = tempDir();
    state.dir = t.dir;
    state.cleanup = t.cleanup;
    state.host = startTestHost(join(t.dir, 'data'), { validateOutput: true, pdfPrinter: chromiumPdfPrinter() });
    const saved = await state.host.dispatch('users.saveProfile', { name: 'Ada Consultant', email: 'ada@example.com' });
    if (!saved.ok) throw new Error(saved.error.message);
  }, 60_000);
  afterAll(async () => {
    await state.host?.stop();
    state.cleanup?.();
  });
  return {
    get host() {
      return state.host!;
    },
    get dir() {
      return state.dir!;
    },
  };
}

/**
 * A Chromium printer (started on its first document) and a temp folder named from `prefix`, for the calling
 * file's tests: the printer closed and the folder removed after them.
 */
export function printerForThisFile(prefix: string): { printer: PdfPrinter; work: string } {
  const printer = chromiumPdfPrinter();
  const work = mkdtempSync(join(tmpdir(), prefix));
  afterAll(async () => {
    await printer.close();
    rmSync(work, { recursive: true, force: true });
  });
  return { printer, work };
}
