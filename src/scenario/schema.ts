/**
 * The scenario schema: every key a scenario file may write, with type, default, unit and the
 * source of the default. Validation (`resolve.ts`), `anonsim validate`, `anonsim list` and the
 * generated reference (docs/scenario.md) all read these tables, so they cannot drift apart.
 * Design and attack parameters live with their modules (`DesignModule.params`,
 * `AttackModule.params`); only the keys common to every item are here.
 */
import { ADVERSARIES, ADVERSARY_KINDS, type AdversaryKindName } from '../adversary/registry.js';
import { DAY } from '../core/time.js';
import { dist, duration, fraction, int, num, oneOf, rate, text } from '../params/typed.js';
import type { FieldSpec } from './fields.js';

export const TOP_FIELDS = [
  text('name', {
    default: '(file name)',
    description: 'Scenario name; the results folder is results/<name>/.',
    source: "the scenario file's name without its extension",
  }),
  int('seed', {
    default: 1,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    description: 'Master seed; every random stream is derived from it (and --seed overrides it).',
    source:
      '[assumption] any fixed seed: the same scenario and seed give byte-identical results (docs/architecture.md)',
  }),
  int('replicates', {
    default: 1,
    min: 1,
    max: 10_000,
    description: 'Independent runs per sweep cell; replicate r uses a seed derived from (seed, r).',
    source: '[assumption] one run per cell is quick; more give the 95 % intervals of aggregate.csv (docs/metrics.md)',
  }),
  duration('duration', {
    default: '1h',
    unit: undefined,
    min: 0,
    minExclusive: true,
    max: 100 * DAY,
    description: 'Simulated time. At most 100d: time is integer ns in a double (exact to 2^53 ns ≈ 104 days).',
    source: '[assumption] an hour holds many messages per user at the default rate while staying quick to simulate',
  }),
  duration('warmup', {
    default: '0s',
    unit: undefined,
    min: 0,
    description: 'Deliveries before this time are simulated but not scored; must be less than duration.',
    source:
      '[assumption] score from the start; scenarios with polling or offline devices set a warm-up so queues settle first',
  }),
] as const;

export const WORKLOAD_FIELDS = [
  int('users', {
    default: 1000,
    min: 2,
    max: 10_000_000,
    unit: 'users',
    description: 'Number of users (one device each).',
    source: '[assumption] a thousand users keep every design and attack within seconds on two cores',
  }),
  num('contacts', {
    default: 8,
    min: 0,
    minExclusive: true,
    unit: 'contacts',
    description: 'Mean contacts per user in the symmetric contact graph; at most users − 1.',
    source: '[assumption] a handful of regular conversation partners per user; no published per-messenger figure',
  }),
  oneOf('degreeModel', ['uniform', 'heavy'], {
    default: 'uniform',
    description: 'uniform: Erdős–Rényi-like degrees; heavy: Chung–Lu graph with Pareto(2.5) expected degrees.',
    source: '[assumption] uniform keeps attacks comparable across designs; heavy for sensitivity runs',
  }),
  num('contactSkew', {
    default: 1,
    min: 0,
    description:
      'How unevenly a user spreads messages over contacts: per-contact weights ~ lognormal(1, contactSkew); 0 = uniform.',
    source:
      '[assumption] value; tie strengths in phone networks are broad (Onnela et al., PNAS 104(18), 2007), so not uniform',
  }),
  rate('rate', {
    default: '1/10min',
    min: 0,
    description: '1:1 messages per user (Poisson while online), each to a contact chosen by weight.',
    source: '[assumption] a message every ten minutes or so while the app is online; no published per-messenger figure',
  }),
  fraction('replyProbability', {
    default: 0.5,
    description: 'Probability that a recipient answers a 1:1 message (the reply waits for delivery).',
    source: '[assumption] conversations are mostly two-sided; half of messages answered',
  }),
  dist('thinkTime', {
    default: 'exp(30s)',
    description: "Time from the original's send to the reply's send (the reply also waits until it is delivered).",
    source: '[assumption] chat replies within tens of seconds to minutes',
  }),
  dist('messageSize', {
    default: 'lognormal(80, 1)',
    unit: 'bytes',
    description: 'Plaintext size of a message in bytes (plain numbers, no unit); designs pad it.',
    source: '[assumption] short texts: median 80 B, long right tail (lognormal σ = 1)',
  }),
] as const;

