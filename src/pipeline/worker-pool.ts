import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Piscina } from 'piscina';
import { packageRoot } from '../core/package.js';

// Found from the package folder, not from this module's own URL: the module runs from
// src/pipeline/ (vitest) and bundled into dist/cli.js, at different depths below the root.
export function workerPath(name: string): string {
  const p = join(packageRoot(), 'dist', 'workers', `${name}.js`);
  if (!existsSync(p)) throw new Error(`worker ${p} missing: run \`npm run build\` first`);
  return p;
}

/**
 * Node 20 unregisters a worker's isolate from the platform before disposing it. A Turbofan job
 * still running on a background thread in that window asks the platform for the isolate's task
 * runner and aborts the whole process ("Assertion failed: (data.first) != nullptr" in
 * NodePlatform::ForIsolate) — 4 of 150 two-worker CLI runs on a loaded machine. Isolates created
 * after this flag optimise on their own thread, so no compile job outlives a terminated worker.
 * V8 reads the flag when an isolate is created: the main isolate keeps background compilation.
 */
function compileWorkersInThread(): void {
  setFlagsFromString('--no-concurrent-recompilation');
}

/** A fixed-size piscina pool over dist/workers/<name>.js whose workers can be terminated safely. */
export function workerPool<Task, Result>(name: string, threads: number): Piscina<Task, Result> {
  compileWorkersInThread();
  return new Piscina<Task, Result>({ filename: workerPath(name), minThreads: threads, maxThreads: threads });
}
