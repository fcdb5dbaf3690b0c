/**
 * Interruption of a run (Ctrl-C, or SIGTERM as Slurm and Kubernetes send before preemption):
 * the first signal aborts the run's AbortSignal, so workers stop, jobs that finished are kept
 * (their checkpoint writes complete) and temporary files go; the exit code is 128 + the signal
 * (130, 143). A second signal exits at once after the synchronous clean-up (staging folders,
 * temporary job files, unfinished log worlds; the lock's exit handler removes the lock).
 */
import { removeStagingSync } from '../export/write.js';
import { removePendingTempSync } from '../pipeline/shard.js';
import type { Io } from './io.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

export const SIGNAL_EXIT: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

export class Interrupted extends Error {
  override readonly name = 'AbortError';
  constructor(readonly signal: StopSignal = 'SIGINT') {
    super(`interrupted (${signal})`);
  }
}

/** The exit code for an error that ended a run, when it is an interruption. */
export function interruptExit(e: unknown): number | undefined {
  if (e instanceof Interrupted) return SIGNAL_EXIT[e.signal];
  if (e instanceof Error && e.name === 'AbortError') return SIGNAL_EXIT.SIGINT;
  return undefined;
}

/**
 * Aborts `controller` on SIGINT, SIGTERM or `io.signal` (tests). `cleanupSync` runs before a
 * second signal's immediate exit. Returns the function that removes the handlers.
 */
export function onInterrupt(controller: AbortController, io: Io, what: string, cleanupSync: () => void): () => void {
  const handler = (signal: StopSignal) => () => {
    if (controller.signal.aborted) {
      removeStagingSync();
      removePendingTempSync();
      cleanupSync();
      process.exit(SIGNAL_EXIT[signal]);
    }
    io.err(`anonsim: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'} (${signal}); ${what}\n`);
    controller.abort(new Interrupted(signal));
  };
  const onInt = handler('SIGINT');
  const onTerm = handler('SIGTERM');
  const onExternal = () => controller.abort(new Interrupted('SIGINT'));
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  io.signal?.addEventListener('abort', onExternal, { once: true });
  if (io.signal?.aborted) onExternal();
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    io.signal?.removeEventListener('abort', onExternal);
  };
}

/** `args` as one shell command line (POSIX quoting where needed). */
export function shellLine(args: readonly string[]): string {
  return args.map((a) => (/^[\w./:=@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The command that continues this run: the same arguments with --resume. */
export function resumeCommand(args: readonly string[]): string {
  return `anonsim ${shellLine(args.includes('--resume') ? args : [...args, '--resume'])}`;
}
