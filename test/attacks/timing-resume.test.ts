/**
 * Resumed weighings (src/attacks/timing-weigh.ts) must be bit for bit the weighings from scratch:
 * a window the scan stopped at s, weighed again at s' > s from the record's last chunk, gives the
 * record a fresh weigher gives at s' — the same children, densities, sum, share, cut and rows used.
 * Worlds are dense (hundreds of rows per dwell window, so windows run several chunks and the scan
 * stops them mid-window) with a histogram dwell law (the densityRun bin cursor), size and direction
 * weights, keepalive background flows in some (reads the scan shapes are not resumed) and dwells
 * spanning 10^9 in density (so `least` drops rows). Scan schedules are random, not only doublings,
 * and budgets bind for some weighings. Checked at the weigher and through the whole attack with
 * widening caps (against the attack with resumption disabled), which also resumes the end-to-end
 * fallback spread from the anchor (timing.ts, `spread`; timing-weigh.ts, SpreadResume).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { seeBackground } from '../../src/adversary/background.js';
import { histogramModel } from '../../src/adversary/delay-model.js';
import { buildTargets, endToEndSizeModel, hopSizeModel, scoredDeliveries } from '../../src/adversary/targets.js';
import { observe, type View } from '../../src/adversary/view.js';
import type { AttackInput, AttackResult } from '../../src/attacks/attack.js';
import { timing } from '../../src/attacks/timing.js';
import { BackgroundCauses } from '../../src/attacks/timing-background.js';
import { margins } from '../../src/attacks/timing-laws.js';
import { Expansions } from '../../src/attacks/timing-memo.js';
import { SpreadResume, Weigher } from '../../src/attacks/timing-weigh.js';
import { Streams } from '../../src/core/rng.js';
import { Kind, ObservationLog, PeriodicFlows } from '../../src/net/log.js';
import { GroundTruth } from '../../src/net/truth.js';
import { addressing } from '../metrics/synthetic-star.js';

const MS = 1e6;
const USERS = 30;
const RELAYS = 3;

function world(seed: number) {
  const rng = new Streams(seed).stream('resume');
  const keepalive = seed % 2 === 0;
  const sized = seed % 3 !== 0;
  // Fewer messages with keepalives: every window then reads background crossings too.
  const n = (keepalive ? (sized ? 450 : 200) : 900) + Math.floor(rng() * 600);
  const log = new ObservationLog();
  const truth = new GroundTruth();
  const hops: { tTx: number; tRx: number; from: number; to: number; msg: number; k: number; bytes: number }[] = [];
  const sender: number[] = [];
  const dwells: number[] = [];
  // Most dwells a few µs to ms, some up to 300 ms: densities span ~10^9, and a window holds
  // hundreds of rows of which the newest weigh most.
  const dwell = () => (rng() < 0.7 ? -Math.log(1 - rng()) * 3 * MS * rng() ** 4 : rng() * 300 * MS);
  for (let m = 0; m < n; m++) {
    const s = Math.floor(rng() * USERS);
    let r = Math.floor(rng() * USERS);
    if (r === s) r = (r + 1) % USERS;
    sender.push(s);
    const path = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => USERS + Math.floor(rng() * RELAYS));
    let at = rng() * 1000 * MS;
    let from = s;
    let bytes = sized ? 256 * (1 + Math.floor(rng() * 3)) : 256;
    const seq = [...path, r];
    for (let k = 0; k < seq.length; k++) {
      const tRx = at + (1 + rng()) * MS;
      hops.push({ tTx: at, tRx, from, to: seq[k], msg: m, k, bytes });
      from = seq[k];
      const d = dwell();
      if (k + 1 < seq.length) dwells.push(d);
      at = tRx + d;
      if (sized && rng() < 0.3) bytes -= 16;
    }
  }
  hops.sort((a, b) => a.tTx - b.tTx || a.msg - b.msg || a.k - b.k);
  const lastRow = new Map<number, number>();
  for (const h of hops) {
    const prev = h.k > 0 ? (lastRow.get(h.msg) ?? -1) : -1;
    const row = log.append(h.tTx, h.tRx, h.from, h.to, h.bytes, Kind.message, prev, 0);
    lastRow.set(h.msg, row);
    if (h.to < USERS) truth.record(truth.length, sender[h.msg], h.to, -1, 0, log.tRx[row], row);
  }
  const view: View = { name: 'gpa', kind: 'global-passive', held: new Uint8Array(USERS + RELAYS), global: true };
  const { obs, obsOf, rowOf } = observe(log, view);
  const targets = buildTargets(log, truth, scoredDeliveries(truth, 0), obs, obsOf);
  const flows = new PeriodicFlows();
  if (keepalive)
    for (let u = 0; u < USERS; u++)
      flows.add({
        path: Int32Array.of(u, USERS + (u % RELAYS)),
        // Sparse without sizes (every read is scanned): a scan of tens of rows cuts the crossings.
        period: (sized ? 5 + Math.floor(rng() * 15) : 20 + Math.floor(rng() * 40)) * MS,
        phase: rng() * 10 * MS,
        start: 0,
        end: 1400 * MS,
        bytesPerLink: 512,
        kind: Kind.message,
      });
  const role = Uint8Array.from({ length: USERS + RELAYS }, (_, h) => (h < USERS ? 0 : h % 2));
  const input: Omit<AttackInput, 'params'> = {
    users: USERS,
    obs,
    ...addressing(USERS, RELAYS, 1 + (seed % 2)),
    targets,
    background: keepalive ? seeBackground(flows, view, USERS, USERS + RELAYS, 1.5 * MS) : undefined,
    endToEnd: histogramModel(Array.from({ length: 400 }, () => rng() * 1500 * MS)),
    dwell: histogramModel(dwells),
    causeClasses: seed % 4 < 2 ? { role, p: Float64Array.from({ length: 8 }, () => 0.05 + rng()) } : undefined,
    hopSizes: sized ? hopSizeModel(log, USERS) : undefined,
    endToEndSizes: sized ? endToEndSizeModel(log, obs, rowOf, targets) : undefined,
    duration: 1500 * MS,
  };
  // Without sizes every background read consults the reader (pinned to its scan): no resumption.
  const resumes = sized || !keepalive;
  // The anchor spread's background read (departures, keepalives of 512 B) fits most anchors' sizes.
  const spreadResumes = !keepalive;
  return { input, sized, rng, resumes, spreadResumes };
}

type World = ReturnType<typeof world>;

/** Record r of `ex` as plain numbers: everything a replay applies, and the ranges it is valid for. */
function record(ex: Expansions, r: number) {
  const s = ex.start[r];
  const n = ex.kids[r] + ex.bgs[r];
  return {
    ref: [...ex.ref.subarray(s, s + n)],
    v: [...ex.v.subarray(s, s + n)],
    kids: ex.kids[r],
    sum: ex.sum[r],
    share: ex.share[r],
    cap: ex.cap[r],
    used: ex.used[r],
    span: ex.span[r],
    scanLo: ex.scanLo[r],
    scanHi: ex.scanHi[r],
  };
}

