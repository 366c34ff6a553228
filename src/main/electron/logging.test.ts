import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import log from 'electron-log/node';
import { configureLogging } from './logging';
import { redactText, redactValue } from '../logging/redact';
import { tempDir } from '../../../test/tempDatabase';

// The log file through electron-log's real file transport (its Node build, same transports as in Electron).

const TOKEN = 'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJhIjoicnciLCJpYXQiOjE3MDB9.c2lnbmF0dXJlLWJ5dGVz';
const consoleBefore = { ...console };
let cleanup = () => {};
afterEach(() => {
  Object.assign(console, consoleBefore);
  log.hooks.length = 0;
  cleanup();
});

describe('log file', () => {
  it('holds no token and no client text, and console messages reach it', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = join(t.dir, 'logs', 'main.log');
    configureLogging(log, { logFile: file, isPackaged: true });
    console.error('Sync failed', new Error(`HTTP 401 for https://team.turso.io/v2/pipeline?authToken=${TOKEN} with Authorization: Bearer ${TOKEN}`));
    log.warn('Operation consultations.autosave failed', { fields: { painPoints: 'Owner drinks at work, staff unpaid since May' } });
    log.info(`Notes: ${'Ms Kolb says the bakery will close. '.repeat(40)}`);
    await new Promise((r) => setTimeout(r, 200));
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('Sync failed');
    expect(text).toContain('HTTP 401 for https://team.turso.io/v2/pipeline?[query]');
    expect(text).toContain('[object with keys fields]');
    expect(text).toMatch(/more characters not logged/);
    expect(text).not.toContain('eyJ');
    expect(text).not.toContain('c2lnbmF0dXJl');
    expect(text).not.toContain('unpaid');
    expect(text.length).toBeLessThan(3000);
  });

  it('rotates past its size limit, keeping the previous file', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = join(t.dir, 'main.log');
    configureLogging(log, { logFile: file, isPackaged: true, maxBytes: 4096 });
    for (let i = 0; i < 200; i += 1) log.info(`sync run ${i} finished in ${i * 3} ms`);
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(join(t.dir, 'main.old.log'))).toBe(true);
    expect(readFileSync(file).length).toBeLessThanOrEqual(4096 + 200);
  });
});

describe('redaction', () => {
  it('removes tokens, credentials and query strings, and shortens long text', () => {
    expect(redactText(`token=${TOKEN}`)).toBe('token=[redacted]');
    expect(redactText(`{"authToken": "${TOKEN}"}`)).not.toContain('eyJ');
    expect(redactText('https://user:pa55@host.example/db')).toBe('https://[credentials]@host.example/db');
    expect(redactText('Basic dXNlcjpwYXNz')).toBe('Basic [token]');
    expect(redactText('x'.repeat(1000))).toMatch(/^x{300}… \[700 more characters not logged\]$/);
  });

  it('keeps an error’s name, code and stack frames; reduces objects and arrays to their shape', () => {
    const error = Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    const value = redactValue(error) as string;
    expect(value.split('\n')[0]).toBe('Error (ENOSPC): disk full');
    expect(value).toMatch(/\n\s+at /);
    expect(redactValue(['Kolb', 'Meyer'])).toBe('[array of 2]');
    expect(redactValue({ name: 'Kolb', email: 'k@example.de' })).toBe('[object with keys name, email]');
    expect(redactValue(42)).toBe(42);
  });
});
