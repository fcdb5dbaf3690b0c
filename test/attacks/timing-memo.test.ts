import { describe, expect, it } from 'vitest';
import { ANY_SCAN, Expansions, NO_CUT } from '../../src/attacks/timing-memo.js';

/** Records row's expansion: children (row, v) then background origins (origin, v), for scans [lo, hi]. */
function record(
  ex: Expansions,
  row: number,
  keep: boolean,
  kids: [number, number][],
  bgs: [number, number][],
  lo = 1,
  hi = ANY_SCAN,
) {
  ex.open();
  for (const [r, v] of kids) ex.add(r, v);
  ex.backgrounds();
  for (const [o, v] of bgs) ex.add(o, v);
  return ex.close(row, keep, lo, hi, 7, kids.length + bgs.length, 1.5, 0.25, NO_CUT);
}

function entries(ex: Expansions, r: number) {
  const s = ex.start[r];
  const kids = Array.from({ length: ex.kids[r] }, (_, k) => [ex.ref[s + k], ex.v[s + k]]);
  const bgs = Array.from({ length: ex.bgs[r] }, (_, k) => [ex.ref[s + ex.kids[r] + k], ex.v[s + ex.kids[r] + k]]);
  return { kids, bgs };
}

describe('Expansions', () => {
  it('keeps what it is told to keep, by row, and reuses the scratch record otherwise', () => {
    const ex = new Expansions();
    const a = record(
      ex,
      40,
      true,
      [
        [3, 0.5],
        [9, 0.25],
      ],
      [[1, 0.125]],
    );
    const s = record(ex, 41, false, [[5, 1]], []);
    expect(ex.find(40, 512)).toBe(a);
    expect(ex.find(41, 512)).toBe(-1);
    expect(entries(ex, a)).toEqual({
      kids: [
        [3, 0.5],
        [9, 0.25],
      ],
      bgs: [[1, 0.125]],
    });
    expect(entries(ex, s)).toEqual({ kids: [[5, 1]], bgs: [] });
    expect([ex.span[a], ex.used[a], ex.sum[a], ex.share[a], ex.cap[a]]).toEqual([7, 3, 1.5, 0.25, NO_CUT]);
    // Many rows: the table and the pool grow, every record stays where it was.
    for (let row = 1000; row < 6000; row++) record(ex, row, true, [[row + 1, row]], [[row, 1 / row]]);
    for (let row = 1000; row < 6000; row += 997) {
      expect(entries(ex, ex.find(row, 512))).toEqual({ kids: [[row + 1, row]], bgs: [[row, 1 / row]] });
    }
    expect(entries(ex, ex.find(40, 512))).toEqual({
      kids: [
        [3, 0.5],
        [9, 0.25],
      ],
      bgs: [[1, 0.125]],
    });
  });

  it('stops keeping once the pool is full; what it returns is still the expansion', () => {
    const ex = new Expansions(4);
    record(
      ex,
      1,
      true,
      [
        [10, 1],
        [11, 2],
      ],
      [],
    );
    record(ex, 2, true, [[12, 3]], [[0, 4]]);
    const r = record(ex, 3, true, [[13, 5]], []);
    expect([ex.find(1, 512) >= 0, ex.find(2, 512) >= 0, ex.find(3, 512)]).toEqual([true, true, -1]);
    expect(entries(ex, r)).toEqual({ kids: [[13, 5]], bgs: [] });
  });

  it('replays a record only under the scans it holds for; a row keeps one record per range', () => {
    const ex = new Expansions();
    // Cut by a scan of 512: the same under that scan only.
    const a = record(ex, 7, true, [[1, 1]], [], 512, 512);
    expect([ex.find(7, 511), ex.find(7, 512), ex.find(7, 2048)]).toEqual([-1, a, -1]);
    // Weighed afresh under 2048, where its 900 rows were all it needed: any scan ≥ 900.
    const b = record(ex, 7, true, [[2, 1]], [], 900, ANY_SCAN);
    expect([ex.find(7, 512), ex.find(7, 899), ex.find(7, 900), ex.find(7, 1 << 20)]).toEqual([a, -1, b, b]);
    expect(entries(ex, ex.find(7, 512)).kids).toEqual([[1, 1]]);
    expect(entries(ex, ex.find(7, 4096)).kids).toEqual([[2, 1]]);
    // Other rows and growth keep both.
    for (let row = 100; row < 3000; row++) record(ex, row, true, [[row, 1]], [], 1, ANY_SCAN);
    expect([ex.find(7, 512), ex.find(7, 900)]).toEqual([a, b]);
  });
});
