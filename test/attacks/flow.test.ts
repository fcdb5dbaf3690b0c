/**
 * Flow correlation attack: the sparse engine against a dense reference (full run and causal
 * cut-offs, Pearson and SDA statistics), causality, list cuts, NAT ties, and an end-to-end
 * two-flow case through observe() + buildTargets().
 */
import { describe, expect, it } from 'vitest';
import { histogramModel } from '../../src/adversary/delay-model.js';
import { buildTargets, endToEndModel, scoredDeliveries } from '../../src/adversary/targets.js';
import { observe, type View } from '../../src/adversary/view.js';
import type { Targets } from '../../src/attacks/attack.js';
import { flow } from '../../src/attacks/flow.js';
import { backgroundShare, sdaEstimate } from '../../src/attacks/windowed/estimators.js';
import { flowCausalTops } from '../../src/attacks/windowed/flow-causal.js';
import { delayStats } from '../../src/attacks/windowed/options.js';
import { indexTargets, sweepRecipients } from '../../src/attacks/windowed/pairs.js';
import { buildWindowSeries } from '../../src/attacks/windowed/series.js';
import { PEARSON, SDA } from '../../src/attacks/windowed/statistics.js';
import { IpSweep } from '../../src/attacks/windowed/sweep.js';
import { randExp, Streams } from '../../src/core/rng.js';
import { SEC } from '../../src/core/time.js';
import { Kind, ObservationLog } from '../../src/net/log.js';
import { GroundTruth } from '../../src/net/truth.js';
import { obsOf, type Row, randomLog, windowedInput } from './windowed-log.js';

const mkInput = windowedInput;

