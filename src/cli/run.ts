/**
 * `anonsim run`: flags → overrides → scenario → sweep cells → pipeline → results folder.
 * Every bad-input problem (flags, scenario, sweep cells, output path) is collected and
 * reported before any simulation starts. Ctrl-C aborts through an AbortSignal: the pipeline
 * stops its workers, the writer removes its staging folder, and the exit code is 130.
 *
 * Checkpoints (see pipeline/shard.ts): every finished job is saved in `<out>/.jobs/` as it
 * completes; `--resume` reuses those files (after checking they belong to this very run), and
 * a successful run removes the folder. With a shard (`--shard I/N` or from the environment)
 * the run writes only its job files and `shard-I-of-N.json`; `anonsim merge` writes the CSVs.
 */
import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { machineFault } from '../core/errors.js';
import { anonsimVersion, gitCommit } from '../core/package.js';
import { sweepRates } from '../export/rates.js';
import { writeReport } from '../export/report.js';
import { ensureOutputDir, removeStaleStagingSync, writeResults } from '../export/write.js';
import { prepareLogDir, removeLogTempSync, writeLogIndex } from '../log/index.js';
import { LOG_DIR } from '../log/schema.js';
import { estimateDiskBytes } from '../pipeline/disk-estimate.js';
import type { JobResult } from '../pipeline/job.js';
import { estimateLogBytes } from '../pipeline/log-estimate.js';
import { plannedWorlds } from '../pipeline/log-index.js';
import { estimateMemory } from '../pipeline/memory-estimate.js';
import { precisionLine, precisionManifest, runToPrecision, withReplicates } from '../pipeline/precision.js';
import { inJobOrder, mergeResults, planJobs, type RunOptions, runJobs, scenarioCells } from '../pipeline/run.js';
import {
  encodeJson,
  inShard,
  JOBS_DIR,
  jobFileProblem,
  jobPath,
  listJobFiles,
  type RunIdentity,
  readJobFile,
  removeStaleTemp,
  SHARD_FORMAT,
  type ShardManifest,
  scenarioHash,
  shardJobs,
  shardManifestName,
  writeAtomic,
  writeJobFile,
} from '../pipeline/shard.js';
import { formatWarning, type Problem, ScenarioError } from '../scenario/errors.js';
import { type Loaded, loadScenario, type Override } from '../scenario/load.js';
import { sweepCells } from '../scenario/sweep.js';
import { scenarioToPlain } from '../scenario/to-yaml.js';
import { type Argv, parseIntArg, setOverrides } from './argv.js';
import { Interrupted, interruptExit, onInterrupt, resumeCommand } from './interrupt.js';
import type { Io } from './io.js';
import { lockName } from './lock.js';
import { memoryPlan } from './memory.js';
import { capProblem, parsePrecision } from './precision.js';
import { preflight } from './preflight.js';
import { jobLabel, makeProgress } from './progress.js';
import { resolveShard } from './shard.js';
import { summaryTable } from './table.js';

export interface RunFlags {
  out?: string;
  seed?: string;
  replicates?: string;
  workers?: string;
  set: string[];
  messages?: boolean;
  quiet?: boolean;
  shard?: string;
  shards?: string;
  resume?: boolean;
  precision?: string;
  log?: boolean;
}

/** Why `dir` cannot become the output folder (a file on the path), or undefined. */
export function outputDirProblem(dir: string): string | undefined {
  // Walk up the path as written, so the message names the part the user typed.
  let p = dir;
  if (existsSync(p)) return statSync(p).isDirectory() ? undefined : `"${dir}" is a file`;
  for (;;) {
    const up = dirname(p);
    if (up === p) return undefined;
    p = up;
    if (existsSync(p)) return statSync(p).isDirectory() ? undefined : `"${p}" (part of "${dir}") is a file`;
  }
}

