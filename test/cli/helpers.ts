/** In-process CLI runs for tests: captured stdout/stderr, exit code, temp folders. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { main } from '../../src/cli/main.js';

/** The CSV files every run writes (CONTRACT §3 and the detail files), compared byte for byte by tests. */
export const RUN_CSVS = [
  'summary.csv',
  'aggregate.csv',
  'exposure.csv',
  'pairs.csv',
  'ttfd.csv',
  'roc.csv',
  'distributions.csv',
  'correlation.csv',
  'candidates.csv',
];
/** RUN_CSVS and the report's message timelines: what must be identical after a resume or merge. */
export const RUN_OUTPUTS = [...RUN_CSVS, 'timelines.json'];

const made: string[] = [];

// Registered on the root suite of every test file that imports these helpers.
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

export interface CliResult {
  code: number;
  out: string;
  err: string;
  /** Non-empty stderr lines. */
  lines: string[];
}

export async function cli(args: string[], signal?: AbortSignal): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await main(['node', 'anonsim', ...args], {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    isTTY: false,
    signal,
  });
  return { code, out, err, lines: err.split('\n').filter((l) => l !== '') };
}

/** A fresh folder under the OS temp dir, removed after the test file. */
export function tempDir(prefix = 'anonsim-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** Writes `text` as `<dir>/<name>` and returns the path. */
export function writeScenario(dir: string, text: string, name = 'scenario.yaml'): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