function pearsonDense(x: Float64Array, y: Float64Array): number {
  const K = x.length;
  let mx = 0;
  let my = 0;
  for (let k = 0; k < K; k++) {
    mx += x[k] / K;
    my += y[k] / K;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < K; k++) {
    sxy += (x[k] - mx) * (y[k] - my);
    sxx += (x[k] - mx) ** 2;
    syy += (y[k] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/** Dense per-ip series over windows 0..kc from rows observed by t (reference implementation). */
function denseSeries(
  rows: Row[],
  hostIp: number[],
  users: number,
  W: number,
  s: number,
  K: number,
  kc: number,
  t: number,
) {
  const nIp = Math.max(...hostIp) + 1;
  const Kt = kc + 1;
  const x = Array.from({ length: nIp }, () => new Float64Array(Kt));
  const y = Array.from({ length: nIp }, () => new Float64Array(Kt));
  for (const r of rows) {
    if (r.from < users && r.tTx <= t) {
      const k = Math.floor(r.tTx / W);
      if (k >= 0 && k < K && k <= kc) x[hostIp[r.from]][k]++;
    }
    if (r.to < users && r.tRx <= t) {
      const k = Math.floor((r.tRx - s) / W);
      if (k >= 0 && k < K && k <= kc) y[hostIp[r.to]][k]++;
    }
  }
  return { x, y, nIp };
}

describe('sparse engine vs dense reference', () => {
  const users = 20;
  // Users 3 and 4 share ip 3; 5..19 shift down by one; two infrastructure hosts after them.
  const hostIp = Array.from({ length: users + 2 }, (_, h) => (h <= 3 ? h : h - 1));
  const D = 200 * SEC;
  const W = 7 * SEC;
  const s = 1.3 * SEC;
  const rng = new Streams(7).stream('flow-test');
  const rows = randomLog(rng, users, users + 2, 900, D);
  const input = mkInput(obsOf(rows), users, hostIp, D, {});
  const series = buildWindowSeries(input, W, s);
  const K = series.windows;

  it('full-run Pearson r equals the dense computation for every ip pair', () => {
    const { x, y, nIp } = denseSeries(rows, hostIp, users, W, s, K, K - 1, Number.POSITIVE_INFINITY);
    const sw = new IpSweep(series, PEARSON);
    let checked = 0;
    for (let v = 0; v < nIp; v++) {
      sw.beginIp(v);
      sw.atEnd();
      for (let a = 0; a < nIp; a++) {
        expect(sw.scoreIp(a)).toBeCloseTo(pearsonDense(x[a], y[v]), 12);
        checked++;
      }
    }
    expect(checked).toBe(nIp * nIp);
  });

  it('causal state at t equals the dense computation over rows observed by t (Pearson and SDA)', () => {
    const cuts = [0.5, 13.2, 14, 77.7, 120, 199.9].map((c) => c * SEC);
    for (const mode of [PEARSON, SDA] as const) {
      for (let v = 0; v < series.ips; v++) {
        const sw = new IpSweep(series, mode);
        sw.beginIp(v);
        for (const t of cuts) {
          const kc = Math.floor((t - s) / W);
          const ok = sw.at(t);
          if (kc < 0) {
            expect(ok).toBe(false);
            continue;
          }
          const { x, y, nIp } = denseSeries(rows, hostIp, users, W, s, K, kc, t);
          let yTot = 0;
          for (const c of y[v]) yTot += c;
          expect(ok).toBe(yTot > 0);
          for (let a = 0; a < nIp; a++) {
            let want: number;
            if (mode === PEARSON) want = pearsonDense(x[a], y[v]);
            else {
              // Rounds with ingress to v are the target rounds; b_k sums egress of all ips.
              let oT = 0;
              let o = 0;
              let mT = 0;
              let bT = 0;
              let b = 0;
              for (let k = 0; k <= kc; k++) {
                let bk = 0;
                for (let q = 0; q < nIp; q++) bk += x[q][k];
                b += bk;
                o += x[a][k];
                if (y[v][k] > 0) {
                  oT += x[a][k];
                  mT += y[v][k];
                  bT += bk;
                }
              }
              want = sdaEstimate(oT, mT, bT, backgroundShare(o, oT, b, bT));
            }
            expect(sw.scoreIp(a)).toBeCloseTo(want, 12);
          }
        }
      }
    }
  });

  it('causal tops ignore rows after the delivery', () => {
    const targets: Targets = {
      count: 40,
      anchor: new Int32Array(40).fill(-1),
      recipient: Int32Array.from({ length: 40 }, (_, i) => i % users),
      tDeliver: Float64Array.from({ length: 40 }, (_, i) => (i * 2.4 + 5) * SEC),
    };
    const tStar = 60 * SEC;
    const future = randomLog(new Streams(8).stream('future'), users, users + 2, 600, D).map((r) => ({
      ...r,
      tTx: tStar + 1 + (r.tTx % (D - tStar - 2)),
      tRx: tStar + 1 + (r.tTx % (D - tStar - 2)) + 0.5 * SEC,
    }));
    const params = { window: '7s', shift: 'none' };
    const a = flow.run(
      mkInput(obsOf(rows.filter((r) => r.tTx <= tStar && r.tRx <= tStar)), users, hostIp, D, params, targets),
    );
    const b = flow.run(
      mkInput(
        obsOf([...rows.filter((r) => r.tTx <= tStar && r.tRx <= tStar), ...future]),
        users,
        hostIp,
        D,
        params,
        targets,
      ),
    );
    let compared = 0;
    for (let i = 0; i < targets.count; i++) {
      if (targets.tDeliver[i] <= tStar) {
        expect(b.causalTop[i]).toBe(a.causalTop[i]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10);
    expect(a.causalTop.some((u) => u >= 0)).toBe(true);
  });

  it('pairs are positive, unique and non-self; per-target lists descending, cut at listTop without splitting ties', () => {
    const targets: Targets = {
      count: 30,
      anchor: new Int32Array(30).fill(-1),
      recipient: Int32Array.from({ length: 30 }, (_, i) => (i * 7) % users),
      tDeliver: Float64Array.from({ length: 30 }, (_, i) => (i * 6 + 3) * SEC),
    };
    const whole = flow.run(mkInput(obsOf(rows), users, hostIp, D, { window: '7s', listTop: 5, pairTop: 8 }, targets));
    const seen = new Set<string>();
    for (let q = 0; q < whole.pairs.sender.length; q++) {
      const key = `${whole.pairs.sender[q]},${whole.pairs.recipient[q]}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      expect(whole.pairs.sender[q]).not.toBe(whole.pairs.recipient[q]);
      expect(whole.pairs.score[q]).toBeGreaterThan(0);
    }
    // Per-target lists: at most listTop unless ties, descending, base 0.
    for (let i = 0; i < targets.count; i++) {
      const a = whole.perTarget.offsets[i];
      const b = whole.perTarget.offsets[i + 1];
      for (let q = a + 1; q < b; q++)
        expect(whole.perTarget.score[q]).toBeLessThanOrEqual(whole.perTarget.score[q - 1]);
      if (b - a > 5) expect(whole.perTarget.score[a + 5]).toBe(whole.perTarget.score[a + 4]);
      expect(whole.perTarget.base[i]).toBe(0);
    }
  });

  it('the blocked global-time causal pass agrees with the per-recipient sweep', () => {
    const targets: Targets = {
      count: 120,
      anchor: new Int32Array(120).fill(-1),
      recipient: Int32Array.from({ length: 120 }, (_, i) => (i * 7) % users),
      tDeliver: Float64Array.from({ length: 120 }, (_, i) => ((i * 37) % 199) * SEC + 0.25 * SEC),
    };
    const inp = mkInput(obsOf(rows), users, hostIp, D, {}, targets);
    const series7 = buildWindowSeries(inp, W, 0);
    const idx = indexTargets(targets, users);
    const sweep = new IpSweep(series7, PEARSON);
    const want = sweepRecipients([sweep], idx, users, 256, (ok) => (ok[0] ? sweep.best() : -1)).causalTop;
    const whole = flowCausalTops(series7, idx);
    expect(Array.from(whole.top)).toEqual(Array.from(want));
    // Blocks of 1, 3 and 7 recipient rows (each block clears and reuses the rows of the last).
    for (const rowsPerBlock of [1, 3, 7]) {
      const blocked = flowCausalTops(series7, idx, undefined, 0, rowsPerBlock);
      expect(Array.from(blocked.top)).toEqual(Array.from(want));
      expect(blocked.tie).toEqual(whole.tie);
    }
    expect(want.filter((u) => u >= 0).length).toBeGreaterThan(20);
    expect(want.filter((u) => u === -1).length).toBeGreaterThan(0);
  });

  it('users behind one NAT ip get the same score', () => {
    const sw = new IpSweep(series, PEARSON);
    sw.begin(0);
    sw.atEnd();
    expect(sw.score(3)).toBe(sw.score(4));
  });
});

describe('flow end to end (observe + buildTargets)', () => {
  it('ranks the true partner first in a two-flow case', () => {
    // Users A=0 → C=2 and B=1 → D=3, each Poisson 1/s for 300 s, through relay host 4.
    const log = new ObservationLog();
    const truth = new GroundTruth();
    const rng = new Streams(3).stream('two-flow');
    const D = 300 * SEC;
    const events: { t: number; s: number; r: number }[] = [];
    for (const [s, r] of [
      [0, 2],
      [1, 3],
    ]) {
      for (let t = randExp(rng, SEC); t < D - 2 * SEC; t += randExp(rng, SEC)) events.push({ t, s, r });
    }
    events.sort((a, b) => a.t - b.t);
    let m = 0;
    for (const e of events) {
      const l1 = 20e6 + rng() * 40e6;
      const row1 = log.append(e.t, e.t + l1, e.s, 4, 100, Kind.message, -1, m);
      const t2 = e.t + l1 + rng() * 50e6;
      const l2 = 20e6 + rng() * 40e6;
      const row2 = log.append(t2, t2 + l2, 4, e.r, 100, Kind.message, row1, m);
      truth.record(m, e.s, e.r, -1, e.t, t2 + l2, row2);
      m++;
    }
    const view: View = { name: 'gpa', kind: 'global-passive', held: new Uint8Array(5), global: true };
    const { obs, rowOf, obsOf } = observe(log, view);
    const targets = buildTargets(log, truth, scoredDeliveries(truth, 0), obs, obsOf);
    const e2e = endToEndModel(log, obs, rowOf, targets);
    expect(delayStats(e2e).mean).toBeGreaterThan(40e6);
    const input = mkInput(obs, 4, [0, 1, 2, 3, 4], D, { window: '1s' }, targets, e2e);
    const res = flow.run(input);
    let lateRight = 0;
    let late = 0;
    for (let i = 0; i < targets.count; i++) {
      const a = res.perTarget.offsets[i];
      const want = targets.recipient[i] === 2 ? 0 : 1;
      expect(res.perTarget.cand[a]).toBe(want);
      if (targets.tDeliver[i] > 60 * SEC) {
        late++;
        if (res.causalTop[i] === want) lateRight++;
      }
    }
    expect(lateRight).toBe(late);
    const score = (s: number, r: number): number => {
      for (let q = 0; q < res.pairs.sender.length; q++) {
        if (res.pairs.sender[q] === s && res.pairs.recipient[q] === r) return res.pairs.score[q];
      }
      return 0;
    };
    expect(score(0, 2)).toBeGreaterThan(0.9);
    expect(score(0, 2)).toBeGreaterThan(score(1, 2));
    expect(score(1, 3)).toBeGreaterThan(score(0, 3));
  });

  it('an adversary that sees nothing gives all-equal scores and no causal top', () => {
    const targets: Targets = {
      count: 3,
      anchor: new Int32Array(3).fill(-1),
      recipient: Int32Array.from([1, 2, 0]),
      tDeliver: Float64Array.from([1, 2, 3].map((x) => x * SEC)),
    };
    const res = flow.run(mkInput(obsOf([]), 3, [0, 1, 2, 3], 10 * SEC, {}, targets));
    expect(Array.from(res.causalTop)).toEqual([-1, -1, -1]);
    expect(res.perTarget.cand.length).toBe(0);
    expect(res.pairs.sender.length).toBe(0);
  });
});

describe('delay shift', () => {
  it('median and mean of a histogram model', () => {
    const samples = Float64Array.from({ length: 10000 }, (_, i) => (i < 9000 ? 100e6 + (i % 100) * 1e6 : 60 * SEC));
    const st = delayStats(histogramModel(samples));
    expect(st.median).toBeGreaterThan(100e6);
    // 256 equal bins over [100 ms, 60 s]: the median is resolved to one bin (≈ 234 ms).
    expect(st.median).toBeLessThan(100e6 + (60 * SEC - 100e6) / 256);
    expect(st.mean).toBeGreaterThan(5 * SEC);
  });
});
