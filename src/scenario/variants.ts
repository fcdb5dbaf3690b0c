/**
 * Per-design sweeps: a design item's own `sweep:` turns it into variants of that design alone,
 * listed side by side in one run, instead of a grid that repeats every other design in each cell.
 *
 *   designs:
 *     - design: simplex
 *       sweep: { privateRouting: [always, never] }   # → simplex[privateRouting=always], simplex[privateRouting=never]
 *     - design: session
 *       sweep: { guards: [2, 0] }                    # → session[guards=2], session[guards=0]
 *
 * Several keys in one item's sweep make the grid of their values (first key slowest). Variants
 * are ordinary design items: named `<name>[<key>=<value>,…]` (`<name>` is the item's `name`, or
 * its design id), drawing from the same random streams (keyed by the design id), so they are
 * compared on the same relays, swarms and colluding sets replicate by replicate; each variant is
 * compared with the item's first variant (compare.ts) unless the scenario says otherwise.
 */
import { DESIGNS } from '../designs/registry.js';
import { type Checker, describeValue, nearMiss } from './fields.js';
import { isPlainObject, joinPath, type Raw } from './paths.js';
import { LIMITS } from './schema.js';
import type { SweepValue } from './types.js';

/** One design item to resolve: as written, or one variant of an item's sweep. */
export interface DesignEntry {
  item: unknown;
  /** `designs.<i>`: where the item is written. */
  path: string;
  /** For a variant: where each swept key's value is written (`designs.<i>.sweep.<key>.<j>`). */
  sweptAt: Record<string, string>;
  /** For the variants of one item: that item's index and the variant's position among them. */
  variantOf?: { index: number; variant: number };
}

function label(v: SweepValue): string {
  return String(v);
}

/**
 * Expands every item's `sweep:` into variants (items without one pass through). Problems with a
 * sweep (not a mapping, unknown keys, empty or non-scalar lists, a key also given directly) are
 * reported and the item is left out, so resolveDesigns fails on it.
 */
export function expandDesignItems(c: Checker, list: unknown[]): { entries: DesignEntry[]; ok: boolean } {
  const entries: DesignEntry[] = [];
  let ok = true;
  list.forEach((item: unknown, i) => {
    const path = `designs.${i}`;
    if (!isPlainObject(item) || item.sweep === undefined) {
      entries.push({ item, path, sweptAt: {} });
      return;
    }
    const at = joinPath(path, 'sweep');
    const mod = typeof item.design === 'string' ? DESIGNS.get(item.design) : undefined;
    if (!mod) {
      // resolveDesigns reports the unknown design; the sweep cannot be checked without it.
      const { sweep: _, ...rest } = item;
      entries.push({ item: rest, path, sweptAt: {} });
      return;
    }
    const sw = item.sweep;
    const keys = ['processing', ...mod.params.map((p) => p.name)];
    const expected = `a mapping of ${mod.id} parameter → list of values, e.g. sweep: { ${mod.params[0]?.name ?? 'processing'}: [a, b] }`;
    if (!isPlainObject(sw) || Object.keys(sw).length === 0) {
      c.error(at, isPlainObject(sw) ? 'the sweep is empty' : `${describeValue(sw)} is not a mapping`, expected);
      ok = false;
      return;
    }
    const swept: { key: string; values: SweepValue[] }[] = [];
    for (const [key, values] of Object.entries(sw)) {
      const kat = joinPath(at, key);
      if (!keys.includes(key)) {
        c.error(kat, `${mod.id} has no parameter "${key}"`, `one of ${keys.join(', ')}`, nearMiss(key, keys));
        ok = false;
        continue;
      }
      if (item[key] !== undefined) {
        c.error(kat, `${key} is given both in the item and in its sweep`, 'the key in one place');
        ok = false;
        continue;
      }
      if (!Array.isArray(values) || values.length === 0) {
        c.error(kat, `${describeValue(values)} is not a non-empty list`, 'a list of values, e.g. [always, never]');
        ok = false;
        continue;
      }
      const seen = new Set<string>();
      let good = true;
      values.forEach((v: unknown, j) => {
        if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') {
          c.error(`${kat}.${j}`, `${describeValue(v)} is not a scalar`, 'a number, string or boolean');
          good = false;
        } else if (seen.has(JSON.stringify(v))) {
          c.error(`${kat}.${j}`, `${describeValue(v)} appears twice`, 'each value once (variants would repeat)');
          good = false;
        } else seen.add(JSON.stringify(v));
      });
      if (good) swept.push({ key, values: values as SweepValue[] });
      else ok = false;
    }
    if (swept.length !== Object.keys(sw).length) return;
    const n = swept.reduce((acc, s) => acc * s.values.length, 1);
    if (n > LIMITS.sweepCells) {
      c.error(at, `the sweep makes ${n} variants`, `at most ${LIMITS.sweepCells} variants per item`);
      ok = false;
      return;
    }
    if (item.name !== undefined && typeof item.name !== 'string') {
      c.error(
        joinPath(path, 'name'),
        `${describeValue(item.name)} is not a string`,
        'a name for the variants to share',
      );
      ok = false;
      return;
    }
    const { sweep: _, ...rest } = item;
    const base = typeof item.name === 'string' ? item.name : mod.id;
    for (let v = 0; v < n; v++) {
      const variant: Raw = { ...rest };
      const sweptAt: Record<string, string> = {};
      const parts: string[] = [];
      let r = v;
      const picks: { key: string; j: number }[] = [];
      for (let k = swept.length - 1; k >= 0; k--) {
        const len = swept[k].values.length;
        picks.unshift({ key: swept[k].key, j: r % len });
        r = Math.floor(r / len);
      }
      for (const { key, j } of picks) {
        const value = swept.find((s) => s.key === key)?.values[j] as SweepValue;
        variant[key] = value;
        sweptAt[key] = `${at}.${key}.${j}`;
        parts.push(`${key}=${label(value)}`);
      }
      variant.name = `${base}[${parts.join(',')}]`;
      entries.push({ item: variant, path, sweptAt, variantOf: { index: i, variant: v } });
    }
  });
  return { entries, ok };
}
