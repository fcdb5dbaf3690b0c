// evaluate(): summary metrics, per-target columns, ttfd rows; structural checks; latency.
import { describe, expect, it } from 'vitest';
import { evaluate, latencyMetrics, nearestRank, topPairs } from '../../src/metrics/index.js';
import { GroundTruth } from '../../src/net/truth.js';
import { result, sparse, targets } from './helpers.js';

const SEC = 1e9;

describe('evaluate', () => {
  // 4 users. Targets (sender → recipient at time):
  //  0: 1 → 0 at 1 s, identified (1 scores 1)
  //  1: 2 → 0 at 2 s, no information
  //  2: 1 → 0 at 3 s, tie between 1 and 3
  //  3: 2 → 0 at 5 s, 2 identified
  const users = 4;
  const sc = sparse(
    [
      [[1, 1]],
      [],
      [
        [1, 0.5],
        [3, 0.5],
      ],
      [
        [2, 0.8],
        [3, 0.2],
      ],
    ],
    [0, 1, 0, 0],
  );
  const tg = targets([0, 0, 0, 0], [1 * SEC, 2 * SEC, 3 * SEC, 5 * SEC]);
  const sender = Int32Array.from([1, 2, 1, 2]);
  // causalTop: target 0 is identified; pair (2, 0) only at its second delivery.
  const res = result(
    sc,
    [1, -1, -1, 2],
    [
      [1, 0, 1.5],
      [3, 0, 0.7],
      [2, 0, 0.8],
    ],
  );
  const ev = evaluate(res, tg, sender, users);

  it('summary metrics', () => {
    const m = ev.metrics;
    expect(m.deliveries).toBe(4);
    expect(m.top1).toBeCloseTo((1 + 0.25 + 0.5 + 1) / 4, 15);
    expect(m.top5).toBeCloseTo(1, 15);
    const h3 = -(0.8 * Math.log2(0.8) + 0.2 * Math.log2(0.2));
    expect(m.entropy_bits).toBeCloseTo((0 + 2 + 1 + h3) / 4, 14);
    expect(m.anonymity_set).toBeCloseTo((1 + 4 + 2 + 2 ** h3) / 4, 14);
    // Positives (1,0), (2,0); 12 pairs; scores: (1,0) 1.5, (2,0) 0.8, (3,0) 0.7, rest 0.
    expect(m.pair_auc).toBe(1);
    expect(m.pair_precision).toBe(1);
    expect(ev.positivePairs).toBe(2);
  });

  it('excluded: the true sender at zero posterior while another candidate keeps weight', () => {
    expect(ev.metrics.excluded).toBe(0);
    // 3 targets of 4 users: sender 1 unlisted at base 0 while 2 scores 1 (excluded); sender 1
    // listed at 0 while base 0.5 (excluded); every score 0, no information (not excluded).
    const zero = sparse([[[2, 1]], [[1, 0]], []], [0, 0.5, 0]);
    const e = evaluate(
      result(zero, [-1, -1, -1], []),
      targets([0, 0, 0], [SEC, 2 * SEC, 3 * SEC]),
      Int32Array.from([1, 1, 1]),
      4,
    );
    expect(e.metrics.excluded).toBeCloseTo(2 / 3, 15);
    expect(e.metrics.top1).toBeCloseTo(1 / 4 / 3, 15); // only the no-information target ranks it
  });

  it('per-target columns', () => {
    expect([...ev.perTarget.trueRank]).toEqual([1, 2.5, 1.5, 1]);
    expect([...ev.perTarget.candidates]).toEqual([1, 4, 2, 2]);
    expect(ev.perTarget.entropyBits[1]).toBeCloseTo(2, 15);
  });

  it('ttfd rows per pair', () => {
    const row = (s: number, until: number, time: number) => ({
      sender: s,
      recipient: 0,
      messages_sent: 2,
      messages_until_identified: until,
      time_until_identified_s: time,
      messages_until_tied_top: until,
      tied_top: 1,
    });
    expect(ev.ttfd).toEqual([row(1, 1, 0), row(2, 2, 3)]);
  });

  it('ttfd tie-aware variant: the first delivery where the sender shares the causal top, and with how many', () => {
    // Pair (2, 0): at its first delivery (target 1) the causal top is a tie of {2, 3}; unique at the second.
    // Pair (1, 0): target 0 tie {0, 3} without 1, target 2 tie {1, 3, 0}; never unique.
    const tie = { offsets: Int32Array.from([0, 2, 4, 7, 7]), cand: Int32Array.from([0, 3, 2, 3, 0, 1, 3]) };
    const e = evaluate({ ...result(sc, [-1, -1, -1, 2], []), causalTie: tie }, tg, sender, users);
    expect(e.ttfd).toEqual([
      {
        sender: 1,
        recipient: 0,
        messages_sent: 2,
        messages_until_identified: null,
        time_until_identified_s: null,
        messages_until_tied_top: 2,
        tied_top: 3,
      },
      {
        sender: 2,
        recipient: 0,
        messages_sent: 2,
        messages_until_identified: 2,
        time_until_identified_s: 3,
        messages_until_tied_top: 1,
        tied_top: 2,
      },
    ]);
    // Without causalTie a tie never counts: the variant equals the strict column.
    const plain = evaluate(result(sc, [-1, -1, -1, 2], []), tg, sender, users);
    expect(plain.ttfd.map((r) => [r.messages_until_tied_top, r.tied_top])).toEqual([
      [null, null],
      [2, 1],
    ]);
  });

  it('ttfd is null when never identified', () => {
    const e2 = evaluate(result(sc, [-1, -1, 3, 3]), tg, sender, users);
    expect(e2.ttfd[0].messages_until_identified).toBeNull();
    expect(e2.ttfd[0].time_until_identified_s).toBeNull();
    // No pair scores at all: every pair scores 0, AUC 0.5, precision = base rate.
    expect(e2.metrics.pair_auc).toBe(0.5);
    expect(e2.metrics.pair_precision).toBeCloseTo(2 / 12, 15);
  });

  it('top pairs with is_true', () => {
    expect(topPairs(res, tg, sender, users, 2)).toEqual([
      { sender: 1, recipient: 0, score: 1.5, is_true: true },
      { sender: 2, recipient: 0, score: 0.8, is_true: true },
    ]);
  });

  it('top pairs are the first of every listed pair sorted, ties at the cut included', () => {
    // Many pairs on few score levels, self pairs among them: the selection of the best must cut
    // ties by sender, then recipient, exactly as sorting every pair would.
    const n = 30;
    const s: number[] = [];
    const r: number[] = [];
    const v: number[] = [];
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) {
        s.push(a);
        r.push(b);
        v.push(((a * 7 + b * 3) % 5) / 4);
      }
    const many = {
      ...res,
      pairs: { sender: Int32Array.from(s), recipient: Int32Array.from(r), score: Float64Array.from(v) },
    };
    const order = s
      .map((_, k) => k)
      .filter((k) => s[k] !== r[k])
      .sort((a, b) => v[b] - v[a] || s[a] - s[b] || r[a] - r[b]);
    for (const limit of [0, 1, 7, 100, 200, 2000]) {
      const got = topPairs(many, tg, sender, n, limit).map((p) => [p.sender, p.recipient, p.score]);
      expect(got).toEqual(order.slice(0, limit).map((k) => [s[k], r[k], v[k]]));
    }
  });

  it('rejects malformed scores', () => {
    const dup = sparse(
      [
        [
          [1, 1],
          [1, 2],
        ],
      ],
      [0],
    );
    expect(() => evaluate(result(dup, [-1]), targets([0], [0]), Int32Array.from([1]), users)).toThrow(/twice/);
    const neg = sparse([[[1, -1]]], [0]);
    expect(() => evaluate(result(neg, [-1]), targets([0], [0]), Int32Array.from([1]), users)).toThrow(/scores/);
    const out = sparse([[[9, 1]]], [0]);
    expect(() => evaluate(result(out, [-1]), targets([0], [0]), Int32Array.from([1]), users)).toThrow(/candidate 9/);
  });
});

