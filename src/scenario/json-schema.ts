/**
 * The scenario format as a JSON Schema (draft 2020-12), generated from the same tables the
 * validator reads: top-level, workload and network keys (schema.ts), each design's parameters
 * (`DesignModule.params`), each adversary kind's keys (adversary/registry.ts) and each attack's
 * parameters. docs/scenario.schema.json is this output (a test keeps it in sync); a shipped
 * scenario's first line `# yaml-language-server: $schema=../docs/scenario.schema.json` makes
 * editors with the YAML language server complete and check keys as they are typed.
 *
 * The schema is the shape only: units (`30ms`, `1/10min`), distributions and cross-key rules
 * (warmup < duration, swarmSize ≤ nodes) are left to `anonsim validate`, whose messages say
 * where and what to write.
 */
import { ADVERSARIES } from '../adversary/registry.js';
import { ATTACKS } from '../attacks/registry.js';
import { DIST_FORM } from '../core/dist.js';
import { RATE_FORM } from '../core/time.js';
import { DESIGNS } from '../designs/registry.js';
import type { FieldSpec } from '../params/spec.js';
import {
  ADVERSARY_FIELDS,
  GROUP_FIELDS,
  NETWORK_FIELDS,
  ONLINE_FIELDS,
  PLATFORM_FIELDS,
  TOP_FIELDS,
  WORKLOAD_FIELDS,
} from './schema.js';

type JsonSchema = Record<string, unknown>;

/** One key's schema: its JSON type, bounds where the written value is the resolved one, its docs. */
function fieldSchema(f: FieldSpec): JsonSchema {
  const doc = { description: `${f.description}${f.unit ? ` Unit: ${f.unit}.` : ''}`, default: f.default };
  switch (f.type) {
    case 'int':
    case 'number':
    case 'fraction': {
      const lo = f.min ?? (f.type === 'fraction' ? 0 : undefined);
      const hi = f.max ?? (f.type === 'fraction' ? 1 : undefined);
      return {
        type: f.type === 'int' ? 'integer' : 'number',
        ...(lo === undefined ? {} : f.minExclusive ? { exclusiveMinimum: lo } : { minimum: lo }),
        ...(hi === undefined || !Number.isFinite(hi) ? {} : { maximum: hi }),
        ...doc,
      };
    }
    case 'bool':
      return { type: 'boolean', ...doc };
    case 'enum':
      return { enum: [...(f.values ?? [])], ...doc };
    case 'duration':
      return {
        type: ['string', 'number'],
        ...doc,
        description: `${doc.description} A duration: 30ms, 5s, 2min, 1h, 1d.`,
      };
    case 'rate':
      return { type: ['string', 'number'], ...doc, description: `${doc.description} A rate: ${RATE_FORM}.` };
    case 'dist':
      return {
        type: ['string', 'number'],
        ...doc,
        description: `${doc.description} A value or distribution: ${DIST_FORM}.`,
      };
    case 'string':
      return { type: 'string', ...doc };
  }
}

function object(
  fields: readonly FieldSpec[],
  extra: Record<string, JsonSchema> = {},
  required: string[] = [],
): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: { ...Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])), ...extra },
    ...(required.length > 0 ? { required } : {}),
  };
}

/** A design item's own `sweep:` (variants of the item): key → list of values, or zip groups. */
const ITEM_SWEEP: JsonSchema = {
  type: 'object',
  description: 'Variants of this item: parameter → list of values (crossed), or zip: {…} groups that step together.',
};

function designItem(id: string): JsonSchema {
  const mod = DESIGNS.get(id);
  if (!mod) throw new Error(`no design ${id}`);
  return object(
    mod.params,
    {
      design: { const: id, description: mod.summary },
      name: { type: 'string', description: 'Label in outputs (default: the design id).' },
      processing: fieldSchema({
        name: 'processing',
        type: 'dist',
        unit: 'duration',
        default: mod.processing.default,
        description: 'Processing and queueing delay at each infrastructure party of this design.',
        source: mod.processing.source,
      }),
      sweep: ITEM_SWEEP,
    },
    ['design'],
  );
}

function adversaryItem(kind: string): JsonSchema {
  const k = ADVERSARIES.get(kind);
  if (!k) throw new Error(`no adversary kind ${kind}`);
  return object(k.fields, { kind: { const: kind, description: k.summary }, name: fieldSchema(ADVERSARY_FIELDS.name) }, [
    'kind',
  ]);
}

/** Draft 2020-12 JSON Schema of a scenario file (YAML or JSON). */
export function scenarioJsonSchema(): JsonSchema {
  const designIds = [...DESIGNS.keys()];
  const attackIds = [...ATTACKS.keys()];
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'anonsim scenario',
    description:
      'A scenario for `anonsim run` (docs/scenario.md). Generated from the registries by `npm run docs`; `anonsim validate` checks units, distributions and cross-key rules too.',
    ...object(TOP_FIELDS, {
      workload: object(WORKLOAD_FIELDS, {
        groups: object(GROUP_FIELDS),
        online: object(ONLINE_FIELDS),
        platforms: object(PLATFORM_FIELDS),
      }),
      network: object(NETWORK_FIELDS),
      designs: {
        type: 'array',
        minItems: 1,
        description: `Design items: ${designIds.join(', ')}.`,
        items: {
          type: 'object',
          required: ['design'],
          properties: { design: { enum: designIds } },
          allOf: designIds.map((id) => ({
            if: { properties: { design: { const: id } } },
            // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
            then: designItem(id),
          })),
        },
      },
      adversaries: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['kind'],
          properties: { kind: fieldSchema(ADVERSARY_FIELDS.kind) },
          allOf: [...ADVERSARIES.keys()].map((kind) => ({
            if: { properties: { kind: { const: kind } } },
            // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
            then: adversaryItem(kind),
          })),
        },
      },
      attacks: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: attackIds } },
      attackParams: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries([...ATTACKS.values()].map((a) => [a.id, object(a.params)])),
      },
      sweep: {
        type: 'object',
        description:
          'Key path → list of values (a grid), and zip: {…} or a list of such groups (keys that step together).',
      },
      compare: {
        type: 'array',
        items: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 },
        description: 'Pairs [baseline, other] of design item names.',
      },
    }),
  };
}
