/**
 * The scenario reference (docs/scenario.md), generated from the schema tables and the design
 * and attack registries so the documentation cannot drift from what the validator accepts.
 * A test compares docs/scenario.md with `scenarioReference()`; regenerate the file with
 * `node dist/cli.js list --reference > docs/scenario.md` (the `npm run docs` script).
 */
import { ATTACKS } from '../attacks/registry.js';
import { DESIGNS } from '../designs/registry.js';
import { distUnit, type FieldSpec } from './fields.js';
import { defaultAdversaryName, type UnnamedAdversary } from './resolve.js';
import {
  ADVERSARY_FIELDS,
  ADVERSARY_KEYS,
  DEFAULT_ADVERSARIES,
  GROUP_FIELDS,
  LIMITS,
  NETWORK_FIELDS,
  ONLINE_FIELDS,
  PLATFORM_FIELDS,
  TOP_FIELDS,
  WORKLOAD_FIELDS,
} from './schema.js';

function bounds(spec: FieldSpec): string {
  const lo = spec.type === 'fraction' ? (spec.min ?? 0) : spec.min;
  const hi = spec.type === 'fraction' ? (spec.max ?? 1) : spec.max;
  const show = (x: number) => (spec.type === 'duration' ? fmtNs(x) : String(x));
  if (lo !== undefined && hi !== undefined) return ` ${spec.minExclusive ? '(' : '['}${show(lo)}, ${show(hi)}]`;
  if (lo !== undefined) return ` ${spec.minExclusive ? '>' : '≥'} ${show(lo)}`;
  if (hi !== undefined) return ` ≤ ${show(hi)}`;
  return '';
}

function fmtNs(ns: number): string {
  if (ns === 0) return '0s';
  const units: [string, number][] = [
    ['d', 86400e9],
    ['h', 3600e9],
    ['min', 60e9],
    ['s', 1e9],
    ['ms', 1e6],
  ];
  for (const [u, s] of units) if (ns % s === 0) return `${ns / s}${u}`;
  return `${ns}ns`;
}

/** Short type description: `int [2, 10000000]`, `duration > 0s`, `enum uniform | heavy`, `distribution of bytes`. */
export function typeText(spec: FieldSpec): string {
  switch (spec.type) {
    case 'enum':
      return `enum: ${(spec.values ?? []).join(' | ')}`;
    case 'dist':
      return distUnit(spec) === 'duration' ? 'distribution (durations)' : `distribution (${spec.unit ?? 'numbers'})`;
    case 'bool':
      return 'bool';
    case 'string':
      return 'string';
    case 'rate':
      return 'rate (N/unit)';
    case 'duration':
      return `duration${bounds(spec)}`;
    default:
      return `${spec.type}${spec.unit ? ` (${spec.unit})` : ''}${bounds(spec)}`;
  }
}

/** Table cell text: pipes escaped, angle brackets as entities (Markdown would read <name> as HTML). */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ');
}

function table(specs: readonly FieldSpec[], prefix = ''): string {
  const rows = ['| key | type | default | description | source of default |', '|---|---|---|---|---|'];
  for (const s of specs)
    rows.push(
      `| \`${prefix}${s.name}\` | ${cell(typeText(s))} | \`${cell(String(s.default))}\` | ${cell(s.description)} | ${cell(s.source)} |`,
    );
  return rows.join('\n');
}