describe('no information', () => {
  it('gives top1 = 1/users, top5 = 5/users and entropy log2(users) exactly, for any count', () => {
    for (const users of [3, 7, 1000, 12345])
      for (const n of [1, 2, 3, 10, 999, 2718]) {
        const sc = sparse(
          Array.from({ length: n }, () => []),
          Array.from({ length: n }, () => 1),
        );
        const tg = targets(
          Array.from({ length: n }, () => 0),
          Array.from({ length: n }, (_, i) => i),
        );
        const m = evaluate(result(sc, Array(n).fill(-1)), tg, new Int32Array(n).fill(1), users).metrics;
        expect(m.top1).toBe(1 / users);
        expect(m.top5).toBe(Math.min(1, 5 / users));
        expect(m.entropy_bits).toBe(Math.log2(users));
        expect(m.pair_auc).toBe(0.5);
      }
  });

  it('rejects duplicated pairs in any order', () => {
    const sc = sparse([[]], [1]);
    const dup = result(
      sc,
      [-1],
      [
        [2, 0, 1],
        [1, 0, 1],
        [2, 0, 3],
      ],
    );
    expect(() => evaluate(dup, targets([0], [0]), Int32Array.from([1]), 4)).toThrow(/listed twice/);
    // Grouped by recipient (the windowed attacks' layout): a sender may recur under another
    // recipient, not under the same one.
    const byRecipient = (rows: [number, number, number][]) => () =>
      evaluate(result(sc, [-1], rows), targets([0], [0]), Int32Array.from([1]), 4);
    expect(
      byRecipient([
        [2, 0, 3],
        [1, 0, 1],
        [2, 1, 2],
        [1, 3, 2],
        [2, 3, 1],
      ]),
    ).not.toThrow();
    expect(
      byRecipient([
        [2, 0, 3],
        [1, 1, 2],
        [3, 1, 1],
        [1, 1, 1],
      ]),
    ).toThrow(/\(1, 1\) listed twice/);
    // Neither sorted nor grouped: a recipient's run resumes later.
    expect(
      byRecipient([
        [2, 1, 3],
        [1, 0, 1],
        [2, 1, 2],
      ]),
    ).toThrow(/\(2, 1\) listed twice/);
  });
});

describe('latency', () => {
  it('nearest-rank percentiles', () => {
    const x = Float64Array.from([1, 2, 3, 4]);
    expect(nearestRank(x, 0.5)).toBe(2);
    expect(nearestRank(x, 0.95)).toBe(4);
    expect(nearestRank(Float64Array.from([]), 0.5)).toBeNaN();
  });
  it('p50/p95 in ms over scored deliveries', () => {
    const t = new GroundTruth();
    for (let i = 1; i <= 100; i++) t.record(i, 0, 1, -1, 0, i * 1e6, 0);
    const m = latencyMetrics(
      t,
      Int32Array.from({ length: 100 }, (_, i) => i),
    );
    expect(m).toEqual({ latency_p50_ms: 50, latency_p95_ms: 95 });
  });
});
