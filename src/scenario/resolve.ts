/**
 * Raw scenario (parsed YAML/JSON) → resolved `Scenario`: strict keys, types, units, defaults
 * and cross-key checks, with every problem collected before anything is thrown.
 *
 * Invariants the rest of anonsim relies on once a scenario resolves:
 * - 0 ≤ warmup < duration ≤ 100d; users ≥ 2; 0 < contacts ≤ users − 1; some traffic is sent.
 * - design and adversary names are unique (they key every output row).
 * - every design item's params hold exactly its module's params, defaults filled in, parsed.
 * - `attackParams` has an entry (defaults filled) for every attack in `attacks`.
 * - every sweep path names a key the scenario has, and every sweep cell resolves too.
 */
import { basename } from 'node:path';
import type { InfraSize, AdversaryKind as KindModule } from '../adversary/kind.js';
import { ADVERSARIES, ADVERSARY_KINDS, type AdversarySpec } from '../adversary/registry.js';
import { ATTACKS, attackNames, suggestAttack } from '../attacks/registry.js';
import type { ResolvedParams } from '../designs/design.js';
import { DESIGNS, designNames } from '../designs/registry.js';
import { dist, type Field, type ParamsOf } from '../params/typed.js';
import { expectedTraffic } from '../workload/expected.js';
import { resolveCompare } from './compare.js';
import { dedupeProblems, type PositionLookup, type Problem, ScenarioError } from './errors.js';
import { Checker, describeValue, nearMiss } from './fields.js';
import { isPlainObject, joinPath, type Raw, setPath } from './paths.js';
import {
  ADVERSARY_FIELDS,
  ADVERSARY_KEYS,
  DEFAULT_ADVERSARIES,
  DESIGN_ITEM_KEYS,
  GROUP_FIELDS,
  LIMITS,
  NETWORK_FIELDS,
  ONLINE_FIELDS,
  PLATFORM_FIELDS,
  TOP_FIELDS,
  TOP_KEYS,
  WORKLOAD_FIELDS,
  WORKLOAD_KEYS,
} from './schema.js';
import { cellPositions, type ParsedSweep, parseSweep, SWEEP_EXPECTED, sweepGrid } from './sweep-spec.js';
import type { DesignItem, Scenario, SweepEntry, SweepValue } from './types.js';
import { expandDesignItems } from './variants.js';

export interface Resolution {
  scenario: Scenario;
  warnings: Problem[];
}

/** An adversary spec before its name is known (Omit distributed over the union). */
export type UnnamedAdversary = AdversarySpec extends infer T
  ? T extends AdversarySpec
    ? Omit<T, 'name'>
    : never
  : never;

interface BaseResult {
  scenario?: Scenario;
  problems: Problem[];
  warnings: Problem[];
  /** Sweep entries with valid paths and values (present even when other keys have problems). */
  sweep: ParsedSweep;
}

const NAME_FIELD = { ...ADVERSARY_FIELDS.name, description: 'Label in outputs.' };

/** Default scenario name: the file name without directory and extension. */
export function nameFromFile(file: string): string {
  const b = basename(file).replace(/\.(ya?ml|json)$/i, '');
  return b === '' ? 'scenario' : b;
}

/** `colluding-10%`, `colluding-5-hosts`, `single-server`, `global-passive`, `none`; kind alone when its size is swept. */
export function defaultAdversaryName(spec: UnnamedAdversary, sizeSwept = false): string {
  if (sizeSwept) return spec.kind;
  const kind = ADVERSARIES.get(spec.kind);
  return kind ? kind.defaultName(spec) : spec.kind;
}

function checkMappingOrAbsent(c: Checker, v: unknown, path: string, allowed: readonly string[], what: string): Raw {
  if (v === undefined) return {};
  return c.mapping(v, path, allowed, what) ?? {};
}

