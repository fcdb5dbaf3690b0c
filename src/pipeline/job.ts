/**
 * One simulation job: a (sweep cell group, replicate, design) simulated once, then every
 * adversary view and attack of every sweep cell that shares this simulation evaluated on the
 * same log ("record once, attack many"). Runs inside a worker or in-process; the result holds
 * only plain rows, so merging jobs in a fixed order gives byte-identical output.
 */

import { join } from 'node:path';
import { makeView } from '../adversary/adversaries.js';
import { meanLatency, seeBackground } from '../adversary/background.js';
import {
  breakModel,
  buildTargets,
  causeClassLaw,
  dwellKindModels,
  dwellModel,
  endToEndModel,
  endToEndSizeModel,
  hopSizeModel,
  payloadSizeLaws,
  scoredDeliveries,
} from '../adversary/targets.js';
import { observe, type View } from '../adversary/view.js';
import {
  type AttackInput,
  attackNeeds,
  type DelayModel,
  type PayloadSizes,
  type SizeModel,
} from '../attacks/attack.js';
import { ATTACKS } from '../attacks/registry.js';
import { replicateSeed, Streams } from '../core/rng.js';
import { Sim } from '../core/sim.js';
import { buildDesign } from '../designs/countermeasures.js';
import type { DesignModule } from '../designs/design.js';
import { DESIGNS } from '../designs/registry.js';
import { loadWorld } from '../log/read.js';
import type { World, WorldWorkload } from '../log/world.js';
import { commitWorld, WorldLogWriter, type WorldMeta } from '../log/write.js';
import { boundPairs, latencyMetrics } from '../metrics/index.js';
import { Hosts } from '../net/hosts.js';
import { Net } from '../net/net.js';
import type { Cell } from '../scenario/sweep.js';
import type { DesignItem, Scenario } from '../scenario/types.js';
import { generateWorkload } from '../workload/generate.js';
import type { Workload } from '../workload/types.js';
import { type Evaluation, evaluateAttack } from './evaluate.js';
import { type DesignExposure, measureExposure } from './exposure.js';
import { profiled } from './profile.js';
import { buildTimelines } from './timeline.js';
import type {
  CandidateRow,
  CapRecord,
  CorrelationRow,
  DistributionRow,
  HeldRecord,
  MessageRow,
  PairRow,
  RocRow,
  SummaryRow,
  Timeline,
  TtfdRow,
} from './types.js';

/** A world and its messages are the log's types (src/log/world.ts), which loads and saves them. */
export type { World, WorldWorkload };

/** In-flight messages sent before `duration` may complete during this extra simulated time. */
export const DRAIN_NS = 60e9;
/** Top-scored pairs kept per (cell, design, adversary, attack) of replicate 0 for pairs.csv. */
export const PAIRS_KEPT = 500;

export interface JobSpec {
  replicate: number;
  designIndex: number;
  /** Cells sharing this simulation (identical workload, network, duration and design item). */
  cells: Cell[];
  messages: boolean;
  /** Whether this job contributes timelines and the exposure matrix (cell 0, replicate 0). */
  primary: boolean;
  /**
   * Saved observation log (src/log): `write` saves this job's worlds as Parquet under `root`
   * (`anonsim run --log`, folders named by `worldName(job, …)`); `read` takes the worlds named
   * in `worlds` from there instead of simulating (`anonsim attack`).
   */
  log?: { root: string; job: number; mode: 'write' | 'read'; worlds?: SavedWorlds };
}

export interface JobResult {
  replicate: number;
  designIndex: number;
  seed: number;
  summary: SummaryRow[];
  pairs: PairRow[];
  ttfd: TtfdRow[];
  messages: MessageRow[];
  roc: RocRow[];
  distributions: DistributionRow[];
  correlation: CorrelationRow[];
  candidates: CandidateRow[];
  timelines: Timeline[];
  exposure: DesignExposure | null;
  /** Hosts each adversary holds, per cell (manifest.json `held`). */
  held: HeldRecord[];
  /** Evaluations whose work caps cut a posterior (manifest.json `caps`). */
  caps: CapRecord[];
  counts: { events: number; messagesSent: number; hops: number; deliveries: number };
}

