/**
 * Errors that carry where they came from. `InputError` is bad user input (scenario, flags,
 * distribution strings) and maps to exit code 2; anything else is an internal error (exit 1).
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    /** Key path in the scenario (e.g. `designs.1.relays`), empty when not known. */
    readonly path = '',
    /** What a valid value looks like, for the `; expected …` part of the message. */
    readonly expected = '',
  ) {
    super(message);
  }
}

/** Levenshtein distance, for `did you mean …?` suggestions. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n];
}

/** The closest candidate within a typo's distance, or undefined. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  const lw = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lw, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestD <= limit ? best : undefined;
}

/**
 * A fault of the machine while reading or writing files (disk full, I/O error, permission or
 * read-only filesystem, quota, too many open files): not bad input and not a bug, so the CLI prints
 * one line naming the file and the error, no stack trace, and exits 1. Built from a Node error by
 * `machineFault`, which also reads the code from the message of an error that crossed from a worker
 * thread (structured cloning keeps the message but drops `code` and `path`).
 */
export class MachineFault extends Error {
  override readonly name = 'MachineFault';
  constructor(
    /** errno code: ENOSPC, EIO, EACCES, … */
    readonly code: string,
    /** The file or folder being written. */
    readonly path: string,
    /** The system's words for it: "no space left on device". */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot write ${path}: ${detail} (${code})`, options);
  }
}

const MACHINE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EACCES', 'EPERM', 'EROFS', 'EFBIG', 'EMFILE', 'ENFILE']);

/**
 * The MachineFault `e` is, or null when it is something else. `path` names the file when the
 * error does not (a failed write on an open file has no path).
 */
export function machineFault(e: unknown, path?: string): MachineFault | null {
  if (e instanceof MachineFault) return e;
  if (!(e instanceof Error)) return null;
  const err = e as NodeJS.ErrnoException;
  // "ENOSPC: no space left on device, write" / "EACCES: permission denied, open '/x/y'"
  const m = /^(E[A-Z]+): ([^,]+)(?:, \w+(?: '([^']*)')?)?/.exec(err.message);
  const code = err.code ?? m?.[1];
  if (!code || !MACHINE_CODES.has(code)) return null;
  return new MachineFault(code, path ?? err.path ?? m?.[3] ?? '(unknown file)', m?.[2] ?? err.message, { cause: e });
}