/** The values of `specs` in `obj`, each typed by its spec; one is undefined once its problem is recorded. */
function fields<const P extends readonly Field[]>(c: Checker, specs: P, obj: Raw, path: string): Partial<ParamsOf<P>> {
  const out: Record<string, unknown> = {};
  for (const s of specs) out[s.name] = c.value(s, obj[s.name], joinPath(path, s.name));
  return out as Partial<ParamsOf<P>>;
}

/** Whether every value of `r` resolved; only narrows the type once no problem was recorded. */
function complete<R extends object>(r: Partial<R>): r is R {
  return Object.values(r).every((v) => v !== undefined);
}

/** Which other designs declare a parameter, for "unknown key" messages on a design item. */
function designHome(key: string, except: string): string | undefined {
  const owners = [...DESIGNS.values()].filter((d) => d.id !== except && d.params.some((p) => p.name === key));
  return owners.length > 0 ? `a parameter of ${owners.map((d) => d.id).join(', ')}, not of ${except}` : undefined;
}

function adversaryHome(key: string, kind: string): string | undefined {
  const kinds = Object.entries(ADVERSARY_KEYS)
    .filter(([k, keys]) => k !== kind && keys.includes(key))
    .map(([k]) => k);
  return kinds.length > 0 ? `${key} applies to kind ${kinds.join(', ')}, not ${kind}` : undefined;
}

/** Variants of items with their own sweep, in item order (the default comparisons, compare.ts). */
export interface Variant {
  name: string;
  index: number;
  variant: number;
}

function resolveDesigns(
  c: Checker,
  raw: unknown,
  users: number | undefined,
  variants: Variant[],
): DesignItem[] | undefined {
  const list = raw === undefined ? designNames().map((design) => ({ design })) : raw;
  if (!Array.isArray(list)) {
    c.error('designs', `${describeValue(list)} is not a list`, 'a list of design items, e.g. - design: signal');
    return undefined;
  }
  if (list.length === 0) {
    c.error('designs', 'the list is empty', `at least one design item (${designNames().join(', ')})`);
    return undefined;
  }
  const out: DesignItem[] = [];
  const paths: string[] = [];
  const expanded = expandDesignItems(c, list);
  let ok = expanded.ok;
  for (const { item, path, sweptAt, variantOf } of expanded.entries) {
    if (!isPlainObject(item)) {
      c.error(
        path,
        `${describeValue(item)} is not a design item`,
        `a mapping with design: ${designNames().join(' | ')}`,
      );
      ok = false;
      continue;
    }
    const id = item.design;
    const mod = typeof id === 'string' ? DESIGNS.get(id) : undefined;
    if (id === undefined) c.error(joinPath(path, 'design'), 'is missing', `one of ${designNames().join(' | ')}`);
    else if (typeof id !== 'string')
      c.error(
        joinPath(path, 'design'),
        `${describeValue(id)} is not a design name`,
        `one of ${designNames().join(' | ')}`,
      );
    else if (!mod)
      c.error(
        joinPath(path, 'design'),
        `unknown design "${id}"`,
        `one of ${designNames().join(' | ')}`,
        nearMiss(id, designNames()),
      );
    if (!mod) {
      ok = false;
      continue;
    }
    const allowed = [...DESIGN_ITEM_KEYS, ...mod.params.map((p) => p.name)];
    c.mapping(item, path, allowed, `a ${mod.id} design item`, (k) => designHome(k, mod.id));
    const name = item.name === undefined ? mod.id : c.value(NAME_FIELD, item.name, joinPath(path, 'name'));
    const processing = c.value(
      dist('processing', { default: mod.processing.default, description: '', source: mod.processing.source }),
      item.processing,
      sweptAt.processing ?? joinPath(path, 'processing'),
    );
    const params: ResolvedParams = {};
    let paramsOk = true;
    for (const spec of mod.params) {
      const v = c.value(spec, item[spec.name], sweptAt[spec.name] ?? joinPath(path, spec.name));
      if (v === undefined) paramsOk = false;
      else params[spec.name] = v;
    }
    if (paramsOk && mod.check && users !== undefined) {
      for (const p of mod.check(params, users)) c.error(joinPath(path, p.param), p.message, p.expected);
    }
    if (name === undefined || processing === undefined || !paramsOk) {
      ok = false;
      continue;
    }
    out.push({ design: mod.id, name, params, processing });
    paths.push(path);
    if (variantOf) variants.push({ name, ...variantOf });
  }
  if (!ok) return undefined;
  const seen = new Map<string, string>();
  out.forEach((d, i) => {
    const first = seen.get(d.name);
    if (first !== undefined)
      c.error(
        `${paths[i]}.name`,
        `name "${d.name}" is already used by ${first}`,
        'a distinct name for each design item (set name: when a design appears twice)',
      );
    else seen.set(d.name, paths[i]);
  });
  return out;
}