export const GROUP_FIELDS = [
  int('count', {
    default: 0,
    min: 0,
    max: 1_000_000,
    unit: 'groups',
    description: 'Number of groups (members drawn uniformly).',
    source: '[assumption] no groups unless a scenario asks for them',
  }),
  int('size', {
    default: 8,
    min: 2,
    unit: 'members',
    description: 'Members per group; at most users.',
    source: '[assumption] a small family or team group',
  }),
  rate('rate', {
    default: '1/h',
    min: 0,
    description: 'Messages per group (Poisson), sent by a uniformly chosen online member.',
    source: '[assumption] about one message per group per hour',
  }),
] as const;

export const ONLINE_FIELDS = [
  oneOf('model', ['always', 'sessions'], {
    default: 'always',
    description: 'always: every device online throughout; sessions: alternating on/off periods per user.',
    source: '[assumption] always-on phones with push are the common case',
  }),
  dist('on', {
    default: 'exp(1h)',
    description: 'Length of an online period (sessions model).',
    source: '[assumption] an app stays open for about an hour at a time',
  }),
  dist('off', {
    default: 'exp(3h)',
    description: 'Length of an offline period (sessions model).',
    source: '[assumption] three hours between sessions: online a quarter of the time',
  }),
] as const;

export const PLATFORM_FIELDS = [
  fraction('android', {
    default: 0.5,
    description: 'Fraction of users on Android (platform push via FCM where the design uses it).',
    source: '[assumption] ≈ 70/30 Android/iOS mobile share (StatCounter 2024) scaled to 80 % mobile users',
  }),
  fraction('ios', {
    default: 0.3,
    description: 'Fraction of users on iOS (APNs); the rest (1 − android − ios) are desktop without platform push.',
    source: '[assumption] as for android',
  }),
] as const;

export const NETWORK_FIELDS = [
  dist('latency', {
    default: 'uniform(20ms, 60ms)',
    description: 'One-way latency of every hop.',
    source: '[assumption] one-way Internet latency within a continent, 20–60 ms',
  }),
] as const;

/** Keys every design item takes besides its design's parameters. */
export const DESIGN_ITEM_KEYS = ['design', 'name', 'processing', 'sweep'] as const;

export type AdversaryKind = AdversaryKindName;

const ADVERSARY_KIND = oneOf('kind', ADVERSARY_KINDS, {
  default: 'single',
  description: `${[...ADVERSARIES.values()].map((k) => `${k.kind}: ${k.brief}`).join('; ')}.`,
  source: 'the adversary models of docs/metrics.md; single is the smallest one',
});

const ADVERSARY_NAME = text('name', {
  default: '(kind and size)',
  description: 'Label in outputs. Default: the kind plus its size, e.g. single-server, colluding-10%, global-passive.',
  source: 'a label only',
});

/** Keys of every adversary item (`kind`, `name`, typed) and each kind's own keys, from the registry. */
export const ADVERSARY_FIELDS: Readonly<Record<string, FieldSpec>> & {
  kind: typeof ADVERSARY_KIND;
  name: typeof ADVERSARY_NAME;
} = {
  kind: ADVERSARY_KIND,
  name: ADVERSARY_NAME,
  ...Object.fromEntries([...ADVERSARIES.values()].flatMap((k) => k.fields.map((f) => [f.name, f]))),
};

/** Keys each adversary kind accepts. */
export const ADVERSARY_KEYS = Object.fromEntries(
  [...ADVERSARIES.values()].map((k) => [k.kind, ['kind', 'name', ...k.fields.map((f) => f.name)]]),
) as unknown as Record<AdversaryKind, readonly string[]>;

/** Top-level keys, in the order the resolved YAML prints them. */
export const TOP_KEYS = [
  'name',
  'seed',
  'replicates',
  'duration',
  'warmup',
  'workload',
  'network',
  'designs',
  'adversaries',
  'attacks',
  'attackParams',
  'sweep',
  'compare',
] as const;

export const WORKLOAD_KEYS = [...WORKLOAD_FIELDS.map((f) => f.name), 'groups', 'online', 'platforms'];

/** Defaults for lists when a scenario leaves them out (the same set as scenarios/default.yaml). */
export const DEFAULT_ADVERSARIES = [
  { kind: 'single', target: 'server' },
  { kind: 'colluding', fraction: 0.1 },
  { kind: 'global-passive' },
] as const;

/** Limits that keep a mistyped scenario from exhausting memory before anything runs. */
export const LIMITS = {
  fileBytes: 5 * 1024 * 1024,
  sweepCells: 10_000,
  sweepValues: 1_000,
  /** Expected messages above which validation warns that the run will be long. */
  messagesWarn: 50_000_000,
} as const;
