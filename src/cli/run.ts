/**
 * `anonsim run`: flags → overrides → scenario → sweep cells → pipeline → results folder.
 * Every bad-input problem (flags, scenario, sweep cells, output path) is collected and
 * reported before any simulation starts. Ctrl-C aborts through an AbortSignal: the pipeline
 * stops its workers, the writer removes its staging folder, and the exit code is 130.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeReport } from '../export/report.js';
import { removeStagingSync, writeResults } from '../export/write.js';
import { runScenario } from '../pipeline/run.js';
import { formatWarning, type Problem, ScenarioError } from '../scenario/errors.js';
import { type Loaded, loadScenario, type Override } from '../scenario/load.js';
import { sweepCells } from '../scenario/sweep.js';
import { type Argv, parseIntArg } from './argv.js';
import type { Io } from './io.js';
import { makeProgress } from './progress.js';
import { summaryTable } from './table.js';

export interface RunFlags {
  out?: string;
  seed?: string;
  replicates?: string;
  workers?: string;
  set: string[];
  messages?: boolean;
  quiet?: boolean;
}

/** Why `dir` cannot become the output folder (a file on the path), or undefined. */
export function outputDirProblem(dir: string): string | undefined {
  let p = resolve(dir);
  if (existsSync(p)) return statSync(p).isDirectory() ? undefined : `"${dir}" is a file`;
  for (;;) {
    const up = dirname(p);
    if (up === p) return undefined;
    p = up;
    if (existsSync(p))
      return statSync(p).isDirectory() ? undefined : `"${relative('.', p) || p}" (part of "${dir}") is a file`;
  }
}

export class Interrupted extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('interrupted');
  }
}

export async function runCommand(file: string, flags: RunFlags, argv: Argv, io: Io): Promise<number> {
  const problems: Problem[] = [];
  const overrides: Override[] = [];
  const intFlag = (
    flag: string,
    v: string | undefined,
    min: number,
    max: number,
    path?: string,
  ): number | undefined => {
    if (v === undefined) return undefined;
    const n = parseIntArg(v);
    if (n === undefined || n < min || n > max) {
      problems.push(argv.problem(flag, `"${v}" is not allowed`, `an integer in [${min}, ${max}]`));
      return undefined;
    }
    if (path) overrides.push({ path, value: n, pos: argv.pos(flag) });
    return n;
  };
  intFlag('--seed', flags.seed, 0, Number.MAX_SAFE_INTEGER, 'seed');
  intFlag('--replicates', flags.replicates, 1, 10_000, 'replicates');
  const workers = intFlag('--workers', flags.workers, 1, 1024) ?? availableParallelism();
  flags.set.forEach((s, i) => {
    const eq = s.indexOf('=');
    if (eq <= 0) {
      problems.push(
        argv.problem(
          '--set',
          `"${s}" is not PATH=VALUE`,
          'PATH=VALUE, e.g. --set workload.users=5000 or --set designs.1.nodes=500',
          undefined,
          i,
        ),
      );
      return;
    }
    overrides.push({ path: s.slice(0, eq).trim(), value: s.slice(eq + 1), pos: argv.pos('--set', i) });
  });

  let loaded: Loaded | undefined;
  try {
    loaded = loadScenario(file, { overrides });
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    problems.push(...e.problems);
  }
  let outDir: string | undefined;
  if (loaded) {
    outDir = flags.out ?? join('results', loaded.scenario.name);
    const bad = outputDirProblem(outDir);
    if (bad)
      problems.push(
        flags.out !== undefined
          ? argv.problem('-o', bad, 'a folder, or a path that does not exist yet')
          : {
              file: 'argv',
              line: 1,
              col: 1,
              path: '(output)',
              message: bad,
              expected: 'a folder results/<name>/, or give another folder with -o DIR',
            },
      );
  }
  if (problems.length > 0 || !loaded || !outDir) throw new ScenarioError(problems);
  for (const w of loaded.warnings) io.err(`${formatWarning(w)}\n`);

  const { scenario, raw } = loaded;
  const cells = sweepCells(scenario, raw, file).map((c) => ({ sweep: c.values, scenario: c.scenario }));

  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) {
      // A second Ctrl-C: stop waiting for workers, but still never leave partial files.
      removeStagingSync();
      process.exit(130);
    }
    io.err('anonsim: interrupted; stopping workers and removing temporary files\n');
    controller.abort(new Interrupted());
  };
  const onExternal = () => controller.abort(new Interrupted());
  process.on('SIGINT', onSigint);
  io.signal?.addEventListener('abort', onExternal, { once: true });
  if (io.signal?.aborted) onExternal();
  const progress = makeProgress(io, flags.quiet === true);
  const t0 = performance.now();
  try {
    const result = await runScenario(scenario, cells, {
      workers,
      messages: flags.messages === true,
      onProgress: (phase, done, total) => progress.update(phase, done, total),
      signal: controller.signal,
    });
    if (controller.signal.aborted) throw new Interrupted();
    const written = await writeResults(outDir, result, {
      scenario,
      workers,
      wallTimeS: (performance.now() - t0) / 1000,
      messages: flags.messages === true,
      signal: controller.signal,
      report: writeReport,
    });
    progress.stop();
    if (written.reportError) io.err(`anonsim: warning: report.html was not written: ${written.reportError}\n`);
    if (!flags.quiet) {
      io.out(`${summaryTable(result)}\n\n`);
      io.out(written.report ? `report: ${written.report}\n` : `results: ${written.dir}\n`);
    }
    return 0;
  } catch (e) {
    progress.stop();
    if (controller.signal.aborted) return 130;
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    io.signal?.removeEventListener('abort', onExternal);
  }
}