/** Infrastructure hosts of each design item (DesignModule.infraHosts), in item order. */
function infraSizes(designs: DesignItem[] | undefined): InfraSize[] {
  return (designs ?? []).map((item, index) => ({
    design: item.design,
    name: item.name,
    index,
    hosts: DESIGNS.get(item.design)?.infraHosts(item.params) ?? 0,
  }));
}

function resolveAdversaries(
  c: Checker,
  raw: unknown,
  designs: DesignItem[] | undefined,
  swept: Set<string>,
): AdversarySpec[] | undefined {
  const list = raw === undefined ? DEFAULT_ADVERSARIES.map((a) => ({ ...a })) : raw;
  if (!Array.isArray(list)) {
    c.error('adversaries', `${describeValue(list)} is not a list`, 'a list of adversary items, e.g. - kind: single');
    return undefined;
  }
  if (list.length === 0) {
    c.error('adversaries', 'the list is empty', `at least one adversary item (${ADVERSARY_KINDS.join(', ')})`);
    return undefined;
  }
  const kinds = ADVERSARY_FIELDS.kind.values ?? [];
  const infra = infraSizes(designs);
  const out: AdversarySpec[] = [];
  let ok = true;
  list.forEach((item: unknown, i) => {
    const path = `adversaries.${i}`;
    if (!isPlainObject(item)) {
      c.error(path, `${describeValue(item)} is not an adversary item`, `a mapping with kind: ${kinds.join(' | ')}`);
      ok = false;
      return;
    }
    const kindPath = joinPath(path, 'kind');
    const kind = item.kind === undefined ? undefined : c.value(ADVERSARY_FIELDS.kind, item.kind, kindPath);
    if (item.kind === undefined) c.error(kindPath, 'is missing', `one of ${kinds.join(' | ')}`);
    if (kind === undefined) {
      ok = false;
      return;
    }
    c.mapping(item, path, ADVERSARY_KEYS[kind], `a ${kind} adversary item`, (key) => adversaryHome(key, kind));
    const name =
      item.name === undefined ? undefined : c.value(ADVERSARY_FIELDS.name, item.name, joinPath(path, 'name'));
    if (item.name !== undefined && name === undefined) ok = false;
    // Swept size keys (fraction, count, target): the default name is the kind alone.
    const mod = ADVERSARIES.get(kind) as KindModule;
    const sizeSwept = mod.fields.some((f) => swept.has(`${path}.${f.name}`));
    const base = mod.resolve(c, item, path, infra);
    const spec =
      base && ({ ...base, name: name ?? defaultAdversaryName(base as UnnamedAdversary, sizeSwept) } as AdversarySpec);
    if (!spec) {
      ok = false;
      return;
    }
    out.push(spec);
  });
  if (!ok) return undefined;
  for (const [i, a] of out.entries()) (ADVERSARIES.get(a.kind) as KindModule).warn?.(c, a, `adversaries.${i}`, infra);
  const seen = new Map<string, number>();
  out.forEach((a, i) => {
    const first = seen.get(a.name);
    if (first !== undefined)
      c.error(
        `adversaries.${i}.name`,
        `name "${a.name}" is already used by adversaries.${first}`,
        'a distinct name for each adversary item (set name:)',
      );
    else seen.set(a.name, i);
  });
  return out;
}

