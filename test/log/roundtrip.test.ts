/**
 * Saved worlds (src/log): every column the simulator keeps is in the schema, and a world written
 * and read back is the world simulated, bit for bit, for every design (groups, cover traffic,
 * sessions with push, periodic flows), with hop row groups streamed out while rows arrive.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { replicateSeed, Streams } from '../../src/core/rng.js';
import { DESIGNS } from '../../src/designs/registry.js';
import { loadWorld } from '../../src/log/read.js';
import { HOP_COLUMNS, PERIODIC_COLUMNS, TABLE_COLUMNS, TRUTH_COLUMNS, WORLD_COLUMNS } from '../../src/log/schema.js';
import { WorldLogWriter } from '../../src/log/write.js';
import { Hosts } from '../../src/net/hosts.js';
import { Kind, ObservationLog, type PeriodicFlow, requestBytes } from '../../src/net/log.js';
import { GroundTruth } from '../../src/net/truth.js';
import { simulate, type World } from '../../src/pipeline/job.js';
import { loadScenario } from '../../src/scenario/index.js';
import { writeScenario } from '../cli/helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'anonsim-log-'));
  dirs.push(d);
  return d;
}

const SCENARIO = `name: log-roundtrip
duration: 8min
workload:
  users: 50
  contacts: 4
  rate: 1/3min
  groups: { count: 4, size: 5, rate: 1/5min }
  online: { model: sessions, on: exp(4min), off: exp(2min) }
designs:
  - design: signal
  - design: session
    coverRate: 1/5min
  - design: simplex
  - design: matrix
  - design: mixnet
adversaries:
  - kind: global-passive
attacks: [identifier]
`;

/** Typed-array fields of an object (the columns a columnar store keeps). */
function arrayFields(o: object): string[] {
  return Object.entries(o)
    .filter(([, v]) => ArrayBuffer.isView(v))
    .map(([k]) => k);
}

describe('schema', () => {
  it('is documented: docs/log.md names every column of every table', () => {
    const doc = readFileSync(join(process.cwd(), 'docs/log.md'), 'utf8');
    for (const [table, cols] of [...Object.entries(TABLE_COLUMNS), ['worlds', WORLD_COLUMNS] as const])
      for (const c of cols) expect(doc, `${table}.${c.name}`).toContain(`\`${c.name}\``);
  });

  it('carries every ObservationLog and GroundTruth column and every PeriodicFlow field', () => {
    const hop = new Set(HOP_COLUMNS.map((c) => c.field));
    for (const f of arrayFields(new ObservationLog())) expect(hop, `ObservationLog.${f}`).toContain(f);
    const truth = new Set(TRUTH_COLUMNS.map((c) => c.field));
    for (const f of arrayFields(new GroundTruth())) expect(truth, `GroundTruth.${f}`).toContain(f);
    const dir = temp();
    const { scenario } = loadScenario(writeScenario(dir, SCENARIO));
    const item = scenario.designs[1];
    const w = simulate(scenario, item, DESIGNS.get(item.design)!, new Streams(replicateSeed(scenario.seed, 0)));
    expect(w.periodic.flows.length).toBeGreaterThan(0);
    const periodic = new Set(PERIODIC_COLUMNS.map((c) => c.field));
    for (const k of Object.keys(w.periodic.flows[0])) expect(periodic, `PeriodicFlow.${k}`).toContain(k);
  });
});

function expectSameWorld(a: World, b: World): void {
  for (const f of arrayFields(a.log))
    expect(Array.from(b.log[f as 'tTx'].subarray(0, b.log.length)), f).toEqual(
      Array.from(a.log[f as 'tTx'].subarray(0, a.log.length)),
    );
  expect(b.log.length).toBe(a.log.length);
  for (const f of arrayFields(a.truth))
    expect(Array.from(b.truth[f as 'msg'].subarray(0, b.truth.length)), f).toEqual(
      Array.from(a.truth[f as 'msg'].subarray(0, a.truth.length)),
    );
  expect(b.truth.length).toBe(a.truth.length);
  expect({ role: b.hosts.role, ip: b.hosts.ip, label: b.hosts.label, users: b.hosts.users }).toEqual({
    role: a.hosts.role,
    ip: a.hosts.ip,
    label: a.hosts.label,
    users: a.hosts.users,
  });
  // A flow without bytesUp splits its bytes evenly (requestBytes); the file holds the split.
  const split = (f: PeriodicFlow) => ({ ...f, bytesUp: requestBytes(f) });
  expect(b.periodic.flows.map(split)).toEqual(a.periodic.flows.map(split));
  expect(b.built).toEqual(a.built);
  expect(b.events).toBe(a.events);
  const w = a.workload;
  const v = b.workload;
  expect([v.users, v.count, v.realCount]).toEqual([w.users, w.count, w.realCount]);
  for (const f of ['tSend', 'sender', 'recipient', 'group', 'size', 'replyTo'] as const)
    expect(Array.from(v[f]), f).toEqual(Array.from(w[f].subarray(0, w.count)));
}

describe('a world written and read back', () => {
  it('is the simulated world, bit for bit, for every design; hops in several row groups', async () => {
    const dir = temp();
    const { scenario } = loadScenario(writeScenario(dir, SCENARIO));
    let cover = 0;
    let fractional = 0;
    for (const item of scenario.designs) {
      const module = DESIGNS.get(item.design)!;
      const world = join(dir, item.name);
      const meta = {
        world: item.name,
        kind: 'run' as const,
        job: 0,
        replicate: 0,
        designIndex: 0,
        seed: 1,
        cells: [0],
      };
      const groupRows = 1000;
      const streams = new Streams(replicateSeed(scenario.seed, 0));
      const simulated = simulate(scenario, item, module, streams, {
        dir: world,
        groupRows,
        meta: { ...meta, warmup: 0 },
      });
      // Times are whole ns (Sim keeps them integer, src/core/sim.ts; docs/log.md).
      for (let r = 0; r < simulated.log.length; r++) if (!Number.isInteger(simulated.log.tTx[r])) fractional++;
      const { world: loaded } = await loadWorld(world);
      expectSameWorld(simulated, loaded);
      const md = await parquetMetadataAsync(await asyncBufferFromFile(join(world, 'hops.parquet')));
      expect(md.row_groups.length).toBe(Math.ceil(simulated.log.length / groupRows));
      for (let r = 0; r < loaded.log.length; r++) if (loaded.log.msg[r] >= loaded.workload.count) cover++;
    }
    expect(cover).toBeGreaterThan(0);
    expect(fractional).toBe(0);
  });

  it('streams full row groups while rows are still being logged', () => {
    const dir = temp();
    const log = new ObservationLog();
    const writer = new WorldLogWriter(join(dir, 'w'), new Hosts(4), log, 100);
    for (let i = 0; i < 250; i++) log.append(i, i + 1, i % 4, (i + 1) % 4, 100, Kind.message, i - 1, i, undefined);
    expect(writer.groupsDuringRun).toBe(2);
  });
});