export function ipIndex(hosts: Hosts): { hostIp: Int32Array; ipStart: Int32Array; ipUsers: Int32Array } {
  const hostIp = Int32Array.from(hosts.ip);
  let maxIp = 0;
  for (const ip of hosts.ip) if (ip > maxIp) maxIp = ip;
  const ipStart = new Int32Array(maxIp + 2);
  for (let u = 0; u < hosts.users; u++) ipStart[hosts.ip[u] + 1]++;
  for (let i = 0; i <= maxIp; i++) ipStart[i + 1] += ipStart[i];
  const fill = ipStart.slice(0, maxIp + 1);
  const ipUsers = new Int32Array(hosts.users);
  for (let u = 0; u < hosts.users; u++) ipUsers[fill[hosts.ip[u]]++] = u;
  return { hostIp, ipStart, ipUsers };
}

/**
 * The scope of a design item's random streams: its design id, never its `name`. Variants of one
 * design in one replicate (items that differ in name or parameters) therefore draw relay
 * placement, swarm layout, per-user paths and the adversary's held set from the same streams,
 * and diverge only where a parameter changes what is drawn (e.g. more relays, or guards 0 vs 2
 * after the draws both make). Renaming an item changes its label and nothing else.
 */
export function streamScope(item: Pick<DesignItem, 'design'>): string {
  return item.design;
}

/** A world just simulated: its whole workload too (contact graph, sessions), which tests read. */
export type SimulatedWorld = World & { workload: Workload };

/** Folders (under the log root) of a job's saved worlds; `calibration` null when the log has none. */
export interface SavedWorlds {
  run: string;
  calibration: string | null;
}

/** Where `simulate` saves the world (`anonsim run --log`): its folder and what world.json says about it. */
export interface LogTarget {
  dir: string;
  /** Rows per streamed hop row group (default HOP_GROUP_ROWS). */
  groupRows?: number;
  meta: Pick<WorldMeta, 'world' | 'kind' | 'job' | 'replicate' | 'designIndex' | 'seed' | 'cells' | 'warmup'>;
}

export function simulate(
  base: Scenario,
  item: DesignItem,
  module: DesignModule,
  streams: Streams,
  logTo?: LogTarget,
): SimulatedWorld {
  const workload = generateWorkload({ ...base.workload, duration: base.duration }, streams);
  const sim = new Sim();
  const hosts = new Hosts(workload.users);
  const scope = streamScope(item);
  const net = new Net(sim, hosts, base.network.latency, streams.stream(`design/${scope}/net`));
  const writer = logTo ? new WorldLogWriter(logTo.dir, hosts, net.log, logTo.groupRows) : null;
  const built = buildDesign(
    module,
    {
      sim,
      net,
      hosts,
      workload,
      streams: streams.sub(`design/${scope}`),
      shared: streams.sub('shared'),
      processing: item.processing,
      duration: base.duration,
    },
    item.params,
  );
  sim.run({ until: base.duration + DRAIN_NS });
  net.log.trim();
  const world = { workload, events: sim.fired, hosts, log: net.log, truth: net.truth, periodic: net.periodic, built };
  if (writer && logTo) {
    writer.finish(net.truth, net.periodic, workload, {
      ...logTo.meta,
      design: item.name,
      designId: item.design,
      users: workload.users,
      duration: base.duration,
      events: sim.fired,
      hops: net.log.length,
      deliveries: net.truth.length,
      messages: workload.count,
      built,
    });
    commitWorld(logTo.dir);
  }
  return world;
}

/** What an adversary's view of a world gives an attack: rows, targets, and the laws learnt from them. */
export type Seen = Pick<AttackInput, 'obs' | 'targets' | 'endToEnd' | 'endToEndSizes' | 'fromBreak' | 'background'> & {
  /** Hosts the adversary holds (summary.csv `held`; 0 for a pure link observer). */
  held: number;
  /** Their host ids, ascending (manifest.json `held`). */
  heldHosts: number[];
};