function resolveAttacks(c: Checker, raw: unknown): string[] | undefined {
  if (raw === undefined) return attackNames();
  const expected = `a list of attack ids (${attackNames().join(', ')})`;
  if (!Array.isArray(raw)) {
    c.error('attacks', `${describeValue(raw)} is not a list`, expected);
    return undefined;
  }
  if (raw.length === 0) {
    c.error('attacks', 'the list is empty', `${expected}; leave attacks out to run all`);
    return undefined;
  }
  const out: string[] = [];
  let ok = true;
  raw.forEach((a: unknown, i) => {
    const path = `attacks.${i}`;
    if (typeof a !== 'string') {
      c.error(path, `${describeValue(a)} is not an attack id`, `one of ${attackNames().join(' | ')}`);
      ok = false;
    } else if (!ATTACKS.has(a)) {
      c.error(
        path,
        `unknown attack "${a}"`,
        `one of ${attackNames().join(' | ')}`,
        suggestAttack(a) ?? nearMiss(a, attackNames()),
      );
      ok = false;
    } else if (out.includes(a)) {
      c.error(path, `attack "${a}" is listed twice`, 'each attack id at most once');
      ok = false;
    } else out.push(a);
  });
  return ok ? out : undefined;
}

type AttackValue = number | string | boolean;

function resolveAttackParams(
  c: Checker,
  raw: unknown,
  attacks: string[] | undefined,
): Record<string, Record<string, AttackValue>> | undefined {
  const given = checkMappingOrAbsent(c, raw, 'attackParams', attackNames(), 'a mapping of attack id → parameters');
  const out: Record<string, Record<string, AttackValue>> = {};
  let ok = true;
  const ids = [...new Set([...(attacks ?? []), ...Object.keys(given).filter((k) => ATTACKS.has(k))])];
  for (const id of ids) {
    const mod = ATTACKS.get(id);
    if (!mod) continue;
    const path = `attackParams.${id}`;
    const obj = checkMappingOrAbsent(
      c,
      given[id],
      path,
      mod.params.map((p) => p.name),
      `a mapping of ${id} parameters`,
    );
    if (given[id] !== undefined && attacks && !attacks.includes(id))
      c.warn(
        path,
        `attack ${id} is not in attacks, so these parameters are unused`,
        `add ${id} to attacks or remove them`,
      );
    const params: Record<string, AttackValue> = {};
    for (const spec of mod.params) {
      const v = c.value(spec, obj[spec.name], joinPath(path, spec.name));
      if (v === undefined) ok = false;
      else params[spec.name] = typeof v === 'object' ? v.text : v;
    }
    out[id] = params;
  }
  return ok ? out : undefined;
}

