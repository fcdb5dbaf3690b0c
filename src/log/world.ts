/**
 * What the log saves and loads: a simulated world. Declared here, below the pipeline that
 * simulates and attacks worlds, so the log's reader and writer need nothing from the pipeline.
 */
import type { BuiltDesign } from '../designs/design.js';
import type { Hosts } from '../net/hosts.js';
import type { ObservationLog, PeriodicFlows } from '../net/log.js';
import type { GroundTruth } from '../net/truth.js';
import type { Workload } from '../workload/types.js';

/**
 * One simulated run of a design item: its workload, hosts, what the network logged, and the
 * design's facts. A saved log (read.ts) gives back exactly this, so attacks cannot tell
 * a loaded world from a simulated one.
 */
export interface World {
  workload: WorldWorkload;
  /** Events the simulation fired (the Sim itself is let go once the run is over). */
  events: number;
  hosts: Hosts;
  log: ObservationLog;
  truth: GroundTruth;
  periodic: PeriodicFlows;
  built: BuiltDesign;
}

/** The workload's messages (what a saved log's messages table holds); the contact graph and sessions stay behind. */
export type WorldWorkload = Pick<
  Workload,
  'users' | 'count' | 'realCount' | 'tSend' | 'sender' | 'recipient' | 'group' | 'size' | 'replyTo'
>;