export function see(world: World, adv: Scenario['adversaries'][number], warmup: number, advStreams: Streams): Seen {
  return seeView(world, makeView(adv, world.built, world.hosts.count, advStreams), warmup);
}

/**
 * What a view observes is fixed by the hosts it holds and whether it watches every link (view.ts
 * `observe`, background.ts `seeBackground` read nothing else): two adversary specs that hold the
 * same hosts — Signal's single server and any colluding set, which is its one service — see the
 * same rows, so their attacks give the same results and run once (the name is only a label).
 */
function viewIdentity(view: View): string {
  if (view.kind === 'none') return 'none';
  const held: number[] = [];
  for (let h = 0; h < view.held.length; h++) if (view.held[h]) held.push(h);
  return `${view.global ? 'global' : 'held'}:${held.join(',')}`;
}

function seeView(world: World, view: View, warmup: number): Seen {
  const { log, truth, built, hosts } = world;
  const { obs, rowOf, obsOf } = observe(log, view);
  const targets = buildTargets(log, truth, scoredDeliveries(truth, warmup), obs, obsOf, {
    rowOf,
    groupMembersReadable: built.groupMembersReadable === true,
  });
  const heldHosts: number[] = [];
  for (let h = 0; h < view.held.length; h++) if (view.held[h]) heldHosts.push(h);
  return {
    held: heldHosts.length,
    heldHosts,
    obs,
    targets,
    endToEnd: endToEndModel(log, obs, rowOf, targets, obsOf),
    endToEndSizes: endToEndSizeModel(log, obs, rowOf, targets),
    fromBreak: breakModel(log, obs, rowOf, obsOf, targets, world.workload.users),
    background: seeBackground(world.periodic, view, world.workload.users, hosts.count, meanLatency(log)),
  };
}

type Adversary = Scenario['adversaries'][number];

/**
 * What an adversary learns from one world, each piece built when first asked for: at 10^5 users
 * the dwell and size laws cost a pass over 10^7–10^8 forwarded rows, and attacks that never read
 * them never pay. One view is kept (the last adversary's): attacks run one adversary at a time.
 */
class Knowledge {
  private lastView: { key: string; value: Seen } | null = null;
  private dwellLaw: DelayModel | null = null;
  private hopSizeLaw: SizeModel | null = null;
  private payloadSizeLaw: PayloadSizes | null = null;
  private kinds: NonNullable<AttackInput['dwellByKind']> | null = null;
  private causes: NonNullable<AttackInput['causeClasses']> | null = null;

  constructor(
    readonly world: World,
    private readonly advStreams: Streams,
  ) {}

  /** The identity of what `adv` observes (see `viewIdentity`), for caching its results. */
  viewOf(adv: Adversary): { view: View; identity: string } {
    const view = makeView(adv, this.world.built, this.world.hosts.count, this.advStreams);
    return { view, identity: viewIdentity(view) };
  }

  /** What `adv` sees; `viewed` is its `viewOf` when the caller already built it (a view is built once per lookup). */
  seen(adv: Adversary, warmup: number, viewed = this.viewOf(adv)): Seen {
    const { view, identity } = viewed;
    const key = JSON.stringify([identity, warmup]);
    if (this.lastView?.key === key) return this.lastView.value;
    this.lastView = null;
    const value = seeView(this.world, view, warmup);
    this.lastView = { key, value };
    return value;
  }

  get dwell(): DelayModel {
    this.dwellLaw ??= dwellModel(this.world.log, this.world.workload.users);
    return this.dwellLaw;
  }

  get hopSizes(): SizeModel {
    this.hopSizeLaw ??= hopSizeModel(this.world.log, this.world.workload.users);
    return this.hopSizeLaw;
  }