/** Resolves everything except the sweep grid's cells. Never throws for bad input. */
export function resolveBase(raw: unknown, file: string, positions: PositionLookup): BaseResult {
  const c = new Checker(file, positions);
  const done = (scenario?: Scenario, sweep: ParsedSweep = { entries: [], at: [] }): BaseResult => ({
    scenario: c.problems.length === 0 ? scenario : undefined,
    problems: c.problems,
    warnings: c.warnings,
    sweep,
  });
  if (!isPlainObject(raw)) {
    c.error(
      '(root)',
      raw === null || raw === undefined ? 'the file is empty' : `${describeValue(raw)} is not a mapping`,
      'a mapping of scenario keys (name, duration, workload, designs, adversaries, …)',
    );
    return done();
  }
  c.mapping(raw, '', TOP_KEYS, 'a mapping of scenario keys');
  const sweep = parseSweep(c, raw);
  const swept = new Set(sweep.entries.map((s) => s.path));

  // The name (first in the docs) is resolved after the others, and only when given.
  const [NAME, ...TOP] = TOP_FIELDS;
  const top = fields(c, TOP, raw, '');
  let name: string | undefined = nameFromFile(file);
  if (raw.name !== undefined) {
    const n = c.value(NAME, raw.name, 'name');
    if (n !== undefined && (/[/\\]/.test(n) || n.startsWith('.'))) {
      c.error('name', `"${n}" cannot be a folder name`, 'a name without / or \\ that does not start with a dot');
      name = undefined;
    } else name = n;
  }

  const wRaw = checkMappingOrAbsent(c, raw.workload, 'workload', WORKLOAD_KEYS, 'a mapping of workload keys');
  const w = fields(c, WORKLOAD_FIELDS, wRaw, 'workload');
  const gRaw = checkMappingOrAbsent(
    c,
    wRaw.groups,
    'workload.groups',
    GROUP_FIELDS.map((f) => f.name),
    'a mapping with count, size, rate',
  );
  const g = fields(c, GROUP_FIELDS, gRaw, 'workload.groups');
  const oRaw = checkMappingOrAbsent(
    c,
    wRaw.online,
    'workload.online',
    ONLINE_FIELDS.map((f) => f.name),
    'a mapping with model, on, off',
  );
  const o = fields(c, ONLINE_FIELDS, oRaw, 'workload.online');
  const pRaw = checkMappingOrAbsent(
    c,
    wRaw.platforms,
    'workload.platforms',
    PLATFORM_FIELDS.map((f) => f.name),
    'a mapping with android, ios',
  );
  const p = fields(c, PLATFORM_FIELDS, pRaw, 'workload.platforms');
  const nRaw = checkMappingOrAbsent(
    c,
    raw.network,
    'network',
    NETWORK_FIELDS.map((f) => f.name),
    'a mapping with latency',
  );
  const net = fields(c, NETWORK_FIELDS, nRaw, 'network');

  const users = w.users;
  const variants: Variant[] = [];
  const designs = resolveDesigns(c, raw.designs, users, variants);
  const compare = resolveCompare(c, raw.compare, designs, variants);
  const adversaries = resolveAdversaries(c, raw.adversaries, designs, swept);
  const attacks = resolveAttacks(c, raw.attacks);
  const attackParams = resolveAttackParams(c, raw.attackParams, attacks);

  // Cross-key checks, each only when the keys it reads resolved.
  const { duration, warmup } = top;
  if (duration !== undefined && warmup !== undefined && warmup >= duration)
    c.error(
      'warmup',
      `${describeValue(raw.warmup)} is not before the end of the run`,
      `a duration less than duration (${describeValue(raw.duration ?? '1h')})`,
    );
  const contacts = w.contacts;
  if (users !== undefined && contacts !== undefined && contacts > users - 1)
    c.error(
      'workload.contacts',
      `${contacts} contacts per user is more than the ${users - 1} other users`,
      `a number in (0, ${users - 1}] (users − 1)`,
    );
  const { count: gCount, size: gSize, rate: gRate } = g;
  if (users !== undefined && gCount !== undefined && gSize !== undefined && gCount > 0 && gSize > users)
    c.error('workload.groups.size', `${gSize} members is more than the ${users} users`, `an integer in [2, ${users}]`);
  const { android, ios } = p;
  if (android !== undefined && ios !== undefined && android + ios > 1 + 1e-12)
    c.error(
      'workload.platforms',
      `android + ios = ${Number((android + ios).toPrecision(6))} is more than 1`,
      'fractions that sum to at most 1 (the rest are desktop users)',
    );
  const rate = w.rate;
  if (rate === 0 && gRate !== undefined && gCount !== undefined && (gCount === 0 || gRate === 0))
    c.error(
      'workload.rate',
      'no messages would be sent (rate 0 and no group traffic)',
      'a rate > 0, or groups with count > 0 and rate > 0',
    );
  if (
    users !== undefined &&
    rate !== undefined &&
    duration !== undefined &&
    gRate !== undefined &&
    gCount !== undefined
  ) {
    const { deliveries: expected } = expectedTraffic(
      {
        users,
        rate,
        replyProbability: w.replyProbability ?? 0,
        groups: { count: gCount, size: gSize ?? 2, rate: gRate },
      },
      duration,
    );
    if (expected > LIMITS.messagesWarn)
      c.warn(
        'workload',
        `about ${Math.round(expected).toLocaleString('en-US')} message deliveries per design and replicate`,
        'expect a long run and high memory use; reduce users, rate or duration for a quick look',
      );
  }

  if (
    c.problems.length > 0 ||
    // Each value is undefined only once its problem is recorded: these narrow types, never fail.
    !(complete(top) && complete(w) && complete(g) && complete(o) && complete(p) && complete(net)) ||
    name === undefined ||
    !designs ||
    !adversaries ||
    !attacks ||
    !attackParams ||
    !compare
  )
    return done(undefined, sweep);
  const scenario: Scenario = {
    name,
    ...top,
    workload: { ...w, groups: g, online: o, platforms: p },
    network: net,
    designs,
    adversaries,
    attacks,
    attackParams,
    sweep: sweep.entries,
    compare,
  };
  return done(scenario, sweep);
}

