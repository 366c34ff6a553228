import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { tempDir } from './tempDatabase';

// A real Turso server (`tursodb --sync-server`, from the npm package) on loopback, behind a Hrana adapter
// that answers what that server rejects (store_sql, close_sql, close) and injects network faults.

const TURSODB = resolve(import.meta.dirname, '..', 'node_modules', '@tursodatabase', 'cli-linux-x64-gnu', 'tursodb');

/**
 * The server ships for Linux x64 only (an optional dependency). In CI its absence is a failure; elsewhere
 * the tests that need it say they were skipped and why.
 */
export const tursodbMissing: string | null = existsSync(TURSODB) ? null : `no tursodb at ${TURSODB} (Linux x64 only)`;
if (tursodbMissing && process.env.CI) throw new Error(`The Turso server is required in CI: ${tursodbMissing}`);
if (tursodbMissing) console.warn(`Turso server tests skipped: ${tursodbMissing}`);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** The whole body as one Buffer: decoding chunk by chunk would split multi-byte characters at chunk borders. */
function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolveBody(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function post(port: number, path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolvePost, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      readBody(res).then((bytes) => resolvePost({ status: res.statusCode ?? 0, body: bytes.toString('utf8') }), reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface TursoServer {
  port: number;
  file: string;
  stop(): Promise<void>;
}

export async function startTursoServer(): Promise<TursoServer> {
  const { dir, cleanup } = tempDir('fieldbook-turso-');
  const port = await freePort();
  const file = join(dir, 'team.db');
  const child: ChildProcess = spawn(TURSODB, ['--sync-server', `127.0.0.1:${port}`, file], { stdio: 'ignore' });
  const ping = JSON.stringify({ requests: [{ type: 'execute', stmt: { sql: 'SELECT 1' } }] });
  for (let i = 0; ; i += 1) {
    try {
      if ((await post(port, '/v2/pipeline', ping)).status === 200) break;
    } catch {
      // not up yet
    }
    if (i > 100) throw new Error('tursodb did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    file,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      cleanup();
    },
  };
}

export type Fault =
  | { kind: 'drop' } // the connection dies before the request reaches the server
  | { kind: 'http500' } // the server answers 500
  | { kind: 'lose-response' } // the server commits, the answer never arrives
  | { kind: 'delay'; ms: number } // the answer comes after the client's timeout
  | { kind: 'duplicate' } // the request is delivered twice
  | { kind: 'html' }; // something else answers: a captive portal's login page, 200 text/html

export interface HranaAdapter {
  url: string;
  /** Faults for the next write batches that reach the server, one each, in order. */
  inject(...faults: Fault[]): void;
  /** Stop accepting connections (connection refused) or accept again. */
  refuse(on: boolean): Promise<void>;
  forwarded: number;
  /** HTTP requests that reached the adapter (round trips the client made). */
  requests: number;
  /** The Authorization header of every request that reached the adapter (undefined when none was sent). */
  authorizations: (string | undefined)[];
  /** Answer 401 unless the request carries `Bearer <token>` (hosted Turso checks tokens, tursodb does not). */
  requireToken(token: string | null): void;
  /** Limit the link to this many bytes per second each way (null: full speed). */
  throttle(bytesPerSecond: number | null): void;
  /** Largest response body sent, in bytes. */
  largestResponse: number;
  close(): Promise<void>;
}

/** libSQL servers refuse to build an HTTP response over 10 MB by default; the adapter does the same. */
export const RESPONSE_CAP_BYTES = 10 * 1024 * 1024;

interface HranaRequest {
  type: string;
  sql_id?: number;
  sql?: string;
  stmt?: { sql?: string; sql_id?: number };
  batch?: { steps: { stmt: { sql?: string; sql_id?: number } }[] };
}

export async function startHranaAdapter(upstreamPort: number): Promise<HranaAdapter> {
  const port = await freePort();
  const stored = new Map<number, string>();
  const faults: Fault[] = [];
  let server: Server;
  let requiredToken: string | null = null;
  let bytesPerSecond: number | null = null;
  const adapter: HranaAdapter = {
    url: `http://127.0.0.1:${port}`,
    forwarded: 0,
    requests: 0,
    authorizations: [],
    largestResponse: 0,
    inject: (...next) => faults.push(...next),
    requireToken: (token) => (requiredToken = token),
    throttle: (rate) => (bytesPerSecond = rate),
    async refuse(on) {
      if (on) {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      } else {
        server = createServer(handle);
        await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
      }
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  const inline = (stmt: { sql?: string; sql_id?: number }) => {
    if (stmt.sql_id === undefined) return stmt;
    const { sql_id, ...rest } = stmt;
    return { ...rest, sql: stored.get(sql_id) };
  };

  const pause = (bytes: number) => (bytesPerSecond ? new Promise((r) => setTimeout(r, (bytes / bytesPerSecond!) * 1000)) : Promise.resolve());

  /** Sends the body at the throttled rate, in small slices, so a client's timeout sees a slow link. */
  async function sendBody(res: ServerResponse, status: number, body: string, contentType: string) {
    const bytes = Buffer.from(body, 'utf8');
    adapter.largestResponse = Math.max(adapter.largestResponse, bytes.length);
    res.writeHead(status, { 'content-type': contentType, 'content-length': bytes.length });
    if (!bytesPerSecond) return void res.end(bytes);
    const slice = 4096;
    for (let at = 0; at < bytes.length && !res.destroyed; at += slice) {
      await pause(Math.min(slice, bytes.length - at));
      res.write(bytes.subarray(at, at + slice));
    }
    res.end();
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    adapter.requests += 1;
    readBody(req)
      .then(async (raw) => {
        adapter.authorizations.push(req.headers.authorization);
        if (req.url !== '/v2/pipeline') {
          res.writeHead(404).end();
          return;
        }
        // Upload time on a throttled link: the client's clock runs while its request trickles in.
        await pause(raw.length);
        if (requiredToken !== null && req.headers.authorization !== `Bearer ${requiredToken}`) {
          return void (await sendBody(res, 401, 'Unauthorized', 'text/plain'));
        }
        const body = raw.toString('utf8');
        const pipeline = JSON.parse(body) as { baton?: string | null; requests: HranaRequest[] };
        const results: unknown[] = new Array(pipeline.requests.length);
        const forward: { index: number; request: unknown }[] = [];
        pipeline.requests.forEach((r, index) => {
          if (r.type === 'store_sql') {
            stored.set(r.sql_id!, r.sql!);
            results[index] = { type: 'ok', response: { type: 'store_sql' } };
          } else if (r.type === 'close_sql') {
            stored.delete(r.sql_id!);
            results[index] = { type: 'ok', response: { type: 'close_sql' } };
          } else if (r.type === 'close') {
            results[index] = { type: 'ok', response: { type: 'close' } };
          } else if (r.type === 'execute') {
            forward.push({ index, request: { type: 'execute', stmt: inline(r.stmt!) } });
          } else if (r.type === 'batch') {
            forward.push({ index, request: { type: 'batch', batch: { ...r.batch, steps: r.batch!.steps.map((s) => ({ ...s, stmt: inline(s.stmt) })) } } });
          } else {
            results[index] = { type: 'error', error: { message: `unsupported request ${r.type}` } };
          }
        });
        const reply = (status: number, payload: unknown) => sendBody(res, status, JSON.stringify(payload), 'application/json');
        if (forward.length === 0) return reply(200, { baton: null, base_url: null, results });
        // Faults hit write batches (pushes, schema upgrades), not the reads around them (read batches included).
        const writes = (f: { request: unknown }) => {
          const r = f.request as HranaRequest;
          return r.type === 'batch' && r.batch!.steps.some((step) => !/^\s*(SELECT|BEGIN|COMMIT|ROLLBACK|END)\b/i.test(step.stmt.sql ?? ''));
        };
        const fault = forward.some(writes) ? faults.shift() : undefined;
        if (fault?.kind === 'drop') return req.socket.destroy();
        if (fault?.kind === 'html') return void (await sendBody(res, 200, '<!doctype html><title>Hotel Wi-Fi</title><p>Log in to continue', 'text/html'));
        if (fault?.kind === 'http500') {
          res.writeHead(500).end('Internal Server Error');
          return;
        }
        if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
        const send = () => post(upstreamPort, '/v2/pipeline', JSON.stringify({ requests: forward.map((f) => f.request) }));
        let upstream: { status: number; body: string };
        try {
          upstream = await send();
          adapter.forwarded += 1;
          if (fault?.kind === 'duplicate') {
            await send();
            adapter.forwarded += 1;
          }
        } catch {
          return req.socket.destroy();
        }
        if (fault?.kind === 'lose-response') return req.socket.destroy();
        if (upstream.status !== 200) {
          res.writeHead(upstream.status).end(upstream.body);
          return;
        }
        const upstreamResults = (JSON.parse(upstream.body) as { results: unknown[] }).results;
        forward.forEach((f, i) => (results[f.index] = upstreamResults[i]));
        if (Buffer.byteLength(upstream.body) > RESPONSE_CAP_BYTES) {
          forward.forEach((f) => (results[f.index] = { type: 'error', error: { message: 'Response is too large', code: 'RESPONSE_TOO_LARGE' } }));
        }
        if (!res.destroyed) await reply(200, { baton: null, base_url: null, results });
      })
      .catch(() => req.socket.destroy());
  }

  server = createServer(handle);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return adapter;
}
