/**
 * What the CLI touches of the outside world, injectable so tests can run `main()` in-process:
 * output streams, whether progress may be drawn, and an optional abort signal standing in for
 * Ctrl-C.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /**
   * stderr is a terminal: progress is drawn as a bar there; otherwise (a log file, a pipe, a batch
   * job) one line per finished job. stdout does not matter: `anonsim run x.yaml > out.txt` still
   * shows the bar.
   */
  isTTY: boolean;
  /** Extra interruption source besides SIGINT (tests). */
  signal?: AbortSignal;
  /** Stream the progress bar is drawn on. */
  progressStream?: NodeJS.WritableStream;
  /** Environment for shard detection (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX); default process.env. */
  env?: Record<string, string | undefined>;
}

export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
    progressStream: process.stderr,
  };
}
