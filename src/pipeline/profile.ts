/**
 * `ANONSIM_PROFILE=1`: where a run's time goes, one stderr line per simulation and per attack
 * evaluation (`profile <design> <adversary> <attack> <stage> <s>`, wall seconds of the thread that
 * ran it). Diagnostics only: nothing here reaches an output file, so results stay deterministic.
 */
const ON = typeof process !== 'undefined' && process.env?.ANONSIM_PROFILE === '1';

/** Runs `f`; with profiling on, writes how long it took under `label`. */
export function profiled<T>(label: string, f: () => T): T {
  if (!ON) return f();
  const t0 = performance.now(); // wall-clock ok: stderr diagnostics, never an output
  const value = f();
  const s = (performance.now() - t0) / 1000; // wall-clock ok
  process.stderr.write(`profile ${label} ${s.toFixed(2)}\n`);
  return value;
}
