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
