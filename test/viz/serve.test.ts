/**
 * `serveResults` (anonsim view): loopback-only, the viewer with the folder's data at `/`, the
 * folder's own files read-only under /files/, and every traversal trick refused. Raw request paths
 * are sent with node:http so nothing normalises `..` on the client side.
 */
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractReportData, viewerTemplatePath } from '../../src/export/report.js';
import { isSuspiciousPath, type ResultsServer, serveResults } from '../../src/export/serve.js';
import { makeFixture, TITLE, XSS } from './fixture.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, opts: { method?: string; host?: string } = {}): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.host ? { host: opts.host } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', fail);
    req.end();
  });
}

describe('serveResults', () => {
  let tmp: string;
  let dir: string;
  let server: ResultsServer;

  beforeAll(async () => {
    if (!existsSync(viewerTemplatePath())) {
      const { buildViewer } = await import('../../viz/build.mjs');
      await buildViewer({ quiet: true });
    }
    tmp = mkdtempSync(join(tmpdir(), 'anonsim-serve-'));
    dir = join(tmp, 'results');
    makeFixture(dir);
    writeFileSync(join(tmp, 'secret.txt'), 'outside the results folder\n');
    writeFileSync(join(dir, '.hidden'), 'hidden\n');
    symlinkSync(join(tmp, 'secret.txt'), join(dir, 'link.txt'));
    server = await serveResults(dir);
  });

  afterAll(async () => {
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('binds 127.0.0.1 only, on an ephemeral port', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    // Not reachable on any other interface address of this machine.
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    for (const address of others) {
      const err = await new Promise<NodeJS.ErrnoException | null>((ok) => {
        const req = request({ host: address, port: server.port, path: '/', timeout: 2000 }, (res) => {
          res.resume();
          ok(null);
        });
        req.on('error', (e: NodeJS.ErrnoException) => ok(e));
        req.on('timeout', () => {
          req.destroy();
          ok(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
        });
        req.end();
      });
      expect(err?.code, `reachable on ${address}`).toMatch(/ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH/);
    }
  });

  it('serves the viewer with the folder data inlined at /', async () => {
    const r = await get(server.port, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    const data = extractReportData(r.body);
    expect(data?.title).toBe(TITLE);
    expect(String(data?.summary)).toMatch(/^design,adversary,attack,replicate,seed,users,messages,top1,/);
    expect(String(data?.exposure)).toContain(XSS);
    // Hostile strings never appear raw in the page.
    expect(r.body).not.toContain(XSS);
    expect((await get(server.port, '/?x=1')).status).toBe(200);
    expect((await get(server.port, '/', { method: 'HEAD' })).body).toBe('');
  });

  it('serves the folder files read-only under /files/', async () => {
    const r = await get(server.port, '/files/summary.csv');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.body.split('\n')[0]).toMatch(/^design,adversary,attack,/);
    expect((await get(server.port, '/files/manifest.json')).status).toBe(200);
    expect((await get(server.port, '/files/summary.csv', { method: 'POST' })).status).toBe(405);
    expect((await get(server.port, '/files/summary.csv', { method: 'PUT' })).status).toBe(405);
    expect((await get(server.port, '/files/summary.csv', { method: 'DELETE' })).status).toBe(405);
  });

  it('has no directory listing and 404s unknown paths', async () => {
    for (const p of ['/files/', '/files', '/files/missing.csv', '/nope', '/dist/viewer/index.html', '/favicon.ico'])
      expect((await get(server.port, p)).status, p).toBe(404);
  });

  it.each([
    '/../package.json',
    '/files/../package.json',
    '/files/../../etc/passwd',
    '/files/..%2f..%2fetc%2fpasswd',
    '/files/..%2F..%2Fetc%2Fpasswd',
    '/files/%2e%2e/%2e%2e/etc/passwd',
    '/files/%2E%2E%2Fpackage.json',
    '/files/%252e%252e%252fpackage.json',
    '/files/%252e%252e/package.json',
    '/files/..%252fpackage.json',
    '/files/..\\..\\package.json',
    '/files/..%5c..%5cpackage.json',
    '/files/%5c..%5cpackage.json',
    '/files/summary.csv%00.html',
    '/files/./summary.csv',
    '/files/sub/../summary.csv',
    '/files/.hidden',
    '/files/link.txt',
    '/files//etc/passwd',
    '/files/%2fetc%2fpasswd',
    '/..',
    '/%2e%2e/package.json',
  ])('refuses %s', async (path) => {
    const r = await get(server.port, path);
    expect([403, 404]).toContain(r.status);
    expect(r.body).not.toContain('outside the results folder');
    expect(r.body).not.toContain('"name": "anonsim"');
    expect(r.body).not.toMatch(/root:.*:0:0:/);
  });

  it('refuses requests for another Host (DNS rebinding)', async () => {
    expect((await get(server.port, '/', { host: 'evil.example:80' })).status).toBe(403);
    expect((await get(server.port, '/', { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('flags traversal in raw paths', () => {
    expect(isSuspiciousPath('/files/summary.csv')).toBe(false);
    expect(isSuspiciousPath('/files/a..b.csv')).toBe(false);
    for (const p of ['/..', '/a/../b', '/a/./b', '/%2e', '/%2F', '/%5C', '/%25', '/%00', '/a\\b'])
      expect(isSuspiciousPath(p), p).toBe(true);
  });

  it('fails clearly for a missing folder', async () => {
    await expect(serveResults(join(tmp, 'does-not-exist'))).rejects.toThrow(/ENOENT|no such file/);
  });
});
