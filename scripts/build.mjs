// Compiles the CLI and the worker entry files into dist/ (esbuild emits; tsc only type-checks).
// Workers are always compiled JS: Node 20 cannot load .ts inside worker threads, so tests
// and the CLI run exactly the same dist/workers/*.js.
import { chmodSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = {
  absWorkingDir: root,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
};

export async function build({ quiet = false } = {}) {
  const logLevel = quiet ? 'warning' : 'info';
  await esbuild.build({
    ...common,
    logLevel,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  });
  chmodSync(`${root}/dist/cli.js`, 0o755);
  await esbuild.build({ ...common, logLevel, entryPoints: ['workers/*.worker.ts'], outdir: 'dist/workers' });
  if (existsSync(`${root}/viz/build.mjs`)) {
    const { buildViewer } = await import('../viz/build.mjs');
    await buildViewer({ quiet });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