export function scenarioReference(): string {
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);
  p(
    '# Scenario reference',
    '',
    '<!-- Generated from src/scenario/schema.ts and the design and attack registries by scenarioReference() (src/scenario/reference.ts). Do not edit: run `npm run docs` (node dist/cli.js list --reference > docs/scenario.md). -->',
    '',
    'A scenario is a YAML or JSON file (at most 5 MB; `.json` files are read as JSON, anything else as YAML). Every key is optional; unknown keys are errors. Units are written in strings: durations `ns us ms s min h d` (`"50ms"`, `"1.5 s"`, `10min`; a bare `0` is allowed), rates `N/unit` or `1/duration` (`1/10min`, `6/h`), distributions `30ms | const(d) | uniform(a, b) | exp(mean) | normal(mean, sd) | lognormal(median, sigma) | pareto(scale, shape)` (normal is truncated at 0; lognormal and pareto take a plain number as second argument). YAML aliases (`*name`) are refused.',
    '',
    '`anonsim validate <file>` prints the scenario with every default filled in; that output is itself a valid scenario.',
    '',
    'Editors: [scenario.schema.json](scenario.schema.json) is this format as a JSON Schema (generated with this page). A first line `# yaml-language-server: $schema=<path to docs/scenario.schema.json>`, as in every file under scenarios/, lets editors that run the YAML language server (VS Code, Neovim, Helix, …) complete and check keys as you type; `anonsim validate` still checks units, distributions and rules across keys.',
    '',
    '## Top-level keys',
    '',
    table(TOP_FIELDS),
    '',
    '`warmup` must be less than `duration`. Lists `designs`, `adversaries` and `attacks` are described below; left out, they default to all four designs with their defaults, the adversaries',
    `${DEFAULT_ADVERSARIES.map((a) => `\`${defaultAdversaryName(a as UnnamedAdversary)}\``).join(', ')}, and every attack.`,
    '',
    '## workload',
    '',
    table(WORKLOAD_FIELDS, 'workload.'),
    '',
    'Checks: `contacts` ≤ `users` − 1; some traffic must be sent (`rate` > 0, or groups with `count` > 0 and `rate` > 0); a scenario expecting more than',
    `${LIMITS.messagesWarn.toLocaleString('en-US')} deliveries per design and replicate gets a warning.`,
    '',
    '### workload.groups',
    '',
    table(GROUP_FIELDS, 'workload.groups.'),
    '',
    '### workload.online',
    '',
    table(ONLINE_FIELDS, 'workload.online.'),
    '',
    '### workload.platforms',
    '',
    table(PLATFORM_FIELDS, 'workload.platforms.'),
    '',
    '`android` + `ios` ≤ 1.',
    '',
    '## network',
    '',
    table(NETWORK_FIELDS, 'network.'),
    '',
    '## designs',
    '',
    'A list; each item names a design and overrides its defaults. Every item takes `design` (required), `name` (label in outputs; default: the design id; names must be distinct, so a design listed twice needs names) and `processing` (the processing and queueing delay at each of its infrastructure parties; a distribution of durations; `0s` for idealised runs).',
    '',
    'A `name` is only a label: random draws are keyed by the design id, so two items of one design in one replicate get the same relay placement, swarm layout, per-user path draws and colluding set wherever their parameters allow, and renaming an item changes nothing but its label (docs/architecture.md, "Common random numbers").',
    '',
    "**Per-design sweep.** An item's own `sweep:` (a mapping of its parameters, or `processing`, to lists of values) turns it into variants of that design alone, listed side by side in one run, instead of a grid that repeats every other design in each cell: `- design: simplex` with `sweep: { privateRouting: [always, never] }` becomes the items `simplex[privateRouting=always]` and `simplex[privateRouting=never]` (the stem is the item's `name` if given). Several keys make the grid of their values, first key slowest. Without a `compare:` key, each variant is compared with its item's first variant.",
    '',
  );
  for (const d of DESIGNS.values()) {
    p(
      `### ${d.id}`,
      '',
      d.summary,
      '',
      `\`processing\` default: \`${d.processing.default}\` (${d.processing.source}).`,
      '',
    );
    if (d.params.length === 0) p('No parameters yet.', '');
    else p(table(d.params), '');
  }
  p(
    '## adversaries',
    '',
    'A list; each item has a `kind` and optionally a `name` (default: the kind plus its size: `single-server`, `single-random`, `colluding-10%`, `colluding-5-hosts`, `global-passive`, `none`; just the kind when its size is swept, so rows keep one name across sweep cells).',
    '',
    '| kind | keys |',
    '|---|---|',
  );
  for (const [kind, keys] of Object.entries(ADVERSARY_KEYS))
    p(`| \`${kind}\` | ${keys.map((k) => `\`${k}\``).join(', ')} |`);
  p(
    '',
    table(
      Object.values(ADVERSARY_FIELDS).filter((f) => f.name !== 'kind' && f.name !== 'name'),
      '',
    ),
    '',
    `A colluding adversary takes \`fraction\` or \`count\`, not both. A \`fraction\` holds round(fraction × hosts) of each design's infrastructure hosts (halves rounded up), at least 1 and at most all; validation warns when that is fewer than 5 hosts of a larger infrastructure, since which few hosts a replicate draws then decides much of its result. \`count\` is checked against the smallest infrastructure among the scenario's designs with more than one host (Signal's one service is all of its infrastructure). The hosts held in each replicate are listed in manifest.json (\`held\`), their number in summary.csv's \`held\` column. Kind \`none\` observes nothing and gets a warning: its rows are the no-information baseline.`,
    '',
    '## attacks',
    '',
    'A list of attack ids (default: all). Each runs against every design × adversary. Parameters go under `attackParams.<id>`; every listed attack gets its defaults.',
    '',
  );
  for (const a of ATTACKS.values()) {
    p(`### ${a.id}`, '', a.summary, '');
    if (a.params.length === 0) p('No parameters.', '');
    else p(table(a.params, `attackParams.${a.id}.`), '');
  }
  p(
    '## sweep',
    '',
    'A mapping of key path → list of values. Paths name scenario keys with dots and list indices from 0 (as written in the file): `workload.users`, `duration`, `network.latency`, `designs.1.nodes`, `adversaries.1.fraction`, `attackParams.timing.<param>`; `*` in place of a list index sets the key on every item alike (`designs.*.mixDelay: [0s, 1s, 10s]` sweeps the mixing delay of every design together; each item must take that key). The run covers the grid of all combinations, cells numbered row-major with the first key slowest; every cell is validated before anything runs, and a value that is invalid in some cell is reported at the line of that value.',
    '',
    '**Zipped keys.** Under `zip:` (one mapping, or a list of mappings for several groups) keys move together instead of spanning the grid: the i-th values of every key in a group form step i, so their lists must have one length. Each zip group is one dimension of the grid, at the place it is written:',
    '',
    '```yaml',
    'sweep:',
    '  adversaries.0.fraction: [0.05, 0.1]     # grid key',
    '  zip:                                    # together: (always, 2) then (never, 0)',
    '    designs.0.privateRouting: [always, never]',
    '    designs.1.guards: [2, 0]',
    '```',
    '',
    'makes 2 × 2 = 4 cells (not 2 × 2 × 2 = 8). A key path may be swept in one place only.',
    '',
    `At most ${LIMITS.sweepValues} values per key and ${LIMITS.sweepCells} cells. summary.csv and aggregate.csv get one column per swept path.`,
    '',
    '## compare',
    '',
    "A list of `[baseline, other]` pairs of design item names, e.g. `- [simplex, simplex-nopr]`. For every pair, sweep cell, adversary, attack and metric the run writes the paired difference other − baseline to compare.csv (mean of the per-replicate differences and its 95 % interval: both items ran in every replicate with the same seed, workload and, for one design, the same placement and colluding draws) and prints top1's after the summary table. Default: each variant of a per-design sweep against its item's first variant; none without per-design sweeps. `anonsim compare A B` compares two results folders the same way.",
    '',
    '## Command-line overrides',
    '',
    '`anonsim run <file> --set PATH=VALUE` (repeatable) sets any key by the same paths before validation (`--set workload.users=5000`, `--set designs.1.nodes=500`, `--set attacks=[timing,flow]`). VALUE is read as a YAML scalar: `500` is a number, `true` a boolean, `1h` a string. `--seed N` and `--replicates N` are shorthands for `--set seed=N` and `--set replicates=N`. Problems with an override are reported at `argv:1:<argument index>`.',
    '',
    '## Error messages',
    '',
    'Every problem is reported, one line each, and the CLI exits with code 2:',
    '',
    '```',
    '<file>:<line>:<col> <key path>: <what is wrong>; expected <what> (did you mean X?)',
    '```',
    '',
    'for example `default.yaml:9:13 designs.0.design: unknown design "signl"; expected one of signal | session | simplex | matrix (did you mean signal?)`.',
    '',
  );
  return out.join('\n');
}
