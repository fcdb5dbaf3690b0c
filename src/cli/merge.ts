/**
 * `anonsim merge DIR… [-o OUT]`: combines the shard folders of one run (written by
 * `anonsim run --shard I/N`) into exactly the files a single-machine run writes. The plan is
 * rebuilt from the scenario stored in the shard manifests, every job file is checked against
 * it, and the results go through the same mergeResults and writer as `anonsim run`, so the
 * CSVs are byte-identical. Refused (exit 2, one line per problem): shards of different
 * scenarios, anonsim versions or --messages settings, a job claimed by two shards, and jobs
 * that no shard finished (named, with the shard that should have run them).
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { anonsimVersion } from '../core/package.js';
import { sweepRates } from '../export/rates.js';
import { writeReport } from '../export/report.js';
import { writeResults } from '../export/write.js';
import { estimateDiskBytes } from '../pipeline/disk-estimate.js';
import type { JobResult } from '../pipeline/job.js';
import { inJobOrder, mergeResults, planJobs, scenarioCells } from '../pipeline/run.js';
import {
  decodeJson,
  describeJob,
  jobFileProblem,
  jobPath,
  readJobFile,
  SHARD_FORMAT,
  type ShardManifest,
  scenarioHash,
  shardJobs,
} from '../pipeline/shard.js';
import { type Problem, ScenarioError } from '../scenario/errors.js';
import { resolveScenario } from '../scenario/resolve.js';
import { sweepCells } from '../scenario/sweep.js';
import type { Argv } from './argv.js';
import type { Io } from './io.js';
import { LOCK_FILE } from './lock.js';
import { preflight } from './preflight.js';
import { summaryTable } from './table.js';

export interface MergeFlags {
  out?: string;
  quiet?: boolean;
}

interface Loaded {
  dir: string;
  path: string;
  manifest: ShardManifest;
}

const at = (file: string, path: string, message: string, expected: string): Problem => ({
  file,
  line: 1,
  col: 1,
  path,
  message,
  expected,
});

/** "0, 3, 6" — at most 20 indices, then "… (N in all)". */
function list(idx: number[]): string {
  return idx.length <= 20 ? idx.join(', ') : `${idx.slice(0, 20).join(', ')}, … (${idx.length} in all)`;
}

const jobsText = (idx: number[]) => `job${idx.length === 1 ? '' : 's'} ${list(idx)}`;

const label = (s: Loaded) => `shard ${s.manifest.shard.index}/${s.manifest.shard.count} in ${s.dir}`;

/** Reads every shard manifest of every folder; problems for folders that hold none. */
function loadManifests(dirs: string[], argv: Argv, problems: Problem[]): Loaded[] {
  const shards: Loaded[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      problems.push(
        argv.problem(
          dir,
          existsSync(dir) ? 'is not a folder' : 'does not exist',
          'a folder written by anonsim run --shard',
        ),
      );
      continue;
    }
    const names = readdirSync(dir)
      .filter((f) => /^shard-\d+-of-\d+\.json$/.test(f))
      .sort();
    if (names.length === 0) {
      problems.push(
        argv.problem(dir, 'has no shard manifest (shard-I-of-N.json)', 'a folder written by anonsim run --shard I/N'),
      );
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      let manifest: ShardManifest;
      try {
        manifest = decodeJson<ShardManifest>(readFileSync(path, 'utf8'));
      } catch (e) {
        problems.push(at(path, '(file)', `is not valid JSON (${(e as Error).message})`, 'a shard manifest'));
        continue;
      }
      if (manifest.format !== SHARD_FORMAT) {
        problems.push(at(path, 'format', `unknown format "${String(manifest.format)}"`, SHARD_FORMAT));
        continue;
      }
      shards.push({ dir, path, manifest });
    }
  }
  return shards;
}

