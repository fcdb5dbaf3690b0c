/**
 * Whole-run pair lists of the flow attack, per recipient ip, straight from the window series: one
 * recipient at a time in a single dense cross-term row (reused, so it stays in cache), and a
 * floor that skips the candidates that cannot reach the list's cut.
 */
import { ScoredList } from './arrays.js';
import { pearsonFromSums } from './estimators.js';
import type { IpLists } from './pairs.js';
import { bestWithTies, KeepHeap } from './select.js';
import type { WindowSeries } from './series.js';

/**
 * The whole-run pair list of a recipient ip v, as an IpSweep with PEARSON gives every user there
 * at the end of the run (sweep.ts addFull then collect, then bestWithTies).
 *
 * Same sums: per ingress window k of v (ascending) with y rows, x·y is added to the cross term of
 * every ip with x egress rows in k, and y, y² to Σy, Σy², in the same order as the sweep, bit for
 * bit. Its candidates are the ips with a non-zero cross term (a product of counts ≥ 1 is
 * positive): the sweep's candidates with evidence. Same statistic: at the end of the run
 * PEARSON.value adds only zeros. Same cut: bestWithTies, which does not depend on the order
 * candidates come in. The recipient's own ip is not a candidate (IpSweep.ownIp), so neither is any
 * user there.
 *
 * The row is one Float64Array over all ips, reused for every recipient and cleared after each
 * (a cell is non-zero only where touched), so its scattered updates hit cache: the blocked rows of
 * the causal pass, finished to the end of the run, cost most of a whole-run pass at 10⁴ users.
 */
export class FinalLists {
  private readonly out = new ScoredList();
  private readonly at: Int32Array;
  private readonly len: Int32Array;
  private readonly user: Int32Array;
  private readonly score: Float64Array;
  private readonly buf: Float64Array;
  private readonly kept: Int32Array;
  private readonly heap: KeepHeap;
  /** The current recipient's cross terms by ip, and the ips it touched. */
  private readonly acc: Float64Array;
  private readonly touched: Int32Array;

  constructor(
    private readonly s: WindowSeries,
    private readonly pairKeep: number,
  ) {
    this.at = new Int32Array(s.ips).fill(-1);
    this.len = new Int32Array(s.ips);
    this.user = new Int32Array(s.users);
    this.score = new Float64Array(s.users);
    this.buf = new Float64Array(s.users);
    this.kept = new Int32Array(s.users);
    this.heap = new KeepHeap(pairKeep);
    this.acc = new Float64Array(s.ips);
    this.touched = new Int32Array(s.ips);
  }

  /** Computes ip v's list (once; later calls for v do nothing). */
  add(v: number): void {
    if (this.at[v] >= 0) return;
    const { ipStart, ipUsers, users, xSum, xSum2, windows: K, yStart, yWin, yCnt, eStart, eIp, eCnt, ips } = this.s;
    const { acc, touched } = this;
    let sy = 0;
    let syy = 0;
    let nt = 0;
    for (let p = yStart[v]; p < yStart[v + 1]; p++) {
      const k = yWin[p];
      const y = yCnt[p];
      for (let e = eStart[k]; e < eStart[k + 1]; e++) {
        const a = eIp[e];
        if (acc[a] === 0) touched[nt++] = a;
        acc[a] += eCnt[e] * y;
      }
      sy += y;
      syy += y * y;
    }
    const heap = this.heap;
    heap.clear();
    // The floor test below compares r² = N²/(Vx·Vy) with floor² on products within a few ulps
    // of exact (1e-9 margin), only where none can underflow or overflow (floor > 1e-100, Vx and
    // Vy in [1, 1e150), N < 1e150); a skipped ip's computed r is then below the floor.
    const vy = K * syy - sy * sy;
    const safe = vy >= 1 && vy < 1e150;
    // A row touched at more than an eighth of its ips is read in ip order (sequential; an untouched
    // ip has a zero cross term, so N = −Σx·Σy ≤ 0 and it drops out at the N > 0 test).
    const dense = nt * 8 > ips;
    const end = dense ? ips : nt;
    let n = 0;
    for (let c = 0; c < end; c++) {
      const a = dense ? c : touched[c];
      if (a === v) continue;
      // pearsonFromSums' numerator: r > 0 needs N > 0 (the denominator is a square root).
      const sxy = acc[a];
      const sx = xSum[a];
      const num = K * sxy - sx * sy;
      if (!(num > 0)) continue;
      // Below the pairKeep-th largest r so far (KeepHeap.floor, at most the cut's): never kept.
      const floor = heap.floor;
      if (safe && floor > 1e-100 && num < 1e150) {
        const vx = K * xSum2[a] - sx * sx;
        if (vx >= 1 && vx < 1e150 && num * num < floor * floor * (vx * vy) * (1 - 1e-9)) continue;
      }
      const r = pearsonFromSums(K, sx, xSum2[a], sy, syy, sxy);
      if (!(r > 0)) continue;
      for (let i = ipStart[a]; i < ipStart[a + 1]; i++) {
        if (ipUsers[i] < users) {
          this.user[n] = ipUsers[i];
          this.score[n] = r;
          n++;
          heap.offer(r);
        }
      }
    }
    if (dense) acc.fill(0);
    else for (let c = 0; c < nt; c++) acc[touched[c]] = 0;
    const kept = bestWithTies(this.user, this.score, n, this.pairKeep, this.buf, this.kept);
    this.at[v] = this.out.length;
    this.len[v] = kept;
    for (let k = 0; k < kept; k++) this.out.push(this.user[this.kept[k]], this.score[this.kept[k]]);
  }

  result(): IpLists {
    return { at: this.at, len: this.len, ...this.out.result() };
  }
}
