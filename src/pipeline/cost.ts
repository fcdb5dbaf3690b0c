/**
 * What a run will do and roughly what it will cost, from the plan alone (nothing simulated):
 * sweep cells, simulation jobs, simulated worlds (a job simulates one world, plus a second one
 * when timing learns its laws out of sample), expected deliveries, attack evaluations, and a
 * rough CPU and wall time. `anonsim validate` prints it.
 *
 * The time is a linear model: per world, expected deliveries × a per-design simulation cost;
 * per attack evaluation (adversary × attack on one world), deliveries × an attack cost. Measured
 * as CPU seconds (which barely move with the machine's load) at main 37d3090: the attack cost from
 * `npm run bench:e2e -- --sizes 1000,3162,10000` (the default scenario: 16.1, 44.5 and 154.4 CPU s,
 * i.e. 85–87 µs per delivery and evaluation at 10³ and 10⁴ users, linear in users); the
 * simulation costs from `anonsim run scenarios/default.yaml --set workload.users=100000 --set
 * 'attacks=[identifier]'` with ANONSIM_PROFILE=1 (wall seconds per design scaled by the run's
 * CPU/wall ratio, 345 k deliveries per design). The mixnet's was not re-measured (its older,
 * slower figure is kept). Attacks on global observers, high loads (where the timing attack's work
 * caps bind, and above ≈ 10 messages/s in total: `loadFactor`) and long runs cost more per delivery
 * than the mean: treat the estimate as good to a factor of about three.
 */
import { plannedView } from '../adversary/adversaries.js';
import { attackNeeds } from '../attacks/attack.js';
import { ATTACKS } from '../attacks/registry.js';
import { DESIGNS } from '../designs/registry.js';
import { expectedTraffic } from '../workload/expected.js';
import type { JobSpec } from './job.js';
import { type Cell, planJobs } from './run.js';

/** Simulation seconds per expected delivery, by design id (see module comment). */
const SIM_S_PER_DELIVERY: Record<string, number> = {
  signal: 65e-6,
  session: 120e-6,
  simplex: 50e-6,
  matrix: 45e-6,
  mixnet: 550e-6,
};
const SIM_S_DEFAULT = 550e-6;
/**
 * Attack seconds per expected delivery and evaluation: 90 µs when the default scenario's runs
 * were counted as 48 evaluations (12 per design), rescaled to the 44 it makes (Signal's server
 * and colluding set are one view, see `evaluations`), so its estimate stays the measured one.
 */
const ATTACK_S_PER_DELIVERY = (90e-6 * 48) / 44;
/**
 * An evaluation's cost relative to that mean, by design id: attack + evaluate seconds per
 * evaluation of the default scenario at 10^4 users (ANONSIM_PROFILE=1, main 927f1e2, one worker):
 * Signal 34.5, SimpleX 27.3, Session 21.0, Matrix 12.5, over their mean of 22.8 per evaluation
 * (so the default scenario's total is unchanged). They rank the jobs for the worker pool
 * (run.ts `submissionOrder`), which the plain per-delivery rate ranked wrong (Signal last).
 */
const ATTACK_FACTOR: Record<string, number> = { signal: 1.51, simplex: 1.2, session: 0.92, matrix: 0.55 };
/**
 * Above an aggregate send rate Λ of about 10 messages/s an evaluation costs more per delivery:
 * flow's and disclosure's windows hold Λ × window senders, so pairs scored per delivery grow with
 * Λ, and timing's windows fill (its caps widen more). Measured on Signal's global observer, 10 min
 * runs (session 8), flow per delivery ×1 / ×1.6 / ×3.2 / ×8.3 at Λ ≈ 6 / 20 / 63 / 200 (3162 /
 * 10^4 / 31 623 / 10^5 users), which (Λ / 10)^0.7 gives as 1 / 1.6 / 3.6 / 8.1; the default scenario
 * at 10^4 users (Λ ≈ 20) measured 246 CPU s (2 workers, main ddd845d) against 227 estimated with it
 * (140 without). The rates above were measured at 10^3 users (Λ ≈ 2), where the factor is 1.
 */
const LOAD_REF_PER_S = 10;
const LOAD_EXPONENT = 0.7;

/** The attack cost's per-delivery factor at aggregate send rate `lambda` (messages/s). */
export function loadFactor(lambda: number): number {
  return lambda > LOAD_REF_PER_S ? (lambda / LOAD_REF_PER_S) ** LOAD_EXPONENT : 1;
}

