/**
 * The `sweep:` key: which key paths may be swept, how the grid and zipped groups are written and
 * checked, and the cells they make.
 *
 *   sweep:
 *     workload.users: [1000, 2000]            # a grid key: crossed with every other dimension
 *     zip:                                    # keys that move together: the i-th values of every
 *       designs.0.privateRouting: [always, never]   # key form one step (lists of one length)
 *       designs.1.guards: [2, 0]
 *
 * `zip` is one mapping (one group) or a list of mappings (several groups). Each grid key and each
 * zip group is one dimension of the grid; cells are numbered row-major in file order (the first
 * dimension slowest), so the example makes 2 × 2 = 4 cells, not 2 × 2 × 2.
 */
import { ATTACKS, attackNames } from '../attacks/registry.js';
import { DESIGNS } from '../designs/registry.js';
import type { PositionLookup, Positions } from './errors.js';
import { type Checker, describeValue, type FieldSpec, nearMiss } from './fields.js';
import { isPlainObject, type Raw } from './paths.js';
import {
  ADVERSARY_KEYS,
  type AdversaryKind,
  GROUP_FIELDS,
  LIMITS,
  ONLINE_FIELDS,
  PLATFORM_FIELDS,
  TOP_KEYS,
  WORKLOAD_KEYS,
} from './schema.js';
import type { SweepEntry, SweepValue } from './types.js';

export const SWEEP_EXPECTED =
  'a key path that names a scenario key, e.g. workload.users, duration, designs.1.nodes, adversaries.1.fraction';

/** The sweep entries and where each is written (the position prefix of its values). */
export interface ParsedSweep {
  entries: SweepEntry[];
  /** Per entry: `sweep.<path>` or `sweep.zip[.<group>].<path>`. */
  at: string[];
}

/** Why `path` cannot be swept (undefined when it names a scenario key). */
export function sweepPathProblem(path: string, raw: Raw): { message: string; hint?: string } | undefined {
  const segs = path.split('.');
  const keyList = (keys: readonly string[], at: string, k: string) => ({
    message: `${at === '' ? '' : `${at} has no key `}"${k}"${at === '' ? ' is not a scenario key' : ''}`,
    hint: nearMiss(k, keys),
  });
  const leaf = (n: number) => (segs.length === n ? undefined : { message: `"${path}" goes below a value` });
  const [top, a, b] = segs;
  switch (top) {
    case 'seed':
    case 'replicates':
    case 'duration':
    case 'warmup':
      return leaf(1);
    case 'name':
      return { message: 'name cannot be swept: it names the results folder' };
    case 'network':
      if (a !== 'latency') return keyList(['latency'], 'network', a ?? '');
      return leaf(2);
    case 'workload': {
      const sub: Record<string, readonly FieldSpec[]> = {
        groups: GROUP_FIELDS,
        online: ONLINE_FIELDS,
        platforms: PLATFORM_FIELDS,
      };
      if (a !== undefined && sub[a]) {
        const names = sub[a].map((f) => f.name);
        if (b === undefined || !names.includes(b)) return keyList(names, `workload.${a}`, b ?? '');
        return leaf(3);
      }
      if (a === undefined || !WORKLOAD_KEYS.includes(a)) return keyList(WORKLOAD_KEYS, 'workload', a ?? '');
      return leaf(2);
    }
    case 'designs':
    case 'adversaries': {
      const list = raw[top];
      if (!Array.isArray(list))
        return { message: `${top} is not written out in the scenario, so its items cannot be swept` };
      if (a === '*') {
        if (list.length === 0) return { message: `${top} is empty, so ${top}.* names nothing` };
        for (let i = 0; i < list.length; i++) {
          const bad = sweepPathProblem([top, String(i), ...segs.slice(2)].join('.'), raw);
          if (bad) return { message: `${top}.* covers item ${i}: ${bad.message}`, hint: bad.hint };
        }
        return undefined;
      }
      if (a === undefined || !/^\d+$/.test(a))
        return { message: `"${a ?? ''}" is not an item number of ${top} (or * for every item)` };
      const idx = Number(a);
      if (idx >= list.length)
        return {
          message: `there is no ${top}.${idx} (the scenario has ${list.length} ${top}, numbered from 0)`,
        };
      const item = list[idx];
      if (!isPlainObject(item)) return { message: `${top}.${idx} is not a mapping` };
      let keys: string[];
      if (top === 'designs') {
        const mod = typeof item.design === 'string' ? DESIGNS.get(item.design) : undefined;
        if (!mod) return { message: `${top}.${idx} has no known design, so its keys are unknown` };
        keys = ['processing', ...mod.params.map((p) => p.name)];
      } else {
        const kind = item.kind as AdversaryKind;
        if (!ADVERSARY_KEYS[kind]) return { message: `${top}.${idx} has no known kind, so its keys are unknown` };
        keys = ADVERSARY_KEYS[kind].filter((k) => k !== 'kind' && k !== 'name');
      }
      if (b === undefined || !keys.includes(b)) {
        const label =
          top === 'designs' ? `${top}.${idx} (${String(item.design)})` : `${top}.${idx} (${String(item.kind)})`;
        return keys.length > 0 ? keyList(keys, label, b ?? '') : { message: `${label} has no key that can be swept` };
      }
      return leaf(3);
    }
    case 'attackParams': {
      const mod = a !== undefined ? ATTACKS.get(a) : undefined;
      if (!mod) return keyList(attackNames(), 'attackParams', a ?? '');
      const names = mod.params.map((p) => p.name);
      if (b === undefined || !names.includes(b)) return keyList(names, `attackParams.${a}`, b ?? '');
      return leaf(3);
    }
    default:
      return keyList(
        TOP_KEYS.filter((k) => !['name', 'designs', 'adversaries', 'attacks', 'sweep'].includes(k)),
        '',
        top,
      );
  }
}

