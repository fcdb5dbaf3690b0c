/**
 * docs/scenario.schema.json: generated from the registries (src/scenario/json-schema.ts), kept in
 * sync here, referenced by every shipped scenario, and strict enough that an editor flags a
 * misspelt key. Checked with a small validator for the keywords the generator emits.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scenarioJsonSchema } from '../../src/scenario/json-schema.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FILE = join(root, 'docs', 'scenario.schema.json');
const LINE = '# yaml-language-server: $schema=../docs/scenario.schema.json';

type S = Record<string, unknown>;
const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

/** Problems of `v` against `s` (the keywords scenarioJsonSchema emits), as `path: what`. */
function validate(s: S, v: unknown, path = '(root)'): string[] {
  const out: string[] = [];
  if (s.type !== undefined) {
    const types = ([] as string[]).concat(s.type as string | string[]);
    const t = typeOf(v);
    if (!types.some((x) => x === t || (x === 'number' && t === 'integer'))) return [`${path}: ${t} is not ${types}`];
  }
  if (s.const !== undefined && v !== s.const) out.push(`${path}: not ${s.const}`);
  if (s.enum && !(s.enum as unknown[]).includes(v)) out.push(`${path}: ${String(v)} not in enum`);
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < (s.minimum as number)) out.push(`${path}: below minimum`);
    if (s.exclusiveMinimum !== undefined && v <= (s.exclusiveMinimum as number)) out.push(`${path}: not above minimum`);
    if (s.maximum !== undefined && v > (s.maximum as number)) out.push(`${path}: above maximum`);
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < (s.minItems as number)) out.push(`${path}: too few items`);
    if (s.maxItems !== undefined && v.length > (s.maxItems as number)) out.push(`${path}: too many items`);
    if (s.uniqueItems && new Set(v).size !== v.length) out.push(`${path}: repeated items`);
    if (s.items) for (const [i, x] of v.entries()) out.push(...validate(s.items as S, x, `${path}.${i}`));
  }
  if (typeOf(v) === 'object') {
    const o = v as S;
    const props = (s.properties ?? {}) as Record<string, S>;
    for (const r of (s.required ?? []) as string[]) if (!(r in o)) out.push(`${path}.${r}: missing`);
    for (const [k, x] of Object.entries(o)) {
      if (props[k]) out.push(...validate(props[k], x, `${path}.${k}`));
      else if (s.additionalProperties === false) out.push(`${path}.${k}: unknown key`);
    }
  }
  for (const sub of (s.allOf ?? []) as S[]) {
    if (sub.if && validate(sub.if as S, v, path).length > 0) continue;
    out.push(...validate((sub.then ?? sub) as S, v, path));
  }
  return out;
}

const schema = scenarioJsonSchema();
const scenarios = readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.yaml'));

describe('scenario JSON Schema', () => {
  it('docs/scenario.schema.json is the generated schema (regenerate: npm run docs)', () => {
    expect(readFileSync(FILE, 'utf8')).toBe(`${JSON.stringify(schema, null, 2)}\n`);
  });

  it('every shipped scenario names the schema on its first line and validates against it', () => {
    expect(scenarios.length).toBeGreaterThan(10);
    for (const f of scenarios) {
      const text = readFileSync(join(root, 'scenarios', f), 'utf8');
      expect(text.split('\n')[0], f).toBe(LINE);
      expect(validate(schema, parse(text)), f).toEqual([]);
    }
  });

  it('flags what an editor should: misspelt keys, keys of another design or kind, unknown names, bad bounds', () => {
    const check = (raw: unknown) => validate(schema, raw);
    expect(check({ designs: [{ design: 'session', nodse: 100 }] })).toEqual(['(root).designs.0.nodse: unknown key']);
    expect(check({ designs: [{ design: 'signal', relays: 3 }] })).toEqual(['(root).designs.0.relays: unknown key']);
    expect(check({ designs: [{ design: 'signla' }] })).toEqual(['(root).designs.0.design: signla not in enum']);
    expect(check({ adversaries: [{ kind: 'single', fraction: 0.2 }] })).toEqual([
      '(root).adversaries.0.fraction: unknown key',
    ]);
    expect(check({ adversaries: [{ kind: 'colluding', fraction: 0 }] })).toEqual([
      '(root).adversaries.0.fraction: not above minimum',
    ]);
    expect(check({ attacks: ['timing', 'flwo'] })).toEqual(['(root).attacks.1: flwo not in enum']);
    expect(check({ workload: { users: 2.5 } })).toEqual(['(root).workload.users: number is not integer']);
    expect(check({ attackParams: { timing: { nope: 1 } } })).toEqual(['(root).attackParams.timing.nope: unknown key']);
    expect(check({ dureation: '1h' })).toEqual(['(root).dureation: unknown key']);
  });
});