export interface CostEstimate {
  cells: number;
  replicates: number;
  designs: number;
  jobs: number;
  worlds: number;
  /** Expected scored-or-not deliveries over all worlds. */
  deliveries: number;
  evaluations: number;
  cpuSeconds: number;
}

/**
 * Attack evaluations a job makes: distinct (view, attack, warmup, attack parameters) over its
 * cells, as job.ts caches them (adversaries that hold the same hosts, e.g. Signal's server and
 * any colluding set of its one service, count once).
 */
export function evaluations(job: JobSpec): { count: number; calibrated: boolean } {
  const keys = new Set<string>();
  let calibrated = false;
  for (const { scenario } of job.cells) {
    const item = scenario.designs[job.designIndex];
    const infra = DESIGNS.get(item.design)?.infraHosts(item.params) ?? 0;
    for (const adv of scenario.adversaries) {
      const view = plannedView(adv, infra);
      for (const a of scenario.attacks) {
        const params = scenario.attackParams[a] ?? {};
        const attack = ATTACKS.get(a);
        if (attack && attackNeeds(attack, params).laws === 'independent-run') calibrated = true;
        keys.add(JSON.stringify([view, a, scenario.warmup, params]));
      }
    }
  }
  return { count: keys.size, calibrated };
}

/** Estimated CPU seconds of one job, and its worlds, deliveries and evaluations. */
export function jobCost(job: JobSpec): { cpuSeconds: number; worlds: number; deliveries: number; evaluations: number } {
  const s = job.cells[0].scenario;
  const item = s.designs[job.designIndex];
  const traffic = expectedTraffic(s.workload, s.duration);
  const per = traffic.deliveries;
  const lambda = traffic.messages / (s.duration / 1e9);
  const e = evaluations(job);
  const w = e.calibrated ? 2 : 1;
  const sim = w * per * (SIM_S_PER_DELIVERY[item.design] ?? SIM_S_DEFAULT);
  const attacks = e.count * per * ATTACK_S_PER_DELIVERY * (ATTACK_FACTOR[item.design] ?? 1) * loadFactor(lambda);
  return { cpuSeconds: sim + attacks, worlds: w, deliveries: w * per, evaluations: e.count };
}

export function estimateCost(cells: Cell[]): CostEstimate {
  const base = cells[0].scenario;
  const jobs = planJobs(cells, false);
  let worlds = 0;
  let deliveries = 0;
  let evals = 0;
  let cpu = 0;
  for (const job of jobs) {
    const c = jobCost(job);
    worlds += c.worlds;
    deliveries += c.deliveries;
    evals += c.evaluations;
    cpu += c.cpuSeconds;
  }
  return {
    cells: cells.length,
    replicates: base.replicates,
    designs: base.designs.length,
    jobs: jobs.length,
    worlds,
    deliveries,
    evaluations: evals,
    cpuSeconds: cpu,
  };
}

function duration(s: number): string {
  if (s < 90) return `${Math.max(1, Math.round(s))} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function count(n: number): string {
  const r = n >= 100 ? Number(n.toPrecision(2)) : Math.round(n);
  return r.toLocaleString('en-US');
}

/** The lines `anonsim validate` prints on stderr. */
export function costLines(c: CostEstimate, workers: number): string[] {
  const parallel = Math.max(1, Math.min(workers, c.jobs));
  const calib = c.worlds > c.jobs ? ` (${c.worlds - c.jobs} of them to calibrate timing out of sample)` : '';
  return [
    `${c.cells} sweep cell${c.cells === 1 ? '' : 's'} × ${c.replicates} replicate${c.replicates === 1 ? '' : 's'} × ${c.designs} design item${c.designs === 1 ? '' : 's'}: ${c.jobs} simulation job${c.jobs === 1 ? '' : 's'}, ${c.worlds} simulated world${c.worlds === 1 ? '' : 's'}${calib}`,
    `about ${count(c.deliveries)} deliveries simulated and ${c.evaluations} attack evaluations (adversary × attack on one world)`,
    `rough cost: ${duration(c.cpuSeconds)} of CPU, about ${duration(c.cpuSeconds / parallel)} with ${parallel} worker${parallel === 1 ? '' : 's'} (measured rates of a loaded 2-core machine; good to a factor of about three)`,
  ];
}
