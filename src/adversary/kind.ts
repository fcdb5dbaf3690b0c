/**
 * The one interface every adversary kind implements. A kind declares its scenario keys (besides
 * `kind` and `name`), resolves them into its spec, names itself in outputs, and marks the hosts
 * it holds in a built design. Adding a kind is its file in `kinds/` plus one line in
 * `registry.ts`: validation, `anonsim list`, docs/scenario.md and the pipeline read the registry.
 */
import type { Streams } from '../core/rng.js';
import type { BuiltDesign } from '../designs/design.js';
import type { FieldSpec, ValueReader } from '../params/spec.js';

/** One design item's infrastructure size, known before simulating (`DesignModule.infraHosts`). */
export interface InfraSize {
  /** The item's design id and output name, and its index in `designs`. */
  design: string;
  name: string;
  index: number;
  hosts: number;
}

export interface AdversaryKind<K extends string = string, S extends { kind: K } = { kind: K }> {
  kind: K;
  /** One line for `anonsim list`. */
  summary: string;
  /** A few words for the `kind` key's description (`single: one infrastructure party; …`). */
  brief: string;
  /**
   * The kind's own scenario keys, besides `kind` and `name`, built with the typed builders of
   * src/params/typed.ts so that `r.value(SPEC, …)` in `resolve` returns the key's value type.
   */
  fields: readonly FieldSpec[];
  /** The default name as `anonsim list` shows it (`single-<target>`). */
  nameForm: string;
  /**
   * The spec (without name) from a scenario item whose keys were already checked against
   * `fields`; problems go to `r` at `path.<key>`, and undefined means the item is invalid.
   */
  resolve(r: ValueReader, item: Record<string, unknown>, path: string, infra: readonly InfraSize[]): S | undefined;
  /** Warnings about a resolved item that depend on the designs (e.g. too few held hosts). */
  warn?(r: ValueReader, spec: S, path: string, infra: readonly InfraSize[]): void;
  /** The label in outputs when the item gives no `name` (`colluding-10%`). */
  defaultName(spec: S): string;
  /** Sees every link (times, hosts, sizes), whatever it holds. */
  global: boolean;
  /** Marks the hosts it holds (`held[h] = 1`), drawing from `streams` ("adversary/…"). */
  hold(spec: S, built: BuiltDesign, held: Uint8Array, streams: Streams): void;
  /**
   * What it will hold in a design item of `infra` infrastructure hosts, known before simulating,
   * as a key: equal keys (with equal `global`) hold the same hosts in every replicate, so the
   * pipeline's view cache (job.ts `viewIdentity`) runs their attacks once; the cost estimate
   * counts evaluations by it. Unequal keys may still happen to hold the same hosts.
   */
  planned(spec: S, infra: number): string;
}