/** A weigher and its background reader (null without background), as timing.ts builds them. */
function weigher(w: World, scan: number) {
  const bg = w.input.background ? new BackgroundCauses(w.input.background, USERS, scan) : null;
  const wg = new Weigher(w.input as AttackInput, w.sized ? (w.input.hopSizes ?? null) : null, bg, scan);
  const setScan = (s: number) => {
    wg.setScan(s);
    bg?.setScan(s);
  };
  return { wg, setScan };
}

afterEach(() => vi.restoreAllMocks());

describe('timing resume: a resumed weighing is the weighing from scratch', () => {
  for (let seed = 1; seed <= 8; seed++)
    it(`world ${seed}: every row under random growing scans and budgets`, () => {
      const w = world(seed);
      const { obs } = w.input;
      const model = w.input.dwell;
      const e = margins(model);
      const resumed = vi.spyOn(Expansions.prototype, 'resumable');
      // The reference never resumes: every weighing is from scratch.
      const fresh = weigher(w, 1);
      fresh.wg.ex.resumable = () => -1;
      // One weigher sees each row's scans grow (and resumes: its records are per row).
      const grown = weigher(w, 1);
      let hits = 0;
      let deep = 0;
      const { rng } = w;
      for (let row = seed % 5; row < obs.length; row += 5) {
        const h = obs.from[row];
        if (h < USERS) continue;
        let scan = 1 + Math.floor(rng() * 60);
        for (let k = 0; k < 4; k++) {
          const budget = rng() < 0.2 ? 1 + Math.floor(rng() * scan) : 1 << 20;
          grown.setScan(scan);
          const before = resumed.mock.results.length;
          const r = grown.wg.weigh(row, h, model, e, budget);
          const src = resumed.mock.results[before]?.value as number;
          if (src >= 0) {
            hits++;
            if (grown.wg.ex.resRows[src] >= 96) deep++;
          }
          fresh.setScan(scan);
          const r0 = fresh.wg.weigh(row, h, model, e, budget);
          expect(record(grown.wg.ex, r), `row ${row} scan ${scan} budget ${budget}`).toEqual(record(fresh.wg.ex, r0));
          scan += 1 + Math.floor(rng() * 2 * scan);
        }
      }
      // The worlds exercise resumption, from deep in windows too.
      if (w.resumes) {
        expect(hits).toBeGreaterThan(50);
        expect(deep).toBeGreaterThan(5);
      }
    });

  const run = (w: World, params: AttackInput['params']): AttackResult => timing.run({ ...w.input, params });
  // Worlds without background (sized, unsized), sized with keepalives, and unsized with keepalives
  // (every read is shaped by the scan: nothing may be resumed).
  for (const seed of [1, 2, 3, 6])
    it(`world ${seed}: the attack with widening caps equals it without resumption`, () => {
      const w = world(seed);
      const params = {
        // Scans stop windows past the first chunk (32 rows) from the second round on.
        scan: [20, 40, 70, 40][seed % 4],
        beam: 2 + (seed % 3),
        budget: seed % 2 ? 300 : 1 << 20,
        widen: [4, 8, 16][seed % 3],
        sizes: w.sized,
        dwell: 'pooled',
      };
      const resumable = vi.spyOn(Expansions.prototype, 'resumable');
      const spreads = vi.spyOn(SpreadResume.prototype, 'resumable');
      const on = run(w, params);
      const hits = resumable.mock.results.filter((x) => (x.value as number) >= 0).length;
      const spreadHits = spreads.mock.results.filter((x) => x.value === true).length;
      resumable.mockReturnValue(-1);
      spreads.mockReturnValue(false);
      const off = run(w, params);
      vi.restoreAllMocks();
      if (w.resumes) expect(hits).toBeGreaterThan(10);
      if (w.spreadResumes) expect(spreadHits).toBeGreaterThan(5);
      expect([...on.perTarget.offsets]).toEqual([...off.perTarget.offsets]);
      expect([...on.perTarget.cand]).toEqual([...off.perTarget.cand]);
      expect([...on.perTarget.score]).toEqual([...off.perTarget.score]);
      expect([...on.causalTop]).toEqual([...off.causalTop]);
      expect(on.caps).toEqual(off.caps);
    });
});
