import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AppHost } from '../appHost';
import { CONTENT_SECURITY_POLICY } from '../security/contentSecurityPolicy';
import { MAX_UPLOAD_BYTES, UPLOAD_OPERATIONS } from '@shared/contract';

// The browser preview's transport: the same contract over HTTP on loopback. A local tool, still guarded:
// loopback only, a random token on every call, Host and Origin checked against DNS rebinding and other
// sites, JSON bodies only and bounded, and the same validation as IPC (it calls the same dispatch).

export const MAX_BODY_BYTES = 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export interface HttpBridgeOptions {
  host: AppHost;
  /** Folder with the built renderer (index.html and assets); omit to serve the API only. */
  rendererDir?: string;
  port?: number;
  token?: string;
}

export interface HttpBridge {
  server: Server;
  url: string;
  token: string;
  /** The address to open: the token travels in the fragment, which the browser never sends to a server. */
  openUrl: string;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

const refuse = (res: ServerResponse, status: number, message: string) =>
  sendJson(res, status, { ok: false, error: { code: status === 413 ? 'validation' : 'forbidden', message } });

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      resolve('too_large');
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startHttpBridge(options: HttpBridgeOptions): Promise<HttpBridge> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const authorized = (req: IncomingMessage) => {
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    return given.length === tokenBytes.length && timingSafeEqual(given, tokenBytes);
  };

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string) {
    if (!options.rendererDir) return refuse(res, 404, 'Not found');
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = normalize(join(options.rendererDir, relative));
    if (!file.startsWith(normalize(options.rendererDir) + sep)) return refuse(res, 404, 'Not found');
    try {
      const info = await stat(file);
      if (!info.isFile()) return refuse(res, 404, 'Not found');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'X-Frame-Options': 'DENY',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      refuse(res, 404, 'Not found');
    }
  }

  function serveEvents(req: IncomingMessage, res: ServerResponse) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    const unsubscribe = options.host.events.subscribe((name, payload) => {
      res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const keepAlive = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  }

  const server = createServer(async (req, res) => {
    try {
      // DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends its own Host.
      if (!allowedHosts().has(req.headers.host ?? '')) return refuse(res, 403, 'Unexpected host');
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedOrigins().has(origin)) return refuse(res, 403, 'Unexpected origin');
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      if (!url.pathname.startsWith('/api/')) {
        if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed');
        return await serveStatic(req, res, url.pathname);
      }
      if (!authorized(req)) return refuse(res, 401, 'Missing or wrong token');
      if (url.pathname === '/api/events' && req.method === 'GET') return serveEvents(req, res);
      const operation = url.pathname.slice('/api/'.length);
      if (req.method !== 'POST') return refuse(res, 405, 'Method not allowed');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return refuse(res, 415, 'Send JSON');
      const body = await readBody(req, UPLOAD_OPERATIONS.includes(operation) ? MAX_UPLOAD_BYTES * 1.4 : MAX_BODY_BYTES);
      if (body === 'too_large') return refuse(res, 413, 'This request is too large.');
      let input: unknown;
      try {
        // No body and a JSON null both mean "no input".
        input = body.length ? (JSON.parse(body.toString('utf8')) ?? undefined) : undefined;
      } catch {
        return sendJson(res, 400, { ok: false, error: { code: 'validation', message: 'The request is not valid JSON.' } });
      }
      sendJson(res, 200, await options.host.dispatch(decodeURIComponent(operation), input));
    } catch (error) {
      console.error('HTTP bridge error', error);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'Something went wrong on our side.' } });
      else res.end();
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    server,
    url,
    token,
    openUrl: `${url}/#token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