/** Checks one key's list of values; undefined after reporting a problem. `distinct`: each value once. */
function checkValues(c: Checker, at: string, values: unknown, distinct: boolean): SweepValue[] | undefined {
  if (!Array.isArray(values) || values.length === 0) {
    c.error(at, `${describeValue(values)} is not a non-empty list`, 'a list of values, e.g. [0.01, 0.05, 0.1]');
    return undefined;
  }
  if (values.length > LIMITS.sweepValues) {
    c.error(at, `${values.length} values are too many`, `at most ${LIMITS.sweepValues} values per key`);
    return undefined;
  }
  let ok = true;
  const seen = new Set<string>();
  values.forEach((v: unknown, j) => {
    if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') {
      c.error(`${at}.${j}`, `${describeValue(v)} is not a scalar`, 'a number, string or boolean');
      ok = false;
    } else if (distinct && seen.has(JSON.stringify(v))) {
      c.error(`${at}.${j}`, `${describeValue(v)} appears twice`, 'each value once (cells would repeat)');
      ok = false;
    } else seen.add(JSON.stringify(v));
  });
  return ok ? (values as SweepValue[]) : undefined;
}

/** One zip group at `at` (`sweep.zip` or `sweep.zip.<g>`); entries pushed with group id `group`. */
function parseZipGroup(
  c: Checker,
  raw: Raw,
  group: unknown,
  at: string,
  id: number,
  out: ParsedSweep,
  used: Set<string>,
): number {
  if (!isPlainObject(group) || Object.keys(group).length === 0) {
    c.error(
      at,
      isPlainObject(group) ? 'the group is empty' : `${describeValue(group)} is not a mapping`,
      'a mapping of key path → list of values, every list of one length (the i-th values move together)',
    );
    return 1;
  }
  const keys: { path: string; values: SweepValue[] }[] = [];
  let ok = true;
  for (const [path, values] of Object.entries(group)) {
    const where = `${at}.${path}`;
    const bad = sweepPathProblem(path, raw);
    if (bad) {
      c.error(where, bad.message, SWEEP_EXPECTED, bad.hint);
      ok = false;
      continue;
    }
    if (used.has(path)) {
      c.error(where, `${path} is swept twice`, 'each key path in one place: the grid or one zip group');
      ok = false;
      continue;
    }
    used.add(path);
    const v = checkValues(c, where, values, false);
    if (v) keys.push({ path, values: v });
    else ok = false;
  }
  if (!ok) return 1;
  const n = keys[0].values.length;
  if (keys.some((k) => k.values.length !== n)) {
    c.error(
      at,
      `the lists have different lengths (${keys.map((k) => `${k.path}: ${k.values.length}`).join(', ')})`,
      'lists of one length: the i-th values of every key form step i of the group',
    );
    return 1;
  }
  const steps = new Map<string, number>();
  for (let j = 0; j < n; j++) {
    const tuple = JSON.stringify(keys.map((k) => k.values[j]));
    const first = steps.get(tuple);
    if (first !== undefined) {
      c.error(`${at}.${keys[0].path}.${j}`, `step ${j} repeats step ${first}`, 'distinct steps (cells would repeat)');
      return 1;
    }
    steps.set(tuple, j);
  }
  for (const k of keys) {
    out.entries.push({ path: k.path, values: k.values, zip: id });
    out.at.push(`${at}.${k.path}`);
  }
  return n;
}