/**
 * The raw scenario of one sweep cell: a copy without `sweep`, with the cell's values set and
 * adversary names pinned to the base scenario's (so a swept fraction does not rename the
 * adversary from cell to cell).
 */
export function cellRaw(raw: Raw, base: Scenario | undefined, sweep: readonly SweepEntry[], values: SweepValue[]): Raw {
  const r = structuredClone(raw);
  delete r.sweep;
  // Design names never depend on swept keys (the default is the design id, variants name their
  // values), and design items do not map one to one onto resolved ones (variants), so only
  // adversary names are pinned.
  const list = r.adversaries;
  if (base && Array.isArray(list)) {
    list.forEach((item: unknown, i) => {
      if (isPlainObject(item) && item.name === undefined && base.adversaries[i]) item.name = base.adversaries[i].name;
    });
  }
  sweep.forEach((s, k) => {
    setPath(r, s.path, values[k]);
  });
  return r;
}

/** File order: by file, then line, then column (stable for problems at one place). */
export function sortProblems(ps: Problem[]): Problem[] {
  return ps
    .map((p, i) => ({ p, i }))
    .sort((a, b) =>
      a.p.file === b.p.file ? a.p.line - b.p.line || a.p.col - b.p.col || a.i - b.i : a.p.file < b.p.file ? -1 : 1,
    )
    .map((x) => x.p);
}

/**
 * Validates and resolves a raw scenario; throws ScenarioError listing every problem, including
 * those that only appear in some sweep cell (reported at the sweep value's position).
 */
export function resolveScenario(raw: unknown, file: string, positions: PositionLookup = new Map()): Resolution {
  const base = resolveBase(raw, file, positions);
  const problems = [...base.problems];
  const { entries } = base.sweep;
  if (entries.length > 0 && isPlainObject(raw)) {
    for (const { values, steps } of sweepGrid(entries)) {
      let r: Raw;
      try {
        r = cellRaw(raw, base.scenario, entries, values);
      } catch (e) {
        const c = new Checker(file, positions);
        c.fromInputError(e, base.sweep.at[0], SWEEP_EXPECTED);
        problems.push(...c.problems);
        break;
      }
      const cell = resolveBase(r, file, cellPositions(positions, base.sweep, steps));
      problems.push(...cell.problems);
      if (problems.length > 200) break;
    }
  }
  if (problems.length > 0 || !base.scenario) throw new ScenarioError(sortProblems(dedupeProblems(problems)));
  return { scenario: base.scenario, warnings: base.warnings };
}
