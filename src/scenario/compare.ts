/**
 * The `compare:` key: pairs of design items whose difference a run reports replicate by replicate
 * (paired by seed; compare.csv and the printed comparison):
 *
 *   compare:
 *     - [simplex, simplex-nopr]      # baseline first: differences are second − first
 *
 * Without the key, each variant of a per-design sweep (variants.ts) is compared with its item's
 * first variant. Both items of a pair run in every replicate with the same workload and, for one
 * design, the same placement and colluding draws (docs/architecture.md, common random numbers).
 */
import { type Checker, describeValue, nearMiss } from './fields.js';
import type { Variant } from './resolve.js';
import type { DesignItem } from './types.js';

export interface ComparePair {
  /** Baseline design item name. */
  a: string;
  /** Compared design item name (differences are b − a). */
  b: string;
}

const EXPECTED = 'a list of [baseline, other] pairs of design item names, e.g. - [simplex, simplex-nopr]';

/** Each variant against its item's first variant. */
export function variantPairs(variants: readonly Variant[]): ComparePair[] {
  const first = new Map<number, string>();
  const out: ComparePair[] = [];
  for (const v of variants) {
    const base = first.get(v.index);
    if (base === undefined) first.set(v.index, v.name);
    else out.push({ a: base, b: v.name });
  }
  return out;
}

export function resolveCompare(
  c: Checker,
  raw: unknown,
  designs: readonly DesignItem[] | undefined,
  variants: readonly Variant[],
): ComparePair[] | undefined {
  if (raw === undefined) return variantPairs(variants);
  if (!Array.isArray(raw)) {
    c.error('compare', `${describeValue(raw)} is not a list`, EXPECTED);
    return undefined;
  }
  const names = (designs ?? []).map((d) => d.name);
  const out: ComparePair[] = [];
  let ok = true;
  raw.forEach((pair: unknown, i) => {
    const at = `compare.${i}`;
    if (!Array.isArray(pair) || pair.length !== 2) {
      c.error(at, `${describeValue(pair)} is not a pair`, EXPECTED);
      ok = false;
      return;
    }
    const [a, b] = pair;
    let good = true;
    [a, b].forEach((n: unknown, j) => {
      if (typeof n !== 'string') {
        c.error(`${at}.${j}`, `${describeValue(n)} is not a design item name`, `one of ${names.join(', ')}`);
        good = false;
      } else if (designs && !names.includes(n)) {
        c.error(`${at}.${j}`, `no design item is named "${n}"`, `one of ${names.join(', ')}`, nearMiss(n, names));
        good = false;
      }
    });
    if (good && a === b) {
      c.error(`${at}.1`, `"${b}" is compared with itself`, 'two different design items');
      good = false;
    }
    if (good && out.some((p) => p.a === a && p.b === b)) {
      c.error(at, `[${a}, ${b}] is listed twice`, 'each pair once');
      good = false;
    }
    if (good) out.push({ a: a as string, b: b as string });
    else ok = false;
  });
  return ok ? out : undefined;
}
