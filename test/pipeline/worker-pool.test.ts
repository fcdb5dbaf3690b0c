/**
 * Worker isolates must not compile on background threads: Node 20 can abort the process when
 * such a job outlives a terminated worker (see src/pipeline/worker-pool.ts).
 */
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { workerPool } from '../../src/pipeline/worker-pool.js';

setFlagsFromString('--allow-natives-syntax');

function workerCompilesConcurrently(): Promise<boolean> {
  const probe = new Worker(
    "require('node:worker_threads').parentPort.postMessage(new Function('return %IsConcurrentRecompilationSupported()')())",
    { eval: true },
  );
  return new Promise<boolean>((resolve, reject) => {
    probe.once('message', resolve);
    probe.once('error', reject);
  }).finally(() => probe.terminate());
}

describe('workerPool', () => {
  it('turns off background compilation for the workers it starts', async () => {
    const before = await workerCompilesConcurrently();
    const pool = workerPool<unknown, unknown>('sim.worker', 1);
    try {
      expect(await workerCompilesConcurrently()).toBe(false);
      // The probe itself is sound: it saw background compilation before the pool existed.
      expect(before).toBe(true);
    } finally {
      await pool.close({ force: true });
    }
  });
});
