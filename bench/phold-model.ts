// PHOLD (CONTRACT §6) on src/core's Sim: the model and its timed measurement, shared by
// bench:core (against SimPy 3) and bench:e2e (the machine's typed-array event rate, measured in
// the same run as the end-to-end points so that runs on different machines compare).
import { type Rng, randExp, randInt, Streams } from '../src/core/rng.js';
import { Sim } from '../src/core/sim.js';
import { SEC } from '../src/core/time.js';

export const M = 10;
export const LOOKAHEAD = 0.1 * SEC;
export const REPEATS = 3;

export interface Phold {
  sim: Sim;
  /** PHOLD event rate per simulated ns: N·M pending events, each with mean delay 1.1 s. */
  perNs: number;
}

/** Builds PHOLD: every event waits exp(1 s) + 0.1 s lookahead, then lands on a uniformly random LP. */
export function phold(n: number, rng: Rng, capacity?: number): Phold {
  const sim = new Sim(capacity);
  const onEvent = (_lp: number): void => {
    sim.schedule(Math.round(randExp(rng, SEC)) + LOOKAHEAD, onEvent, randInt(rng, n));
  };
  for (let lp = 0; lp < n; lp++) for (let j = 0; j < M; j++) sim.schedule(Math.round(randExp(rng, SEC)), onEvent, lp);
  return { sim, perNs: (n * M) / (SEC + LOOKAHEAD) };
}

/** Events/s: best of REPEATS by wall clock, and by this process's CPU time (robust to other load). */
export interface Rate {
  best: number;
  runs: number[];
  bestCpu: number;
}

/** Times REPEATS runs after a warm-up; each timed run continues the same steady-state model. */
export function measure(n: number, events: number): Rate {
  const { sim, perNs } = phold(n, new Streams(1).stream('phold'));
  sim.run({ until: Math.max(events / 2 / perNs, SEC) }); // JIT warm-up and steady state
  const runs: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const f0 = sim.fired;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    sim.run({ until: sim.now + events / perNs });
    const s = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    runs.push((sim.fired - f0) / s);
    cpu.push((sim.fired - f0) / ((c.user + c.system) / 1e6));
  }
  if (sim.pending !== n * M) throw new Error(`PHOLD lost events: ${sim.pending} pending, expected ${n * M}`);
  return { best: Math.max(...runs), runs, bestCpu: Math.max(...cpu) };
}
