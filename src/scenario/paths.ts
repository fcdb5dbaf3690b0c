/**
 * Key paths into a raw (unresolved) scenario: `workload.users`, `designs.1.nodes`,
 * `sweep.adversaries.1.fraction`. Segments are separated by dots; list items are numbered
 * from 0. Under `sweep` the rest of the path is one key (sweep keys are paths themselves).
 *
 * `setPath` is what `--set` and sweeps use. It only walks keys the scenario writes: it creates
 * missing mappings (`workload.groups.count` with no `groups`) but never list items, because a
 * list item without its `design`/`kind` would be meaningless.
 */
import { parse } from 'yaml';
import { InputError } from '../core/errors.js';

export type Raw = Record<string, unknown>;

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export function isPlainObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

export function splitPath(path: string): string[] {
  const segs = path.split('.');
  if (segs[0] === 'sweep' && segs.length > 1) return ['sweep', segs.slice(1).join('.')];
  return segs;
}

export function joinPath(parent: string, key: string | number): string {
  return parent === '' ? String(key) : `${parent}.${key}`;
}

/**
 * Parses a `--set` or sweep value written as text the way YAML reads a scalar: `500` → 500,
 * `true` → true, `1h` → "1h", `[a, b]` → a list. Anything YAML would read as a mapping
 * (`a: b`) stays the literal string, since values on a command line are not documents.
 */
export function parseScalar(text: string): unknown {
  const t = text.trim();
  if (t === '') return '';
  try {
    const v = parse(t, { maxAliasCount: 0 });
    if (t.startsWith('[') || t.startsWith('{')) return v;
    if (v === null && t !== 'null' && t !== '~') return text;
    return typeof v === 'object' && v !== null ? text : v;
  } catch {
    return text;
  }
}

const PATH_FORM = 'a dotted key path such as workload.users, designs.1.nodes or adversaries.0.target';

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (isPlainObject(v)) return 'a mapping';
  if (typeof v === 'string') return `the string "${v}"`;
  return `the value ${String(v)}`;
}

/** Value at `path` in `raw`, or undefined when any segment is missing. */
export function getPath(raw: unknown, path: string): unknown {
  let cur: unknown = raw;
  for (const seg of splitPath(path)) {
    if (Array.isArray(cur) && seg === '*') {
      // `designs.*.key` is set on every item alike; read it from the first.
      cur = cur[0];
      continue;
    }
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else if (isPlainObject(cur)) {
      if (!Object.hasOwn(cur, seg)) return undefined;
      cur = cur[seg];
    } else return undefined;
  }
  return cur;
}

/**
 * Sets `path` in `raw` (mutating it) to `value`; a string value is read as a YAML scalar.
 * Throws InputError naming the first segment that cannot be walked.
 */
export function setPath(raw: unknown, path: string, value: unknown): Raw {
  if (!isPlainObject(raw))
    throw new InputError('the scenario is not a mapping', '(root)', 'a mapping of scenario keys');
  const segs = splitPath(path);
  if (path.trim() === '' || segs.some((s) => s === ''))
    throw new InputError(`"${path}" is not a key path`, path, PATH_FORM);
  const bad = segs.find((s) => FORBIDDEN.has(s));
  if (bad !== undefined) throw new InputError(`"${bad}" cannot be used as a key`, path, PATH_FORM);
  const v = typeof value === 'string' ? parseScalar(value) : value;
  let cur: unknown = raw;
  let at = '';
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    const last = i === segs.length - 1;
    const here = joinPath(at, seg);
    if (Array.isArray(cur) && seg === '*' && !last) {
      // Every item of the list: `designs.*.mixDelay` sets the key on each design.
      const rest = segs.slice(i + 1).join('.');
      for (const item of cur) setPath(item, rest, v);
      return raw;
    }
    if (Array.isArray(cur) && seg === '*' && !last) {
      // Every item of the list: `designs.*.mixDelay` sets the key on each design.
      const rest = segs.slice(i + 1).join('.');
      for (const item of cur) setPath(item, rest, v);
      return raw;
    }
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg))
        throw new InputError(`${at} is a list, so "${seg}" must be an item number`, here, 'an item number from 0');
      const idx = Number(seg);
      if (idx >= cur.length)
        throw new InputError(
          `there is no item ${idx} in ${at} (it has ${cur.length} item${cur.length === 1 ? '' : 's'}, numbered from 0)`,
          here,
          `an index below ${cur.length}`,
        );
      if (last) cur[idx] = v;
      else cur = cur[idx];
    } else if (isPlainObject(cur)) {
      if (last) cur[seg] = v;
      else {
        let next = cur[seg];
        if (next === undefined || next === null) {
          if (/^\d+$/.test(segs[i + 1] ?? ''))
            throw new InputError(
              `${here} is not written in the scenario, so its item ${segs[i + 1]} cannot be set`,
              here,
              'a path into lists the scenario file writes out',
            );
          next = {};
          cur[seg] = next;
        }
        cur = next;
      }
    } else {
      throw new InputError(`${at} is ${describe(cur)}, not a mapping or list`, here, PATH_FORM);
    }
    at = here;
  }
  return raw;
}
