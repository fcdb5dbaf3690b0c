/**
 * No import cycle between the folders of src/ (type-only imports count: they couple the folders
 * just the same). Folders form layers (core → net → workload → designs → adversary → attacks →
 * metrics → log → pipeline → export → cli), and a folder that imports one above it ties the two into
 * one unit no newcomer can read alone. The edges in KNOWN are the cycles not yet cut, listed so
 * that no new one appears and so that cutting one shows here (remove it from the list).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src', import.meta.url));

/** Folder → folders it imports from (files directly in src/ form the folder "(top)"). */
function folderGraph(): Map<string, Map<string, string[]>> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk(src);
  const folder = (f: string) => {
    const parts = relative(src, f).split(sep);
    return parts.length > 1 ? parts[0] : '(top)';
  };
  const g = new Map<string, Map<string, string[]>>();
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const to = resolve(dirname(f), m[1]);
      const [a, b] = [folder(f), folder(to)];
      if (a === b) continue;
      const out = g.get(a) ?? g.set(a, new Map()).get(a)!;
      (out.get(b) ?? out.set(b, []).get(b)!).push(relative(src, f).split(sep).join('/'));
    }
  }
  return g;
}

/** Edges a → b that lie on a cycle (b reaches a), as `a -> b`. */
function cycleEdges(g: Map<string, Map<string, string[]>>): string[] {
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set([from]);
    const stack = [from];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x === to) return true;
      for (const y of g.get(x)?.keys() ?? []) {
        if (seen.has(y)) continue;
        seen.add(y);
        stack.push(y);
      }
    }
    return false;
  };
  const out: string[] = [];
  for (const [a, tos] of g) for (const b of tos.keys()) if (reaches(b, a)) out.push(`${a} -> ${b}`);
  return out.sort();
}

/** Cycles not yet cut: none (issue 16 cut the last ones). A cycle added on purpose is listed here, with why. */
const KNOWN: string[] = [];

describe('no import cycles between folders of src/', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const g = new Map([
      ['a', new Map([['b', ['a/x.ts']]])],
      ['b', new Map([['a', ['b/y.ts']]])],
      ['c', new Map([['a', ['c/z.ts']]])],
    ]);
    expect(cycleEdges(g)).toEqual(['a -> b', 'b -> a']);
  });

  it('only the known, listed cycles remain (attacks, adversary, designs, params and scenario are cycle-free)', () => {
    const g = folderGraph();
    expect(g.get('attacks')?.has('adversary')).toBe(true);
    const found = cycleEdges(g);
    const detail = found
      .filter((e) => !KNOWN.includes(e))
      .map((e) => {
        const [a, b] = e.split(' -> ');
        return `${e}: ${g.get(a)?.get(b)?.join(', ')}`;
      });
    expect(detail, 'new import cycle between folders').toEqual([]);
    expect(found, 'a listed cycle is gone: remove it from KNOWN').toEqual(KNOWN);
  });
});