/** Parses and checks `sweep:` (grid keys and zip groups); problems go to `c`. */
export function parseSweep(c: Checker, raw: Raw): ParsedSweep {
  const out: ParsedSweep = { entries: [], at: [] };
  const sw = raw.sweep;
  if (sw === undefined) return out;
  if (!isPlainObject(sw)) {
    c.error('sweep', `${describeValue(sw)} is not a mapping`, 'a mapping of key path → list of values (and zip:)');
    return out;
  }
  const used = new Set<string>();
  let cells = 1;
  let groups = 0;
  for (const [path, values] of Object.entries(sw)) {
    if (path === 'zip') {
      const list = Array.isArray(values) ? values : [values];
      if (list.length === 0)
        c.error('sweep.zip', 'the list is empty', 'a mapping, or a list of mappings, of key path → list of values');
      list.forEach((g: unknown, i) => {
        cells *= parseZipGroup(c, raw, g, Array.isArray(values) ? `sweep.zip.${i}` : 'sweep.zip', groups++, out, used);
      });
      continue;
    }
    const at = `sweep.${path}`;
    const bad = sweepPathProblem(path, raw);
    if (bad) {
      c.error(at, bad.message, SWEEP_EXPECTED, bad.hint);
      continue;
    }
    if (used.has(path)) {
      c.error(at, `${path} is swept twice`, 'each key path in one place: the grid or one zip group');
      continue;
    }
    used.add(path);
    const v = checkValues(c, at, values, true);
    if (!v) continue;
    cells *= v.length;
    out.entries.push({ path, values: v });
    out.at.push(at);
  }
  if (cells > LIMITS.sweepCells) {
    c.error('sweep', `the grid has ${cells} cells`, `at most ${LIMITS.sweepCells} cells (product of value counts)`);
    return { entries: [], at: [] };
  }
  return out;
}

/** The grid's dimensions: each grid key alone, each zip group's keys together (entry indices, file order). */
export function sweepDimensions(sweep: readonly SweepEntry[]): number[][] {
  const dims: number[][] = [];
  const groupDim = new Map<number, number[]>();
  sweep.forEach((s, k) => {
    if (s.zip === undefined) dims.push([k]);
    else {
      let d = groupDim.get(s.zip);
      if (!d) {
        d = [];
        groupDim.set(s.zip, d);
        dims.push(d);
      }
      d.push(k);
    }
  });
  return dims;
}

/**
 * Every cell of the sweep, row-major with the first dimension slowest: the value of every entry
 * and, per entry, the index of that value in its list.
 */
export function* sweepGrid(
  sweep: readonly SweepEntry[],
): Generator<{ index: number; values: SweepValue[]; steps: number[] }> {
  const dims = sweepDimensions(sweep);
  const sizes = dims.map((d) => sweep[d[0]].values.length);
  const n = sizes.reduce((acc, x) => acc * x, 1);
  for (let index = 0; index < n; index++) {
    const values: SweepValue[] = new Array(sweep.length);
    const steps: number[] = new Array(sweep.length);
    let rest = index;
    for (let d = dims.length - 1; d >= 0; d--) {
      const j = rest % sizes[d];
      rest = Math.floor(rest / sizes[d]);
      for (const k of dims[d]) {
        values[k] = sweep[k].values[j];
        steps[k] = j;
      }
    }
    yield { index, values, steps };
  }
}

/** Cell checker positions: a sweep value's problems point at where that value is written. */
export function cellPositions(positions: PositionLookup, parsed: ParsedSweep, steps: number[]): PositionLookup {
  const m: Positions = new Map();
  parsed.entries.forEach((s, k) => {
    const pos = positions.get(`${parsed.at[k]}.${steps[k]}`) ?? positions.get(parsed.at[k]);
    if (pos) m.set(s.path, pos);
  });
  // Layered: the cell's values first, then the file's positions.
  return { get: (k: string) => m.get(k) ?? positions.get(k) };
}

/** The plain `sweep:` mapping of resolved entries (grid keys, then `zip` where its first key was). */
export function sweepToPlain(sweep: readonly SweepEntry[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const groups: Record<string, SweepValue[]>[] = [];
  const groupOf = new Map<number, Record<string, SweepValue[]>>();
  for (const s of sweep) {
    if (s.zip === undefined) {
      out[s.path] = [...s.values];
      continue;
    }
    let g = groupOf.get(s.zip);
    if (!g) {
      g = {};
      groupOf.set(s.zip, g);
      groups.push(g);
      out.zip = groups;
    }
    g[s.path] = [...s.values];
  }
  if (groups.length === 1) out.zip = groups[0];
  return out;
}
