/**
 * `anonsim list [designs|adversaries|attacks|<name>]`: every name (or the one named: a design id,
 * an adversary kind or an attack id) with its parameters, types/units, defaults and the source of
 * each default, generated from the registries and the scenario schema (the same tables the
 * validator and docs/scenario.md use).
 */
import { ADVERSARIES } from '../adversary/registry.js';
import { ATTACKS } from '../attacks/registry.js';
import { DESIGNS } from '../designs/registry.js';
import type { FieldSpec } from '../scenario/fields.js';
import { typeText } from '../scenario/reference.js';
import { ADVERSARY_FIELDS, ADVERSARY_KEYS } from '../scenario/schema.js';

export const LIST_WHAT = ['designs', 'adversaries', 'attacks'] as const;

function wrap(text: string, indent: string, width = 100): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && indent.length + cur.length + 1 + w.length > width) {
      lines.push(indent + cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(indent + cur);
  return lines.join('\n');
}

function param(spec: FieldSpec, defaultText?: string): string {
  const def = defaultText ?? `default ${String(spec.default)}`;
  return [
    `  ${spec.name}  ${typeText(spec)}  ${def}`,
    wrap(spec.description, '      '),
    wrap(`source: ${spec.source}`, '      '),
  ].join('\n');
}

/** Every name `anonsim list <name>` accepts besides the three lists: design ids, adversary kinds, attack ids. */
export function listNames(): string[] {
  return [...DESIGNS.keys(), ...Object.keys(ADVERSARY_KEYS), ...ATTACKS.keys()];
}

export function listDesigns(only?: string): string {
  const out = ['DESIGNS (scenario: designs: [- design: <id>, <param>: <value>])', ''];
  for (const d of DESIGNS.values()) {
    if (only !== undefined && d.id !== only) continue;
    out.push(`${d.id} — ${d.summary}`);
    // No value given: every parameter takes its spec's default (defineDesign, src/designs/design.ts).
    out.push(
      wrap(
        `infrastructure: ${d.infraHosts({})} hosts at the defaults (a colluding fraction holds round(fraction × hosts), at least 1)`,
        '  ',
      ),
    );
    out.push(
      param({
        name: 'processing',
        type: 'dist',
        unit: 'duration',
        default: d.processing.default,
        description: 'Processing and queueing delay at each infrastructure party of this design.',
        source: d.processing.source,
      }),
    );
    for (const p of d.params) out.push(param(p));
    out.push('');
  }
  return out.join('\n');
}

export function listAdversaries(only?: string): string {
  const out = ['ADVERSARIES (scenario: adversaries: [- kind: <kind>, …])', ''];
  for (const [kind, keys] of Object.entries(ADVERSARY_KEYS)) {
    if (only !== undefined && kind !== only) continue;
    out.push(`${kind} — ${ADVERSARIES.get(kind)?.summary ?? ''}`);
    const extra = keys.filter((k) => k !== 'kind');
    for (const k of extra) {
      const spec = ADVERSARY_FIELDS[k];
      if (k === 'count') out.push(param(spec, 'no default (give fraction or count)'));
      else if (k === 'name')
        out.push(
          param({ ...spec, description: 'Label in outputs.' }, `default ${ADVERSARIES.get(kind)?.nameForm ?? kind}`),
        );
      else out.push(param(spec));
    }
    out.push('');
  }
  return out.join('\n');
}

export function listAttacks(only?: string): string {
  const out = ['ATTACKS (scenario: attacks: [<id>, …]; parameters under attackParams.<id>)', ''];
  for (const a of ATTACKS.values()) {
    if (only !== undefined && a.id !== only) continue;
    out.push(`${a.id} — ${a.summary}`);
    if (a.params.length === 0) out.push('  (no parameters)');
    for (const p of a.params) out.push(param(p));
    out.push('');
  }
  return out.join('\n');
}

/** The listing for `what`: one of LIST_WHAT, a name of listNames(), or everything when undefined. */
export function listText(what?: string): string {
  const parts: string[] = [];
  if (what !== undefined && !(LIST_WHAT as readonly string[]).includes(what)) {
    if (DESIGNS.has(what)) parts.push(listDesigns(what));
    else if (what in ADVERSARY_KEYS) parts.push(listAdversaries(what));
    else if (ATTACKS.has(what)) parts.push(listAttacks(what));
    else throw new Error(`nothing to list named ${what}`);
    return `${parts.join('\n').trimEnd()}\n`;
  }
  if (!what || what === 'designs') parts.push(listDesigns());
  if (!what || what === 'adversaries') parts.push(listAdversaries());
  if (!what || what === 'attacks') parts.push(listAttacks());
  return `${parts.join('\n').trimEnd()}\n`;
}
