/**
 * Progress of `anonsim run` on stderr, decided by stderr alone (stdout may be redirected to a
 * file while someone watches the terminal): on a terminal, one bar (cli-progress), relabelled per
 * phase, with ETA; otherwise one line per finished job (`anonsim: job 3/24 done …`), so a log
 * file or a batch system's output shows the run moving. `--quiet` silences both.
 */
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import type { Io } from './io.js';

export interface Progress {
  /** `what` describes the job that just finished (non-terminal lines only); absent for the first call. */
  update(phase: string, done: number, total: number, what?: string): void;
  stop(): void;
}

function seconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/** One stderr line per finished job, with elapsed wall time (never in a CSV). */
function lineProgress(io: Io): Progress {
  const t0 = performance.now();
  return {
    update(phase, done, total, what) {
      if (what === undefined) return;
      const width = String(total).length;
      io.err(
        `anonsim: ${phase} ${String(done).padStart(width)}/${total} done: ${what} (${seconds((performance.now() - t0) / 1000)} elapsed)\n`,
      );
    },
    stop() {},
  };
}

export function makeProgress(io: Io, quiet: boolean): Progress {
  if (quiet) return { update() {}, stop() {} };
  if (!io.isTTY) return lineProgress(io);
  let bar: cliProgress.SingleBar | null = null;
  let current = '';
  return {
    update(phase, done, total) {
      if (!bar || phase !== current) {
        bar?.stop();
        current = phase;
        bar = new cliProgress.SingleBar(
          {
            format: '{phase} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}',
            stream: io.progressStream ?? process.stderr,
            hideCursor: true,
            clearOnComplete: false,
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, { phase: phase.padEnd(9) });
      } else {
        bar.setTotal(total);
        bar.update(done, { phase: phase.padEnd(9) });
      }
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

/** What a finished job was, for progress lines: `replicate 2, simplex (cells 0, 3)`. */
export function jobLabel(job: { replicate: number; cells: { cell: number }[] }, design: string): string {
  const cells = job.cells.map((c) => c.cell);
  const where = cells.length === 1 && cells[0] === 0 ? '' : ` (cell${cells.length > 1 ? 's' : ''} ${cells.join(', ')})`;
  return `replicate ${job.replicate}, ${design}${where}`;
}