export async function mergeCommand(dirs: string[], flags: MergeFlags, argv: Argv, io: Io): Promise<number> {
  const t0 = performance.now();
  const problems: Problem[] = [];
  const shards = loadManifests(dirs, argv, problems);
  if (problems.length > 0 || shards.length === 0) throw new ScenarioError(problems);

  // One run: same version (also as this binary, which computes the aggregates), scenario and flags.
  const first = shards[0];
  const version = anonsimVersion();
  for (const s of shards) {
    const m = s.manifest;
    if (m.anonsim !== version)
      problems.push(
        at(
          s.path,
          'anonsim',
          `written by anonsim ${m.anonsim}, this is anonsim ${version}`,
          `shards run by anonsim ${version}`,
        ),
      );
    if (m.scenarioHash !== first.manifest.scenarioHash)
      problems.push(
        at(
          s.path,
          'scenarioHash',
          `is a different scenario (${m.scenarioHash.slice(0, 12)}…) from ${first.path} (${first.manifest.scenarioHash.slice(0, 12)}…)`,
          'shards of one run (same scenario, seed, replicates and --set overrides)',
        ),
      );
    else if (m.messages !== first.manifest.messages)
      problems.push(
        at(
          s.path,
          'messages',
          `ran ${m.messages ? 'with' : 'without'} --messages, ${first.path} ${first.manifest.messages ? 'with' : 'without'}`,
          'shards run with the same --messages setting',
        ),
      );
  }
  if (problems.length > 0) throw new ScenarioError(problems);

  // Rebuild the plan from the stored scenario; its hash must reproduce (the manifest is intact).
  const plain = first.manifest.scenario;
  let resolved: ReturnType<typeof resolveScenario>;
  try {
    resolved = resolveScenario(structuredClone(plain), first.path);
  } catch (e) {
    if (e instanceof ScenarioError)
      throw new ScenarioError(e.problems.map((p) => ({ ...p, path: `scenario.${p.path}` })));
    throw e;
  }
  const scenario = resolved.scenario;
  if (scenarioHash(scenario) !== first.manifest.scenarioHash)
    throw new ScenarioError([
      at(first.path, 'scenario', 'does not match its scenarioHash (edited?)', 'an unmodified shard manifest'),
    ]);
  const messages = first.manifest.messages;
  const cells = scenarioCells(scenario, sweepCells(scenario, structuredClone(plain), first.path));
  const jobs = planJobs(cells, messages);
  const id = { anonsim: version, scenarioHash: first.manifest.scenarioHash, messages, jobCount: jobs.length };

  // Each job is claimed by exactly one shard.
  const owner = new Map<number, Loaded>();
  const dup = new Map<string, { a: Loaded; b: Loaded; jobs: number[] }>();
  for (const s of shards) {
    const m = s.manifest;
    const expected = shardJobs(m.shard, jobs.length);
    if (m.jobCount !== jobs.length || JSON.stringify(m.jobs) !== JSON.stringify(expected)) {
      problems.push(
        at(
          s.path,
          'jobs',
          `does not match the ${jobs.length}-job plan of its scenario`,
          'an unmodified shard manifest',
        ),
      );
      continue;
    }
    for (const j of m.jobs) {
      const o = owner.get(j);
      if (!o) {
        owner.set(j, s);
        continue;
      }
      const key = `${o.path}\0${s.path}`;
      const d = dup.get(key) ?? { a: o, b: s, jobs: [] };
      d.jobs.push(j);
      dup.set(key, d);
    }
  }
  for (const d of dup.values())
    problems.push(
      at(
        d.b.path,
        'jobs',
        realpathSync(d.a.path) === realpathSync(d.b.path)
          ? `${label(d.b)} is given more than once`
          : `${label(d.b)} duplicates ${jobsText(d.jobs)} of ${label(d.a)}`,
        'each shard given once, and one shard count per run',
      ),
    );
  const unowned: number[] = [];
  for (let j = 0; j < jobs.length; j++) if (!owner.has(j)) unowned.push(j);
  if (unowned.length > 0) {
    const counts = [...new Set(shards.map((s) => s.manifest.shard.count))];
    const absent =
      counts.length === 1
        ? Array.from({ length: counts[0] }, (_, i) => i)
            .filter((i) => !shards.some((s) => s.manifest.shard.index === i))
            .map((i) => `${i}/${counts[0]}`)
        : [];
    problems.push(
      argv.problem(
        dirs[0],
        `${jobsText(unowned)} of ${jobs.length} ${unowned.length === 1 ? 'is' : 'are'} in no given shard${absent.length > 0 ? ` (missing shards ${absent.join(', ')})` : ''}`,
        'the folders of every shard of the run',
      ),
    );
  }
  if (problems.length > 0) throw new ScenarioError(problems);

  // Every claimed job finished, and its file belongs to this run.
  const results = new Map<number, JobResult>();
  for (const s of shards) {
    const unfinished: number[] = [];
    for (const j of s.manifest.jobs) {
      if (!existsSync(jobPath(s.dir, j))) {
        unfinished.push(j);
        continue;
      }
      let why: string | null;
      try {
        const f = readJobFile(s.dir, j);
        why = jobFileProblem(f, id, j, jobs);
        if (!why) results.set(j, f.result);
      } catch (e) {
        why = (e as Error).message;
      }
      if (why) problems.push(at(jobPath(s.dir, j), '(file)', why, `a job file of ${label(s)}`));
    }
    if (unfinished.length > 0)
      problems.push(
        at(
          s.path,
          'jobs',
          `${label(s)} did not finish ${unfinished.length === 1 ? describeJob(unfinished[0], jobs[unfinished[0]]) : `jobs ${list(unfinished)}`}`,
          'every job finished (run the shard again with --resume)',
        ),
      );
  }
  if (problems.length > 0) throw new ScenarioError(problems);

  const result = mergeResults(
    inJobOrder(results),
    cells,
    scenario.sweep.map((s) => s.path),
  );
  const outDir = flags.out ?? join('results', scenario.name);
  // As a run: the output folder is ours alone while we write it, and must hold what we write.
  const pre = preflight(outDir, {
    lockName: LOCK_FILE,
    need: { ...estimateDiskBytes(cells, { messages }), checkpoints: 0 },
  });
  if (!pre.ok)
    throw new ScenarioError([
      flags.out !== undefined
        ? argv.problem('-o', pre.problem.message, pre.problem.expected)
        : {
            file: 'argv',
            line: 1,
            col: 1,
            path: '(output)',
            message: pre.problem.message,
            expected: pre.problem.expected,
          },
    ]);
  for (const w of pre.warnings) io.err(w);
  let written: Awaited<ReturnType<typeof writeResults>>;
  try {
    written = await writeResults(outDir, result, {
      scenario,
      workers: 1,
      wallTimeS: (performance.now() - t0) / 1000,
      messages,
      report: writeReport,
      rates: sweepRates(
        cells,
        scenario.sweep.map((s) => s.path),
      ),
      extra: { merged: { shards: shards.map((s) => ({ shard: s.manifest.shard, dir: s.dir })) } },
    });
  } finally {
    pre.lock.release();
  }
  if (written.reportError) io.err(`anonsim: warning: report.html was not written: ${written.reportError}\n`);
  if (!flags.quiet) {
    io.out(`${summaryTable(result, scenario.compare)}\n\n`);
    io.out(written.report ? `report: ${written.report}\n` : `results: ${written.dir}\n`);
  }
  return 0;
}
