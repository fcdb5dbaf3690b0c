/** A scenario after loading, validation and defaults (units parsed: ns, per-ns rates, Dist). */
import type { AdversarySpec } from '../adversary/adversaries.js';
import type { Dist } from '../core/dist.js';
import type { ResolvedParams } from '../designs/design.js';
import type { WorkloadSpec } from '../workload/types.js';
import type { ComparePair } from './compare.js';

export type SweepValue = string | number | boolean;

/** One swept key path. Entries with the same `zip` group move together; others span the grid. */
export interface SweepEntry {
  path: string;
  values: SweepValue[];
  /** Zip group id (entries of one group have lists of one length); absent for a grid key. */
  zip?: number;
}

export interface DesignItem {
  /** Design id in the registry (`signal`, `session`, …). */
  design: string;
  /** Label in outputs; defaults to the design id. */
  name: string;
  params: ResolvedParams;
  processing: Dist;
}

export interface Scenario {
  name: string;
  seed: number;
  replicates: number;
  duration: number;
  warmup: number;
  workload: Omit<WorkloadSpec, 'duration'>;
  network: { latency: Dist };
  designs: DesignItem[];
  adversaries: AdversarySpec[];
  /** Attack ids to run (each against every design × adversary it applies to). */
  attacks: string[];
  /** Per-attack parameters, by attack id. */
  attackParams: Record<string, Record<string, number | string | boolean>>;
  /** Swept key paths and their values, in file order (see sweep-spec.ts for grid and zip). */
  sweep: SweepEntry[];
  /** Pairs of design item names compared replicate by replicate (compare.ts); may be empty. */
  compare: ComparePair[];
}
