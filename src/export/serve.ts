/**
 * `anonsim view <DIR>`: a loopback-only HTTP server for one results folder.
 * - `/` (and `/index.html`): the viewer page with the folder's CSVs inlined, read at each request.
 * - `/files/<name>`: a regular file directly inside the folder, read-only; no directory listing.
 * Anything that looks like path traversal (`..`, encoded `.`/`/`/`\`, double encoding, NUL, hidden
 * names, symlinks leaving the folder) is refused with 403; unknown paths get 404. Requests whose
 * Host header is not this loopback address are refused (DNS rebinding). Only GET and HEAD.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, sep } from 'node:path';
import { inlineReport, loadViewerTemplate, readResults } from './report.js';

export const HOST = '127.0.0.1';

const TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  yaml: 'text/yaml; charset=utf-8',
  yml: 'text/yaml; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
};

const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export interface ResultsServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': "frame-ancestors 'none'",
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Whether a raw request path tries to leave where it points (checked before any decoding). */
export function isSuspiciousPath(raw: string): boolean {
  if (raw.includes('\\') || raw.includes('\0')) return true;
  if (/%(2e|2f|5c|00|25)/i.test(raw)) return true;
  return raw.split('/').some((seg) => seg === '.' || seg === '..');
}

export async function serveResults(dir: string, port = 0): Promise<ResultsServer> {
  const root = await realpath(dir);
  if (!(await stat(root)).isDirectory()) throw new Error(`${dir} is not a folder`);
  const template = await loadViewerTemplate();
  let actualPort = port;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'method not allowed\n');
    }
    const host = req.headers.host;
    if (host !== undefined && host !== `${HOST}:${actualPort}` && host !== `localhost:${actualPort}`)
      return send(res, 403, 'forbidden host\n');
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q >= 0 ? raw.slice(0, q) : raw;
    if (!path.startsWith('/') || isSuspiciousPath(path)) return send(res, 403, 'forbidden\n');
    if (path === '/' || path === '/index.html') {
      const html = inlineReport(template, await readResults(root));
      return send(res, 200, html, 'text/html; charset=utf-8');
    }
    if (!path.startsWith('/files/')) return send(res, 404, 'not found\n');
    let name: string;
    try {
      name = decodeURIComponent(path.slice('/files/'.length));
    } catch {
      return send(res, 400, 'bad request\n');
    }
    if (name === '') return send(res, 404, 'not found\n');
    if (!SAFE_NAME.test(name)) return send(res, 403, 'forbidden\n');
    // Only names listed in the folder itself, and only regular files that stay inside it.
    const entry = (await readdir(root, { withFileTypes: true })).find((e) => e.name === name);
    if (!entry) return send(res, 404, 'not found\n');
    let real: string;
    try {
      real = await realpath(join(root, name));
    } catch {
      return send(res, 404, 'not found\n');
    }
    if (!real.startsWith(root + sep)) return send(res, 403, 'forbidden\n');
    if (!(await stat(real)).isFile()) return send(res, 404, 'not found\n');
    const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
    return send(res, 200, await readFile(real), TYPES[ext] ?? 'application/octet-stream');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, `internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen({ port, host: HOST, exclusive: true }, () => {
      server.off('error', fail);
      ok();
    });
  });
  actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${actualPort}/`,
    host: HOST,
    port: actualPort,
    close: () =>
      new Promise<void>((ok, fail) => {
        server.close((e) => (e ? fail(e) : ok()));
        server.closeAllConnections();
      }),
  };
}
