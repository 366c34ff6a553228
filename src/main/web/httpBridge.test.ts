import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAppHost, type AppHost } from '../appHost';
import { startHttpBridge, MAX_BODY_BYTES, type HttpBridge } from './httpBridge';
import { tempDir } from '../../../test/tempDatabase';

let host: AppHost;
let bridge: HttpBridge;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  const rendererDir = join(t.dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(t.dir, 'secret.txt'), 'do not serve');
  host = startAppHost({ dataFolder: join(t.dir, 'data'), shell: 'browser-preview', version: 't', validateOutput: true });
  bridge = await startHttpBridge({ host, rendererDir });
});
afterAll(async () => {
  await bridge.close();
  host.close();
  cleanup();
});

/** A raw request, so Host and other headers are exactly what a hostile page could send. */
function raw(options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }) {
  const port = Number(new URL(bridge.url).port);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const good = () => ({ Host: new URL(bridge.url).host, Authorization: `Bearer ${bridge.token}`, 'Content-Type': 'application/json' });

describe('HTTP bridge', () => {
  it('answers a good call with a typed result', async () => {
    const res = await raw({ path: '/api/app.info', headers: good() });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, value: { name: 'Fieldbook', shell: 'browser-preview' } });
  });

  it('refuses a rebinding attack: right token, foreign Host', async () => {
    const res = await raw({ path: '/api/app.info', headers: { ...good(), Host: 'evil.example:80' } });
    expect(res.status).toBe(403);
    expect((await raw({ method: 'GET', path: '/', headers: { Host: 'evil.example' } })).status).toBe(403);
  });

  it('refuses other origins, missing or wrong tokens, non-JSON and oversized bodies', async () => {
    expect((await raw({ path: '/api/app.info', headers: { ...good(), Origin: 'http://127.0.0.1:1' } })).status).toBe(403);
    expect((await raw({ path: '/api/app.info', headers: { ...good(), Authorization: '' } })).status).toBe(401);
    expect((await raw({ path: '/api/app.info', headers: { ...good(), Authorization: `Bearer ${bridge.token}x` } })).status).toBe(401);
    expect((await raw({ path: '/api/app.info', headers: { ...good(), 'Content-Type': 'text/plain' }, body: '{}' })).status).toBe(415);
    const big = await raw({ path: '/api/consultations.create', headers: good(), body: Buffer.alloc(MAX_BODY_BYTES + 10, 32) });
    expect(big.status).toBe(413);
    expect((await raw({ method: 'GET', path: '/api/app.info', headers: good() })).status).toBe(405);
  });

  it('turns bad JSON, unknown operations and invalid input into typed errors', async () => {
    const badJson = await raw({ path: '/api/app.info', headers: good(), body: '{"a":' });
    expect(JSON.parse(badJson.body)).toEqual({ ok: false, error: { code: 'validation', message: 'The request is not valid JSON.' } });
    const unknown = await raw({ path: '/api/db.exec', headers: good(), body: '{"sql":"DROP TABLE users"}' });
    expect(JSON.parse(unknown.body)).toEqual({ ok: false, error: { code: 'not_found', message: 'Unknown operation.' } });
    await raw({ path: '/api/users.saveProfile', headers: good(), body: JSON.stringify({ name: 'Ada', email: 'ada@example.com' }) });
    const invalid = await raw({ path: '/api/consultations.get', headers: good(), body: JSON.stringify({ consultationId: 'x', extra: 1 }) });
    const error = JSON.parse(invalid.body).error;
    expect(error.code).toBe('validation');
    expect(error.issues).toEqual([
      { path: 'consultationId', message: 'Not a valid id' },
      { path: '', message: 'Unknown field: extra' },
    ]);
    expect(invalid.body).not.toMatch(/at .*\.ts/); // no stack traces
  });

  it('serves the renderer with a strict CSP and nothing outside its folder', async () => {
    const index = await raw({ method: 'GET', path: '/', headers: { Host: new URL(bridge.url).host } });
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(index.headers['x-frame-options']).toBe('DENY');
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const res = await raw({ method: 'GET', path, headers: { Host: new URL(bridge.url).host } });
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('do not serve');
    }
  });

  it('listens on loopback only', () => {
    const address = bridge.server.address();
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1');
  });
});
