/**
 * `anonsim run --precision H`: replicates until the 95 % interval of every top1 (every sweep
 * cell × design × adversary × attack, as aggregate.csv computes it) has a half-width — half of
 * hi − lo — of at most H, with `--replicates` (or the scenario's `replicates`) as the cap.
 *
 * The stopping rule sees only replicate results, in replicate order: the run stops at the
 * smallest n ≥ PRECISION_MIN_REPLICATES at which the first n replicates meet the target (or at
 * the cap). Replicates are run in batches sized to keep the workers busy, and any replicate
 * beyond n that a batch ran is dropped, so the batch size — hence the worker count — never
 * changes the result: the CSVs are byte-identical to a run with `--replicates n`.
 *
 * The minimum guards against stopping on a few replicates that agree by chance: with SimpleX's
 * 18 hosts a 10 % colluding set holds 2, and whether one of them stores a queue decides a
 * replicate; about half of the replicates sit at the blind guess, so three agreeing replicates
 * happen one time in eight, five one time in thirty.
 */
import { type AggregateRow, aggregateRows } from '../metrics/aggregate.js';
import type { JobResult } from './job.js';
import { type Cell, inJobOrder, planJobs, type RunOptions, runJobs } from './run.js';

export const PRECISION_MIN_REPLICATES = 5;

export interface Widest {
  row: AggregateRow;
  /** Half of the 95 % interval's width; +∞ when it is undefined (a NaN top1). */
  half: number;
}

export interface PrecisionOutcome {
  halfWidth: number;
  cap: number;
  /** Replicates kept (the first n). */
  replicates: number;
  reached: boolean;
  /** The top1 whose interval was widest at n. */
  widest: Widest | null;
}

/** The top1 row with the widest 95 % interval among `results` restricted to replicates < n. */
export function widestTop1(results: readonly JobResult[], n: number): Widest | null {
  const rows = results.flatMap((r) => (r.replicate < n ? r.summary : []));
  let widest: Widest | null = null;
  for (const row of aggregateRows(rows)) {
    const { lo, hi } = row.stats.top1;
    const half = Number.isFinite(lo) && Number.isFinite(hi) ? (hi - lo) / 2 : Number.POSITIVE_INFINITY;
    if (!widest || half > widest.half) widest = { row, half };
  }
  return widest;
}

/**
 * Runs replicates of `cells` (whose scenarios carry the cap as `replicates`) until the target is
 * met; resolves to the results of the first n replicates' jobs (planJobs indices, which are the
 * same in a plan of n replicates) and the outcome.
 */
export async function runToPrecision(
  cells: Cell[],
  opts: RunOptions,
  target: { halfWidth: number; cap: number },
): Promise<{ results: Map<number, JobResult>; outcome: PrecisionOutcome }> {
  const jobs = planJobs(cells, opts.messages);
  const { halfWidth, cap } = target;
  const perReplicate = jobs.filter((j) => j.replicate === 0).length;
  const first = Math.min(PRECISION_MIN_REPLICATES, cap);
  const batch = Math.max(1, Math.ceil((opts.workers || 1) / Math.max(1, perReplicate)));
  let results = new Map<number, JobResult>(opts.done ?? []);
  let upTo = first;
  let checked = first - 1;
  const keep = (n: number, reached: boolean, widest: Widest | null) => {
    const kept = new Map([...results].filter(([i]) => jobs[i].replicate < n));
    return { results: kept, outcome: { halfWidth, cap, replicates: n, reached, widest } };
  };
  for (;;) {
    const limit = upTo;
    results = await runJobs(cells, {
      ...opts,
      select: (i) => jobs[i].replicate < limit && (opts.select?.(i) ?? true),
      done: results,
    });
    const ordered = inJobOrder(results);
    let widest: Widest | null = null;
    for (let n = checked + 1; n <= upTo; n++) {
      widest = widestTop1(ordered, n);
      checked = n;
      if (widest && widest.half <= halfWidth) return keep(n, true, widest);
    }
    if (upTo >= cap) return keep(cap, false, widest);
    upTo = Math.min(cap, upTo + batch);
  }
}

/** The cells of a run of `n` replicates (what the kept results are merged and written as). */
export function withReplicates(cells: Cell[], n: number): Cell[] {
  return cells.map((c) => ({ ...c, scenario: { ...c.scenario, replicates: n } }));
}

/** One line for stderr about how the run ended. */
export function precisionLine(o: PrecisionOutcome): string {
  const w = o.widest;
  const where = w
    ? `${w.row.design} · ${w.row.adversary} · ${w.row.attack}${w.row.sweep.length > 0 ? ` (cell ${w.row.cell})` : ''}`
    : '';
  const half = w && Number.isFinite(w.half) ? Number(w.half.toPrecision(3)) : 'undefined';
  return o.reached
    ? `anonsim: precision: every top1's 95% half-width ≤ ${o.halfWidth} after ${o.replicates} replicates (widest ${half}: ${where})\n`
    : `anonsim: warning: precision ${o.halfWidth} not reached within ${o.cap} replicates (widest top1 half-width ${half}: ${where}); raise --replicates or accept the wider intervals\n`;
}

/** What manifest.json records of a --precision run (`precision`). */
export function precisionManifest(o: PrecisionOutcome): Record<string, unknown> {
  const w = o.widest;
  return {
    halfWidth: o.halfWidth,
    cap: o.cap,
    minReplicates: PRECISION_MIN_REPLICATES,
    replicates: o.replicates,
    reached: o.reached,
    widest: w
      ? {
          cell: w.row.cell,
          design: w.row.design,
          adversary: w.row.adversary,
          attack: w.row.attack,
          halfWidth: Number.isFinite(w.half) ? w.half : null,
        }
      : null,
  };
}
