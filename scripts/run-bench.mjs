// Runs a TypeScript benchmark: bundles it with esbuild into .bench/<name>.mjs (packages stay
// external, resolved from node_modules) and runs that with node, forwarding args and exit code.
// Node gets --expose-gc so benchmarks can take clean memory readings.
import { spawnSync } from 'node:child_process';
import { basename, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/run-bench.mjs <bench/file.ts> [args…]');
  process.exit(2);
}

const name = basename(file, extname(file));
const outfile = resolve(root, '.bench', `${name}.mjs`);
try {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [resolve(process.cwd(), file)],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
} catch {
  process.exit(1); // esbuild has already printed the errors
}

const r = spawnSync(process.execPath, ['--expose-gc', '--enable-source-maps', outfile, ...args], {
  cwd: root,
  stdio: 'inherit',
});
if (r.error) {
  console.error(`could not run ${outfile}: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? (r.signal ? 1 : 0));
