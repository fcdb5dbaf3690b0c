/**
 * `anonsim attack <DIR/log>`: runs adversaries and attacks on the worlds a run saved with
 * `--log`, without simulating. The scenario is the run's own (log/scenario.yaml) with this
 * command's `--set` applied; each job of the resulting plan is matched to the saved world that
 * was simulated with the same settings (`simKey`), so only keys that do not shape a simulation
 * may change (adversaries, attacks, attackParams, warmup). With the run's own scenario the CSVs
 * are byte-identical to the run's. Every problem (flags, scenario, a foreign, truncated or
 * incomplete log) is reported before any job starts.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sweepRates } from '../export/rates.js';
import { writeReport } from '../export/report.js';
import { writeResults } from '../export/write.js';
import { LOG_INDEX, LOG_SCENARIO, type LoggedWorld, readLogIndex } from '../log/index.js';
import { checkWorld, LogError } from '../log/read.js';
import { estimateDiskBytes } from '../pipeline/disk-estimate.js';
import { needsCalibration, type SavedWorlds } from '../pipeline/job.js';
import { inJobOrder, mergeResults, planJobs, runJobs, scenarioCells, simKey } from '../pipeline/run.js';
import { formatWarning, type Problem, ScenarioError } from '../scenario/errors.js';
import { type Loaded, loadScenario } from '../scenario/load.js';
import { sweepCells } from '../scenario/sweep.js';
import { type Argv, parseIntArg, setOverrides } from './argv.js';
import { Interrupted } from './interrupt.js';
import type { Io } from './io.js';
import { LOCK_FILE } from './lock.js';
import { preflight } from './preflight.js';
import { makeProgress } from './progress.js';
import { outputDirProblem } from './run.js';
import { summaryTable } from './table.js';

export interface AttackFlags {
  out?: string;
  set: string[];
  workers?: string;
  messages?: boolean;
  quiet?: boolean;
}

function logProblem(e: LogError): Problem {
  return { file: e.file, line: 1, col: 1, path: '(log)', message: e.message, expected: e.expected };
}

/** The saved log's folder: DIR/log itself, or a results folder DIR that holds one. */
function logRoot(dir: string): string {
  return !existsSync(join(dir, LOG_INDEX)) && existsSync(join(dir, 'log', LOG_INDEX)) ? join(dir, 'log') : dir;
}

export async function attackCommand(dir: string, flags: AttackFlags, argv: Argv, io: Io): Promise<number> {
  const problems: Problem[] = [];
  let workers = availableParallelism();
  if (flags.workers !== undefined) {
    const n = parseIntArg(flags.workers);
    if (n === undefined || n < 1 || n > 1024)
      problems.push(argv.problem('--workers', `"${flags.workers}" is not allowed`, 'an integer in [1, 1024]'));
    else workers = n;
  }
  const overrides = setOverrides(flags.set, argv, problems);
  const root = logRoot(dir);
  let loaded: Loaded | undefined;
  let worlds: LoggedWorld[] = [];
  try {
    worlds = readLogIndex(root).worlds;
    loaded = loadScenario(join(root, LOG_SCENARIO), { overrides });
  } catch (e) {
    if (e instanceof LogError) problems.push(logProblem(e));
    else if (e instanceof ScenarioError) problems.push(...e.problems);
    else throw e;
  }
  if (problems.length > 0 || !loaded) throw new ScenarioError(problems);
  const { scenario, raw } = loaded;
  const outDir = flags.out ?? join('results', `${scenario.name}-attack`);
  const bad = outputDirProblem(outDir);
  if (bad)
    problems.push(
      argv.problem(flags.out !== undefined ? '-o' : dir, bad, 'a folder, or a path that does not exist yet'),
    );

  const cells = scenarioCells(scenario, sweepCells(scenario, raw, join(root, LOG_SCENARIO)));
  const messages = flags.messages === true;
  const jobs = planJobs(cells, messages);
  const byKey = new Map(worlds.map((w) => [`${w.kind}|${w.replicate}|${w.designIndex}|${w.simKey}`, w.world]));
  const saved: SavedWorlds[] = [];
  const needed = new Set<string>();
  jobs.forEach((job, i) => {
    const key = `${job.replicate}|${job.designIndex}|${simKey(job.cells[0].scenario, job.designIndex)}`;
    const run = byKey.get(`run|${key}`);
    const calibration = byKey.get(`calibration|${key}`) ?? null;
    const design = job.cells[0].scenario.designs[job.designIndex].name;
    if (!run) {
      problems.push({
        file: join(root, LOG_INDEX),
        line: 1,
        col: 1,
        path: `replicate ${job.replicate}, design ${design}`,
        message: 'the log has no world simulated with these settings',
        expected:
          '--set that changes only adversaries, attacks, attackParams or warmup (a saved log cannot be simulated differently)',
      });
      return;
    }
    if (needsCalibration(job) && !calibration)
      problems.push({
        file: join(root, LOG_INDEX),
        line: 1,
        col: 1,
        path: `replicate ${job.replicate}, design ${design}`,
        message: 'timing `calibration: independent-run` needs the calibration world, which this log lacks',
        expected: 'a log from a run whose attacks used independent-run calibration, or another calibration',
      });
    saved[i] = { run, calibration: needsCalibration(job) ? calibration : null };
    needed.add(run);
    if (needsCalibration(job) && calibration) needed.add(calibration);
  });
  for (const w of needed) {
    try {
      await checkWorld(join(root, w));
    } catch (e) {
      if (!(e instanceof LogError)) throw e;
      problems.push(logProblem(e));
    }
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  for (const w of loaded.warnings) io.err(`${formatWarning(w)}\n`);
  // As a run: the output folder is ours alone while we write it, and must hold what we write.
  const pre = preflight(outDir, {
    lockName: LOCK_FILE,
    need: { ...estimateDiskBytes(cells, { messages }), checkpoints: 0 },
  });
  if (!pre.ok)
    throw new ScenarioError([
      argv.problem(flags.out !== undefined ? '-o' : dir, pre.problem.message, pre.problem.expected),
    ]);
  for (const w of pre.warnings) io.err(w);

  const controller = new AbortController();
  const onSigint = () => controller.abort(new Interrupted());
  process.on('SIGINT', onSigint);
  const onExternal = () => controller.abort(new Interrupted());
  io.signal?.addEventListener('abort', onExternal, { once: true });
  const progress = makeProgress(io, flags.quiet === true);
  const t0 = performance.now();
  try {
    const sweepKeys = scenario.sweep.map((s) => s.path);
    const results = await runJobs(cells, {
      workers,
      messages,
      onProgress: (phase, n, total) => progress.update(phase, n, total),
      signal: controller.signal,
      log: { root, mode: 'read', worldsOf: (i) => saved[i] },
    });
    if (controller.signal.aborted) throw new Interrupted();
    const result = mergeResults(inJobOrder(results), cells, sweepKeys);
    const written = await writeResults(outDir, result, {
      scenario,
      workers,
      wallTimeS: (performance.now() - t0) / 1000,
      messages,
      signal: controller.signal,
      report: writeReport,
      rates: sweepRates(cells, sweepKeys),
      extra: { attackedLog: root },
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
    pre.lock.release();
  }
}