  /** Sizes of payload rows at devices (the windowed attacks' protocol-aware observer). */
  get payloadSizes(): PayloadSizes {
    this.payloadSizeLaw ??= payloadSizeLaws(this.world.log, this.world.truth);
    return this.payloadSizeLaw;
  }

  /** Where each kind of forward's causes come from (timing's protocol-aware observer). */
  get causeClasses(): NonNullable<AttackInput['causeClasses']> {
    const { hosts, log, workload } = this.world;
    this.causes ??= { role: Uint8Array.from(hosts.role), p: causeClassLaw(log, workload.users, hosts.role) };
    return this.causes;
  }

  /** Per-kind dwell laws (timing `dwell: per-kind`). */
  get dwellByKind(): NonNullable<AttackInput['dwellByKind']> {
    const { hosts, log, workload } = this.world;
    this.kinds ??= { role: Uint8Array.from(hosts.role), models: dwellKindModels(log, workload.users, hosts.role) };
    return this.kinds;
  }
}

/**
 * The worlds a job attacks: the run itself, and the calibration run (timing `calibration:
 * independent-run`) when an attack first asks for it. Simulated by default (and saved with
 * `spec.log.mode === 'write'`); `loadJobWorlds` passes the saved ones.
 */
export interface JobWorlds {
  run: World;
  calibration(): World;
}

/** The worlds of a job in read mode (spec.log.worlds names their folders under spec.log.root). */
export async function loadJobWorlds(spec: JobSpec): Promise<JobWorlds> {
  const log = spec.log;
  if (!log?.worlds) throw new Error('loadJobWorlds: the job names no saved worlds');
  const run = (await loadWorld(join(log.root, log.worlds.run))).world;
  const calibrationDir = log.worlds.calibration;
  const calibration = calibrationDir ? (await loadWorld(join(log.root, calibrationDir))).world : null;
  return {
    run,
    calibration: () => {
      if (!calibration) throw new Error('saved log: this job needs its calibration world, which the log lacks');
      return calibration;
    },
  };
}

/** Name of a job's world folder under the log root (`job-0007`, `job-0007-calibration`). */
export function worldName(job: number, kind: 'run' | 'calibration'): string {
  const base = `job-${String(job).padStart(4, '0')}`;
  return kind === 'run' ? base : `${base}-calibration`;
}

/** Whether any attack of the job learns its laws from the calibration run. */
export function needsCalibration(spec: JobSpec): boolean {
  return spec.cells.some(({ scenario: s }) =>
    s.attacks.some((a) => {
      const attack = ATTACKS.get(a);
      return attack !== undefined && attackNeeds(attack, s.attackParams[a] ?? {}).laws === 'independent-run';
    }),
  );
}

function simulatedWorlds(spec: JobSpec): JobWorlds {
  const base = spec.cells[0].scenario;
  const item = base.designs[spec.designIndex];
  const module = DESIGNS.get(item.design);
  if (!module) throw new Error(`unknown design ${item.design}`);
  const seed = replicateSeed(base.seed, spec.replicate);
  const streams = new Streams(seed);
  const target = (kind: 'run' | 'calibration'): LogTarget | undefined => {
    if (spec.log?.mode !== 'write') return undefined;
    const world = worldName(spec.log.job, kind);
    const cells = spec.cells.map((c) => c.cell);
    const meta = { world, kind, job: spec.log.job, replicate: spec.replicate, designIndex: spec.designIndex, seed };
    return { dir: join(spec.log.root, world), meta: { ...meta, cells, warmup: base.warmup } };
  };
  // The calibration run: the same scenario and design simulated with the replicate's `calibration` streams.
  return {
    run: profiled(`${item.name} - - simulate`, () => simulate(base, item, module, streams, target('run'))),
    calibration: () => simulate(base, item, module, streams.sub('calibration'), target('calibration')),
  };
}

/** Runs a job on simulated worlds, or on the worlds a saved log holds (`spec.log.mode === 'read'`). */
export async function executeJob(spec: JobSpec): Promise<JobResult> {
  return spec.log?.mode === 'read' ? runJob(spec, await loadJobWorlds(spec)) : runJob(spec);
}