export async function runCommand(file: string, flags: RunFlags, argv: Argv, io: Io): Promise<number> {
  const problems: Problem[] = [];
  // Problems with the output folder point at -o when given, else at the default folder.
  const outProblem = (message: string, expected: string): Problem =>
    flags.out !== undefined
      ? argv.problem('-o', message, expected)
      : { file: 'argv', line: 1, col: 1, path: '(output)', message, expected };
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
  let workers = intFlag('--workers', flags.workers, 1, 1024) ?? availableParallelism();
  overrides.push(...setOverrides(flags.set, argv, problems));

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
          : outProblem(bad, 'a folder results/<name>/, or give another folder with -o DIR'),
      );
  }
  const sharding = resolveShard(flags, io.env ?? process.env, argv);
  problems.push(...sharding.problems);
  const precision = parsePrecision(flags, argv, problems);
  const cap = precision !== undefined && loaded ? capProblem(loaded.scenario.replicates, argv) : undefined;
  if (cap) problems.push(cap);
  if (problems.length > 0 || !loaded || !outDir) throw new ScenarioError(problems);
  for (const w of loaded.warnings) io.err(`${formatWarning(w)}\n`);

  let { scenario } = loaded;
  const { raw } = loaded;
  const messages = flags.messages === true;
  let cells = scenarioCells(scenario, sweepCells(scenario, raw, file));
  const jobs = planJobs(cells, messages);
  const id: RunIdentity = {
    anonsim: anonsimVersion(),
    scenarioHash: scenarioHash(scenario),
    messages,
    jobCount: jobs.length,
  };
  const shard = sharding.choice?.shard ?? null;
  const mine = (i: number) => !shard || inShard(shard, i);
  if (shard && sharding.choice?.source !== '--shard' && !flags.quiet)
    io.err(`anonsim: running shard ${shard.index}/${shard.count} (from ${sharding.choice?.source})\n`);

  // Pre-flight: nothing below (not even removing old checkpoints) may run while another run holds the folder.
  const need = estimateDiskBytes(cells, {
    messages,
    ...(flags.log ? { logBytes: estimateLogBytes(cells) } : {}),
  });
  // Memory: the largest job per worker, and the finished jobs' rows the main thread holds.
  const memory = memoryPlan(
    estimateMemory(cells, need.checkpoints),
    Math.min(workers, jobs.length),
    io.env ?? process.env,
  );
  if ('problem' in memory)
    throw new ScenarioError([{ file: 'argv', line: 1, col: 1, path: '(memory)', ...memory.problem }]);
  if (memory.warning) io.err(memory.warning);
  if (memory.workers < Math.min(workers, jobs.length)) workers = memory.workers;
  // Signals are caught from here on: a SIGTERM right after the lock is taken still releases it.
  const controller = new AbortController();
  const logRoot = flags.log ? join(outDir, LOG_DIR) : null;
  const removeHandlers = onInterrupt(
    controller,
    io,
    'stopping workers, keeping finished jobs, removing temporary files',
    () => {
      if (logRoot) removeLogTempSync(logRoot);
    },
  );
  const pre = preflight(outDir, { lockName: lockName(shard), need });
  if (!pre.ok) {
    removeHandlers();
    throw new ScenarioError([outProblem(pre.problem.message, pre.problem.expected)]);
  }
  for (const w of pre.warnings) io.err(w);
  // What a killed run (SIGKILL, a crash) left half-written: staging folders and temporary job files.
  // Shards may share a folder, so only a whole run (which excludes them) may sweep it.
  if (!shard) {
    removeStaleStagingSync(outDir);
    await removeStaleTemp(outDir);
  }
  try {
    // Finished jobs: reused with --resume (only after checking they belong to this run), else discarded.
    const done = new Map<number, JobResult>();
    if (flags.resume) {
      await removeStaleTemp(outDir);
      const bad = new Map<string, number[]>();
      for (const i of listJobFiles(outDir)) {
        if (!mine(i)) continue;
        let why: string | null;
        try {
          const f = readJobFile(outDir, i);
          why = jobFileProblem(f, id, i, jobs);
          if (!why) done.set(i, f.result);
        } catch (e) {
          why = e instanceof Error ? e.message : String(e);
        }
        if (why) bad.set(why, [...(bad.get(why) ?? []), i]);
      }
      if (bad.size > 0)
        throw new ScenarioError(
          [...bad].map(([why, idx]) => ({
            file: idx.length === 1 ? jobPath(outDir, idx[0]) : join(outDir, JOBS_DIR),
            line: 1,
            col: 1,
            path: idx.length === 1 ? '(file)' : `jobs ${idx.join(', ')}`,
            message: why,
            expected: `job files of this run (remove ${join(outDir, JOBS_DIR)} or run without --resume)`,
          })),
        );
      const selected = shard ? shardJobs(shard, jobs.length).length : jobs.length;
      if (!flags.quiet) io.err(`anonsim: resuming: ${done.size} of ${selected} jobs already finished\n`);
    } else if (shard) {
      // Several shards may share one folder: only this shard's own job files are stale.
      for (const i of shardJobs(shard, jobs.length)) await rm(jobPath(outDir, i), { force: true });
    } else {
      await rm(join(outDir, JOBS_DIR), { recursive: true, force: true });
    }
    if (shard) {
      const manifest: ShardManifest = {
        format: SHARD_FORMAT,
        ...id,
        shard,
        source: sharding.choice?.source ?? '--shard',
        jobs: shardJobs(shard, jobs.length),
        scenario: scenarioToPlain(scenario),
        commit: gitCommit(),
      };
      await ensureOutputDir(outDir);
      await writeAtomic(join(outDir, shardManifestName(shard)), `${encodeJson(manifest, 2)}\n`);
    }

    if (logRoot) await prepareLogDir(outDir, flags.resume === true);
    const progress = makeProgress(io, flags.quiet === true);
    const t0 = performance.now();
    let saved = 0;
    try {
      const runOpts: RunOptions = {
        workers,
        messages,
        onProgress: (phase, n, total, i) =>
          progress.update(
            phase,
            n,
            total,
            i === undefined ? undefined : jobLabel(jobs[i], scenario.designs[jobs[i].designIndex].name),
          ),
        signal: controller.signal,
        done,
        select: mine,
        onJob: async (i, r) => {
          await writeJobFile(outDir, id, i, jobs[i], r);
          saved++;
        },
        ...(logRoot ? { log: { root: logRoot, mode: 'write' as const } } : {}),
      };
      // With --precision, only the first n replicates are kept and written as a run of n.
      const reached =
        precision === undefined
          ? null
          : await runToPrecision(cells, runOpts, { halfWidth: precision, cap: scenario.replicates });
      const results = reached ? reached.results : await runJobs(cells, runOpts);
      if (reached) {
        scenario = { ...scenario, replicates: reached.outcome.replicates };
        cells = withReplicates(cells, reached.outcome.replicates);
      }
      if (controller.signal.aborted) throw controller.signal.reason ?? new Interrupted();
      // A --precision run that stopped at n replicates saved a log of n replicates (later ones are not indexed).
      if (logRoot)
        await writeLogIndex(logRoot, reached ? { ...raw, replicates: scenario.replicates } : raw, plannedWorlds(cells));
      if (shard) {
        progress.stop();
        if (!flags.quiet)
          io.out(
            `shard ${shard.index}/${shard.count}: ${results.size} of ${jobs.length} jobs finished (${done.size} resumed); results: ${outDir}\n`,
          );
        return 0;
      }
      const result = mergeResults(
        inJobOrder(results),
        cells,
        scenario.sweep.map((s) => s.path),
      );
      const written = await writeResults(outDir, result, {
        scenario,
        workers,
        wallTimeS: (performance.now() - t0) / 1000,
        messages,
        signal: controller.signal,
        report: writeReport,
        rates: sweepRates(
          cells,
          scenario.sweep.map((s) => s.path),
        ),
        ...(reached ? { extra: { precision: precisionManifest(reached.outcome) } } : {}),
      });
      if (reached && !flags.quiet) io.err(precisionLine(reached.outcome));
      else if (reached && !reached.outcome.reached) io.err(precisionLine(reached.outcome));
      // The CSVs are in place: the checkpoints are no longer needed.
      await rm(join(outDir, JOBS_DIR), { recursive: true, force: true });
      progress.stop();
      if (written.reportError) io.err(`anonsim: warning: report.html was not written: ${written.reportError}\n`);
      if (!flags.quiet) {
        io.out(`${summaryTable(result, scenario.compare)}\n\n`);
        io.out(written.report ? `report: ${written.report}\n` : `results: ${written.dir}\n`);
      }
      return 0;
    } catch (e) {
      progress.stop();
      if (logRoot) removeLogTempSync(logRoot);
      const fault = machineFault(e);
      const exit = fault ? undefined : interruptExit(controller.signal.aborted ? controller.signal.reason : e);
      if (!fault && exit === undefined) throw e;
      // A fault of the machine or an interruption: one line each, no stack trace (unless ANONSIM_DEBUG=1).
      if (fault) io.err(`anonsim: ${fault.message}\n`);
      if (fault && process.env.ANONSIM_DEBUG === '1')
        io.err(`${(fault.cause as Error | undefined)?.stack ?? fault.stack}\n`);
      const kept = done.size + saved;
      const total = shard ? shardJobs(shard, jobs.length).length : jobs.length;
      io.err(
        kept > 0
          ? `anonsim: ${kept} of ${total} jobs finished and are kept in ${join(outDir, JOBS_DIR)}; ${fault ? 'once that is fixed, ' : ''}continue with: ${resumeCommand(argv.args)}\n`
          : 'anonsim: no job had finished, so nothing is kept; run the same command again to start over\n',
      );
      return fault ? 1 : (exit as number);
    }
  } finally {
    removeHandlers();
    pre.lock.release();
  }
}
