import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// This module sits directly under src/ and is bundled into dist/cli.js, so '../dist/workers/'
// resolves to <root>/dist/workers/ from both src/worker-path.ts (vitest) and dist/cli.js.
export function workerPath(name: string): string {
  const p = fileURLToPath(new URL(`../dist/workers/${name}.js`, import.meta.url));
  if (!existsSync(p)) throw new Error(`worker ${p} missing: run \`npm run build\` first`);
  return p;
}
