/**
 * Progress bar for `anonsim run` (cli-progress): one bar, relabelled per phase
 * (simulate, attack, …), with ETA. Drawn only on a terminal and without --quiet; otherwise
 * every call is a no-op, so output piped to a file stays clean.
 */
import cliProgress from 'cli-progress';
import type { Io } from './io.js';

export interface Progress {
  update(phase: string, done: number, total: number): void;
  stop(): void;
}

export function makeProgress(io: Io, quiet: boolean): Progress {
  if (quiet || !io.isTTY) return { update() {}, stop() {} };
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