export function runJob(spec: JobSpec, worlds: JobWorlds = simulatedWorlds(spec)): JobResult {
  const base = spec.cells[0].scenario;
  const item = base.designs[spec.designIndex];
  const seed = replicateSeed(base.seed, spec.replicate);
  const streams = new Streams(seed);
  const world = worlds.run;
  const { workload, hosts, built, log, truth, periodic } = world;

  let messagesSent = 0;
  for (let m = 0; m < workload.count; m++) if (workload.tSend[m] < base.duration) messagesSent++;
  const bytesPerMessage = messagesSent > 0 ? (log.totalBytes() + periodic.totalBytes()) / messagesSent : 0;
  const ip = ipIndex(hosts);
  const advStreams = streams.sub(`adversary/${streamScope(item)}`);
  const own = new Knowledge(world, advStreams);
  // Out-of-sample calibration (timing `calibration: independent-run`): the same scenario, design
  // and adversary simulated with the replicate's `calibration` streams, once, when first needed.
  // The adversary's held parties are drawn from the same stream, so it holds the same ids.
  let calibration: Knowledge | null = null;

  const out: JobResult = {
    replicate: spec.replicate,
    designIndex: spec.designIndex,
    seed,
    summary: [],
    pairs: [],
    ttfd: [],
    messages: [],
    roc: [],
    distributions: [],
    correlation: [],
    candidates: [],
    timelines: [],
    exposure: null,
    held: [],
    caps: [],
    counts: { events: world.events, messagesSent, hops: log.length, deliveries: truth.length },
  };

  // One array of scored deliveries per warm-up: evaluateAttack keeps what it derives from ground
  // truth (true senders, the samples' pairs) per array, for every evaluation that shares it.
  const scoredByWarmup = new Map<number, Int32Array>();
  const scoredAt = (warmup: number): Int32Array => {
    let s = scoredByWarmup.get(warmup);
    if (!s) {
      s = scoredDeliveries(truth, warmup);
      scoredByWarmup.set(warmup, s);
    }
    return s;
  };

  // Results per (view identity, attack, parameters) are cached: cells that differ only in attack
  // choice or in keys that do not change a view, and adversaries that observe the same rows, reuse
  // the same evaluation.
  const cache = new Map<string, { evaluation: Evaluation; held: number; heldHosts: number[] }>();
  const evaluateView = (
    scenario: Scenario,
    advIndex: number,
    attackId: string,
  ): { evaluation: Evaluation; held: number; heldHosts: number[] } => {
    const adv = scenario.adversaries[advIndex];
    const viewed = own.viewOf(adv);
    const key = JSON.stringify([viewed.identity, attackId, scenario.warmup, scenario.attackParams[attackId] ?? {}]);
    const hit = cache.get(key);
    if (hit) return hit;
    const { held, heldHosts, ...seen } = own.seen(adv, scenario.warmup, viewed);
    const params = scenario.attackParams[attackId] ?? {};
    const attack = ATTACKS.get(attackId);
    if (!attack) throw new Error(`unknown attack ${attackId}`);
    const needs = attackNeeds(attack, params);
    // Delay and size laws: learnt on this run, or on the calibration run, whose view of the
    // same adversary then gives the end-to-end laws as well.
    const laws =
      needs.laws === 'independent-run' ? (calibration ??= new Knowledge(worlds.calibration(), advStreams)) : own;
    const { endToEnd, endToEndSizes, fromBreak } = laws === own ? seen : laws.seen(adv, scenario.warmup);
    const input: AttackInput = {
      users: workload.users,
      ...seen,
      ...ip,
      endToEnd,
      endToEndSizes,
      fromBreak,
      // Getters, so attacks that never read the dwell or size laws never build them.
      get dwell() {
        return laws.dwell;
      },
      get hopSizes() {
        return laws.hopSizes;
      },
      get payloadSizes() {
        return laws.payloadSizes;
      },
      get causeClasses() {
        return laws.causeClasses;
      },
      get dwellByKind() {
        return laws.dwellByKind;
      },
      duration: scenario.duration,
      params,
    };
    const { targets } = seen;
    const label = `${item.name} ${adv.name} ${attackId}`;
    const result = profiled(`${label} attack`, () => attack.run(input));
    const scored = scoredAt(scenario.warmup);
    // Pairs and the figures' samples are written for replicate 0 only (bounded output).
    const sampleView = spec.replicate === 0 ? input : null;
    const value = {
      evaluation: profiled(`${label} evaluate`, () =>
        evaluateAttack(result, targets, truth, scored, workload.users, {
          messages: spec.messages,
          pairs: spec.replicate === 0 ? PAIRS_KEPT : 0,
          sampleView,
        }),
      ),
      held,
      heldHosts,
    };
    cache.set(key, value);
    return value;
  };

  for (const { cell, sweep, scenario } of spec.cells) {
    const scored = scoredAt(scenario.warmup);
    const lat = latencyMetrics(truth, scored);
    for (let a = 0; a < scenario.adversaries.length; a++) {
      const adv = scenario.adversaries[a];
      for (const attackId of scenario.attacks) {
        const { evaluation, held, heldHosts } = evaluateView(scenario, a, attackId);
        if (attackId === scenario.attacks[0])
          out.held.push({
            cell,
            replicate: spec.replicate,
            design: item.name,
            adversary: adv.name,
            kind: adv.kind,
            hosts: heldHosts.map((h) => hosts.label[h]),
          });
        if (Object.keys(evaluation.caps).length > 0)
          out.caps.push({
            cell,
            replicate: spec.replicate,
            design: item.name,
            adversary: adv.name,
            attack: attackId,
            targets: evaluation.metrics.deliveries,
            capped: evaluation.caps,
          });
        out.summary.push({
          cell,
          sweep,
          design: item.name,
          adversary: adv.name,
          attack: attackId,
          replicate: spec.replicate,
          seed,
          users: workload.users,
          messages: messagesSent,
          ...evaluation.metrics,
          ...lat,
          bytes_per_message: bytesPerMessage,
          held,
        });
        const tags = {
          cell,
          sweep,
          replicate: spec.replicate,
          design: item.name,
          adversary: adv.name,
          attack: attackId,
        };
        for (const t of boundPairs(evaluation.ttfd)) out.ttfd.push({ ...tags, ...t });
        if (spec.messages) for (const m of evaluation.messages) out.messages.push({ ...tags, ...m });
        const { roc, samples } = evaluation;
        if (roc) out.roc.push({ ...tags, fpr: [...roc.fpr], tpr: [...roc.tpr], threshold: [...roc.threshold] });
        for (const d of evaluation.distributions) out.distributions.push({ ...tags, ...d });
        if (spec.replicate === 0) {
          const { replicate: _, ...pairTags } = tags;
          for (const p of evaluation.pairs) out.pairs.push({ ...pairTags, ...p });
        }
        if (samples) {
          for (const c of samples.correlation) out.correlation.push({ ...tags, ...c });
          for (const c of samples.candidates) out.candidates.push({ ...tags, ...c });
        }
      }
    }
  }

  if (spec.primary) {
    const scenario = spec.cells[0].scenario;
    const views = scenario.adversaries.map((adv) => ({
      name: adv.name,
      view: makeView(adv, built, hosts.count, advStreams),
    }));
    out.timelines = buildTimelines(log, truth, hosts, workload, item.name, views);
    out.exposure = measureExposure({
      log,
      truth,
      hosts,
      workload,
      built,
      scored: scoredAt(scenario.warmup),
      attacks: scenario.attacks,
      adversaries: scenario.adversaries,
      run: (adv, attackId) => {
        const s = { ...scenario, adversaries: [adv] };
        return evaluateView(s, 0, attackId).evaluation;
      },
    });
  }
  return out;
}
