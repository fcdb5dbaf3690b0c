/**
 * Causal tops of the flow attack in one pass over global time per block of recipients: for a
 * delivery at t, the ip with the unique largest positive Pearson r over the rows observed by t
 * (windows k < k_t in full, plus window k_t cut at t). Same values as an IpSweep with PEARSON
 * stepped through each recipient's deliveries (tested), at a fraction of the cost when most ips
 * are candidates.
 */
import { MAX_CAUSAL_TIE } from '../attack.js';
import type { DeliveryTiming } from './delivery-timing.js';
import { FinalLists } from './final-lists.js';
import type { IpLists, TargetIndex } from './pairs.js';
import { CausalTies, TIE_REL } from './select.js';
import type { WindowSeries } from './series.js';
import { windowOf } from './series.js';

/**
 * Cells of the per-block cross-term rows (10 000 ips → blocks of 104 recipient ips). 2²² cells
 * (fewer blocks, each folding every egress window once) measured slower at 10⁴ users.
 */
const BLOCK_CELLS = 1 << 20;

/**
 * Fewest recipient rows per block. Each block re-runs the egress prefix sums over the run, O(rows
 * of the run) per block, so with B = BLOCK_CELLS / ips alone that pass grows as ips³ (≈ 9 % of a
 * flow evaluation at 31 623 users, growing ×3.2 faster than the accumulation per ×3.16 users);
 * from 32 768 ips on blocks hold 32 rows (≤ 16 B per cell: 2 MB per 4096 ips).
 */
const MIN_BLOCK_ROWS = 32;

/**
 * The state of one pass over global time: per-ip egress prefix sums (windows < k_t, plus the
 * rows ≤ t of window k_t) in dense arrays, and per recipient ip of the block a dense cross-term
 * row with the list of ips it touched.
 */
class GlobalPass {
  readonly n: number;
  /**
   * Row layout: only ips with an egress row can have a cross term, so each has a column (col[a],
   * ascending with the ip) and every other ip shares the last column, which stays 0. Rows are
   * `cols` wide: at 31 623 users a quarter of the ips are infrastructure, and the scattered first
   * touches of a row are most of the pass's cost.
   */
  readonly cols: number;
  readonly col: Int32Array;
  /** col of each egress entry (series eIp), for the accumulation loop. */
  readonly eCol: Int32Array;
  /** Cross terms Σ x·y of recipient row b against every ip: acc[b·cols + col[a]]. */
  readonly acc: Float64Array;
  /** The ips row b touched: touched[b·cols ..). */
  readonly touched: Int32Array;
  /** Where ip a stands in row b's touched list: touchedAt[b·cols + col[a]], valid while acc there ≠ 0. */
  readonly touchedAt: Int32Array;
  readonly accN: Int32Array;
  /**
   * Egress Σx and Σx² per ip over the complete windows so far, interleaved (PX[2a], PX[2a + 1]) so
   * that the pass over each block's egress updates one cache line per row, not two.
   */
  readonly PX: Float64Array;
  /** Egress rows per ip in the partial window, and the ips with some. */
  readonly xp: Float64Array;
  readonly xpList: Int32Array;
  /** Where ip a stands in xpList, valid while xp[a] > 0. */
  readonly xpAt: Int32Array;
  xpN = 0;
  /** timedScan's candidates that could pass its floor, as scan positions (reach). */
  readonly reachKeys: Int32Array;
  /** Whether reach's premise holds for this series: every N, Vx, Vy an exact integer (exactSums). */
  readonly exact: boolean;
  /** Users behind each ip (candidates; the recipient's own ip is never one). */
  readonly ipCount: Int32Array;
  /** The ips tied at the top by the last bestIp/bestTimedIp (all while tieN ≤ MAX_CAUSAL_TIE), and the users behind them. */
  readonly tieIps = new Int32Array(MAX_CAUSAL_TIE);
  tieN = 0;
  tieUsers = 0;

  constructor(s: WindowSeries, rows: number) {
    const n = s.ips;
    this.n = n;
    this.col = new Int32Array(n);
    let c = 0;
    for (let a = 0; a < n; a++) if (s.xStart[a + 1] > s.xStart[a]) this.col[a] = c++;
    for (let a = 0; a < n; a++) if (!(s.xStart[a + 1] > s.xStart[a])) this.col[a] = c;
    this.cols = c + 1;
    this.eCol = new Int32Array(s.eIp.length);
    for (let e = 0; e < s.eIp.length; e++) this.eCol[e] = this.col[s.eIp[e]];
    this.acc = new Float64Array(rows * this.cols);
    this.touched = new Int32Array(rows * this.cols);
    this.touchedAt = new Int32Array(rows * this.cols);
    this.accN = new Int32Array(rows);
    this.PX = new Float64Array(2 * n);
    this.xp = new Float64Array(n);
    this.xpList = new Int32Array(n);
    this.xpAt = new Int32Array(n);
    this.reachKeys = new Int32Array(n);
    this.exact = exactSums(s);
    this.ipCount = new Int32Array(n);
    const { ipStart, ipUsers, users } = s;
    for (let a = 0; a < n; a++) {
      for (let q = ipStart[a]; q < ipStart[a + 1]; q++) if (ipUsers[q] < users) this.ipCount[a]++;
    }
  }

  /** A new best ip a with m candidate users: the tie starts over from it. */
  private tieStart(a: number, m: number): void {
    this.tieIps[0] = a;
    this.tieN = 1;
    this.tieUsers = m;
  }

  /** Ip a with m users ties the best. */
  private tieAdd(a: number, m: number): void {
    if (this.tieN < MAX_CAUSAL_TIE) this.tieIps[this.tieN] = a;
    this.tieN++;
    this.tieUsers += m;
  }

  /**
   * The ip with the unique largest positive Pearson r against recipient row b (ip v), or -1 on a
   * tie (within TIE_REL) or when none is positive. For a fixed recipient r > 0 ranks as N²/Vx with
   * N = Kt·Sxy − Sx·Sy (Vy is common), so the loop has no square root; ties within TIE_REL on r
   * are within ≈ 2·TIE_REL on r². Walks the touched list, or every ip in order when most are
   * touched (sequential access).
   */
  bestIp(b: number, v: number, yp: number, Kt: number, syT: number): number {
    const { n, acc, col, touched, xp, xpList, PX, ipCount } = this;
    const base = b * this.cols;
    const accN = this.accN[b];
    const xpN = this.xpN;
    let best = 0;
    let bestIp = -1;
    let tie = false;
    this.tieN = 0;
    // q2 = N²/Vx is compared as N² ≥ thr·Vx (no division on the common, losing path).
    let thr = 0;
    const dense = accN * 4 > n;
    const end = dense ? n : accN + (yp > 0 ? xpN : 0);
    for (let c = 0; c < end; c++) {
      let a: number;
      if (dense) a = c;
      else if (c < accN) a = touched[base + c];
      else {
        a = xpList[c - accN];
        if (acc[base + col[a]] !== 0) continue;
      }
      // The recipient's own address scores 0, as in IpSweep (its egress echoes the recipient).
      if (a === v) continue;
      // An ip without co-occurrence has Sxy = 0, so N ≤ 0 and it drops out here.
      const xa = xp[a];
      const sx = PX[2 * a] + xa;
      const num = Kt * (acc[base + col[a]] + xa * yp) - sx * syT;
      const vx = Kt * (PX[2 * a + 1] + xa * xa) - sx * sx;
      if (!(num > 0 && vx > 0 && num * num >= thr * vx)) continue;
      const q2 = (num * num) / vx;
      const m = ipCount[a];
      if (m === 0) continue;
      if (q2 > best * (1 + 2 * TIE_REL)) {
        best = q2;
        bestIp = a;
        tie = m > 1;
        this.tieStart(a, m);
      } else {
        tie = true;
        if (q2 > best) best = q2;
        this.tieAdd(a, m);
      }
      thr = best * (1 - 2 * TIE_REL);
    }
    return tie ? -1 : bestIp;
  }

  /**
   * As bestIp, ranking r·w with w the ip's timing weight for this delivery (`tm` begun at its
   * anchor sighting): N²·w²/Vx. Walks the ips with a departure in the delivery's window when they
   * are fewer than the candidates, else the candidates, weighing those with r > 0. NOTHING when no
   * ip has both r > 0 and w > 0.
   *
   * Walking the candidates, an exact weight walks the ip's departures in the window: with the long
   * delay support of store-and-forward designs, most of the run, so weighing every candidate is
   * quadratic in the population. Instead the ips with a departure close to x (tm.split) are weighed
   * first; the best of them, q0, bounds the answer from below, and a candidate whose
   * N²·bound(a)²/Vx is below q0·(1 − 4·TIE_REL) is skipped unweighed: it can be neither the best
   * nor tied with it (q < q0·(1 − 4·TIE_REL) < best·(1 − 2·TIE_REL)/(1 + 2·TIE_REL)). The running
   * best is the running maximum, so skipping values that low changes the outcome only through
   * chains of ties each within 2·TIE_REL of the last (the tie list could then differ). If the
   * skipping scan ends below q0 (q0 was not a candidate's value) it is redone without skipping.
   */
  bestTimedIp(b: number, v: number, yp: number, Kt: number, syT: number, vy: number, tm: DeliveryTiming): number {
    const { n, accN } = this;
    const dense = accN[b] * 4 > n;
    const candidates = dense ? n : accN[b] + (yp > 0 ? this.xpN : 0);
    const byWindow = tm.windowSize <= candidates;
    if (byWindow) {
      tm.gather();
      return this.timedScan(b, v, yp, Kt, syT, tm, true, 0, 0);
    }
    let q0 = 0;
    if (tm.split(candidates)) {
      const { acc, col, xp, PX, ipCount } = this;
      const base = b * this.cols;
      for (let k = 0; k < tm.nearN; k++) {
        const a = tm.nearList[k];
        if (a === v || ipCount[a] === 0) continue;
        const xa = xp[a];
        const sx = PX[2 * a] + xa;
        const num = Kt * (acc[base + col[a]] + xa * yp) - sx * syT;
        const vx = Kt * (PX[2 * a + 1] + xa * xa) - sx * sx;
        if (!(num > 0 && vx > 0)) continue;
        // An ip whose bound cannot beat q0 leaves it as it is (q0 is the maximum either way).
        const ub = tm.bound(a);
        if (!(((num * num) / vx) * ub * ub > q0)) continue;
        const w = tm.weight(a);
        const q2 = ((num * num) / vx) * w * w;
        if (q2 > q0) q0 = q2;
      }
    }
    const got = this.timedScan(b, v, yp, Kt, syT, tm, false, q0 * (1 - 4 * TIE_REL), vy);
    if (q0 > 0 && !(this.best >= q0)) return this.timedScan(b, v, yp, Kt, syT, tm, false, 0, 0);
    return got;
  }

  /** The best r·w after a timedScan. */
  private best = 0;

  /**
   * bestTimedIp's scan over the window's ips (`byWindow`, after gather) or the candidates,
   * skipping a candidate whose bound is below `floor` (0: weigh every one). With a floor, only the
   * candidates that `reach` it are walked, in scan order: the others are the ones the floor test
   * below would skip.
   */
  private timedScan(
    b: number,
    v: number,
    yp: number,
    Kt: number,
    syT: number,
    tm: DeliveryTiming,
    byWindow: boolean,
    floor: number,
    vy: number,
  ): number {
    const { n, acc, col, touched, xp, xpList, PX, ipCount } = this;
    const base = b * this.cols;
    const accN = this.accN[b];
    const xpN = this.xpN;
    const dense = accN * 4 > n;
    const keys = !byWindow && floor > 0 && this.exact ? reach(this, b, yp, vy, floor, tm) : -1;
    const end = keys >= 0 ? keys : byWindow ? tm.n : dense ? n : accN + (yp > 0 ? xpN : 0);
    let best = 0;
    let bestIp = -1;
    let tie = false;
    this.tieN = 0;
    for (let c = 0; c < end; c++) {
      let a: number;
      if (keys >= 0) {
        const key = this.reachKeys[c];
        a = dense ? key : key < accN ? touched[base + key] : xpList[key - accN];
      } else if (byWindow) a = tm.list[c];
      else if (dense) a = c;
      else if (c < accN) a = touched[base + c];
      else {
        a = xpList[c - accN];
        if (acc[base + col[a]] !== 0) continue;
      }
      if (a === v) continue;
      const xa = xp[a];
      const sx = PX[2 * a] + xa;
      const num = Kt * (acc[base + col[a]] + xa * yp) - sx * syT;
      const vx = Kt * (PX[2 * a + 1] + xa * xa) - sx * sx;
      if (!(num > 0 && vx > 0)) continue;
      const m = ipCount[a];
      if (m === 0) continue;
      if (floor > 0) {
        // Float products are monotone: w ≤ ub gives q2 ≤ this.
        const ub = tm.bound(a);
        if (((num * num) / vx) * ub * ub < floor) continue;
      }
      const w = tm.weight(a);
      if (!(w > 0)) continue;
      const q2 = ((num * num) / vx) * w * w;
      if (q2 > best * (1 + 2 * TIE_REL)) {
        best = q2;
        bestIp = a;
        tie = m > 1;
        this.tieStart(a, m);
      } else if (q2 >= best * (1 - 2 * TIE_REL)) {
        tie = true;
        if (q2 > best) best = q2;
        this.tieAdd(a, m);
      }
    }
    this.best = best;
    if (bestIp < 0 && !tie) return NOTHING;
    return tie ? -1 : bestIp;
  }
}

/**
 * The candidates of row b that could pass timedScan's floor test, as their positions in its scan
 * (the ip in the dense scan; in the sparse one the place in the touched list, then accN + the
 * place in xpList for ips co-occurring in the partial window only), ascending in reachKeys;
 * returns their count. By Cauchy–Schwarz N² ≤ Vx·Vy, so a candidate's N²·bound(a)²/Vx is at
 * most Vy·bound(a)²: where that, with a margin for the rounding of both products, is below the
 * floor, the floor test skips the candidate. The sums are of integer row counts, exact in
 * doubles, so N, Vx and Vy are exact and only the products round (the 1e-12 margin covers
 * that). Only the near ips and a prefix of tm.byCount can reach the floor (delivery-timing.ts).
 */
function reach(g: GlobalPass, b: number, yp: number, vy: number, floor: number, tm: DeliveryTiming): number {
  const { n, acc, col, touchedAt, xp, xpAt, reachKeys } = g;
  const base = b * g.cols;
  const accN = g.accN[b];
  const dense = accN * 4 > n;
  let m = 0;
  const add = (a: number): void => {
    if (dense) reachKeys[m++] = a;
    else if (acc[base + col[a]] !== 0) reachKeys[m++] = touchedAt[base + col[a]];
    else if (yp > 0 && xp[a] > 0) reachKeys[m++] = accN + xpAt[a];
  };
  const reaches = (a: number): boolean => {
    const ub = tm.bound(a);
    return vy * ub * ub * (1 + 1e-12) >= floor;
  };
  for (let k = 0; k < tm.nearN; k++) if (reaches(tm.nearList[k])) add(tm.nearList[k]);
  for (let k = 0; k < tm.byCount.length; k++) {
    const a = tm.byCount[k];
    if (tm.isNear(a)) continue;
    if (!reaches(a)) break;
    add(a);
  }
  reachKeys.subarray(0, m).sort();
  return m;
}

/**
 * Whether the Pearson sums of every (sender ip, recipient ip, state) are exact in doubles: they
 * are integer counts, and every product and difference in N, Vx, Vy stays below 2⁵³ when K·Σx²,
 * (Σx)², K·Σy², (Σy)² and K·Σx·Σy over the whole run do (the largest of each; states before
 * the end hold parts of these sums).
 */
function exactSums(s: WindowSeries): boolean {
  let mx = 0;
  let mx2 = 0;
  for (let a = 0; a < s.ips; a++) {
    mx = Math.max(mx, s.xSum[a]);
    mx2 = Math.max(mx2, s.xSum2[a]);
  }
  let my = 0;
  let my2 = 0;
  for (let v = 0; v < s.ips; v++) {
    let y = 0;
    let y2 = 0;
    for (let p = s.yStart[v]; p < s.yStart[v + 1]; p++) {
      y += s.yCnt[p];
      y2 += s.yCnt[p] * s.yCnt[p];
    }
    my = Math.max(my, y);
    my2 = Math.max(my2, y2);
  }
  const K = s.windows;
  const limit = 2 ** 53;
  return K * mx2 < limit && mx * mx < limit && K * my2 < limit && my * my < limit && K * mx * my < limit;
}

/** bestTimedIp's answer when no candidate has both a positive r and a positive timing weight. */
const NOTHING = -2;

/**
 * Causal tops of every target (-1 on a tie or without evidence). Recipient ips are taken in
 * blocks; each block makes one pass over global time in which the per-ip egress prefix sums live
 * in dense arrays, and each recipient ip of the block has a dense cross-term row advanced
 * incrementally to its own targets. The cost is the all-pairs accumulation once, O(rows) per
 * block, and Σ over targets of the co-occurring candidates, all on contiguous lists or dense
 * rows.
 */
export function flowCausalTops(
  s: WindowSeries,
  idx: TargetIndex,
  timed?: { timing: DeliveryTiming; at: Float64Array },
  pairKeep = 0,
  blockRows = 0,
): { top: Int32Array; tie: { offsets: Int32Array; cand: Int32Array }; lists: IpLists | null } {
  const n = s.ips;
  const K = s.windows;
  const { ipStart, ipUsers, users } = s;
  // Recipient ips with targets, in order of first appearance.
  const ipRow = new Int32Array(n).fill(-1);
  const ips: number[] = [];
  for (let r = 0; r < users; r++) {
    if (idx.start[r + 1] > idx.start[r] && ipRow[s.userIp[r]] < 0) {
      ipRow[s.userIp[r]] = ips.length;
      ips.push(s.userIp[r]);
    }
  }
  const timedRows = ips.length;
  // Targets by row (rowTargets[rowStart[b] ..)), and the recipient of each.
  const rowStart = new Int32Array(timedRows + 1);
  for (let r = 0; r < users; r++)
    if (idx.start[r + 1] > idx.start[r]) rowStart[ipRow[s.userIp[r]] + 1] += idx.start[r + 1] - idx.start[r];
  for (let b = 0; b < timedRows; b++) rowStart[b + 1] += rowStart[b];
  const rowTargets = new Int32Array(rowStart[timedRows]);
  const recipientOf = new Int32Array(idx.count);
  const rowFill = rowStart.slice(0, timedRows);
  for (let r = 0; r < users; r++) {
    for (let q = idx.start[r]; q < idx.start[r + 1]; q++) {
      rowTargets[rowFill[ipRow[s.userIp[r]]]++] = idx.order[q];
      recipientOf[idx.order[q]] = r;
    }
  }
  // Row width (GlobalPass.cols): the ips with an egress row, plus the shared zero column.
  let rowCells = 1;
  for (let a = 0; a < n; a++) if (s.xStart[a + 1] > s.xStart[a]) rowCells++;
  // Rows per block (blockRows > 0: as given, for tests).
  const B = Math.max(
    1,
    Math.min(ips.length, blockRows > 0 ? blockRows : Math.max(MIN_BLOCK_ROWS, Math.floor(BLOCK_CELLS / rowCells))),
  );
  const g = new GlobalPass(s, B);
  const { acc, cols, col, eCol, touched, touchedAt, accN, PX, xp, xpList, xpAt } = g;
  const pY = new Int32Array(B);
  const sy = new Float64Array(B);
  const syy = new Float64Array(B);
  const causalTop = new Int32Array(idx.count).fill(-1);
  const ties = new CausalTies(idx.count);
  const tied: number[] = [];
  const tCut = idx.tCut;

  for (let b0 = 0; b0 < ips.length; b0 += B) {
    const b1 = Math.min(ips.length, b0 + B);
    // The block's targets in global time order (ties by index: a total order).
    const list = rowTargets.slice(rowStart[Math.min(b0, timedRows)], rowStart[Math.min(b1, timedRows)]);
    list.sort((x, y) => tCut[x] - tCut[y] || x - y);
    for (let b = 0; b < b1 - b0; b++) {
      const base = b * cols;
      // A cell is non-zero only where touched (cross terms only grow), so either clears the row.
      if (accN[b] * 16 > cols) acc.fill(0, base, base + cols);
      else for (let c = 0; c < accN[b]; c++) acc[base + col[touched[base + c]]] = 0;
      accN[b] = 0;
      pY[b] = s.yStart[ips[b0 + b]];
      sy[b] = 0;
      syy[b] = 0;
    }
    PX.fill(0);
    g.xpN = 0;
    xp.fill(0);
    let kCur = 0;
    let ePtr = s.eRowStart[0];

    for (const i of list) {
      const t = tCut[i];
      const R = recipientOf[i];
      const v = s.userIp[R];
      const b = ipRow[v] - b0;
      const base = b * cols;
      let kc = windowOf(t - s.shift, s.width);
      if (kc < 0) continue;
      if (kc > K) kc = K;
      // Global prefix: fold complete windows < kc (their partial counts are subsumed).
      while (kCur < kc) {
        for (let c = 0; c < g.xpN; c++) xp[xpList[c]] = 0;
        g.xpN = 0;
        for (let e = s.eStart[kCur]; e < s.eStart[kCur + 1]; e++) {
          const a = s.eIp[e];
          PX[2 * a] += s.eCnt[e];
          PX[2 * a + 1] += s.eCnt[e] * s.eCnt[e];
        }
        kCur++;
        ePtr = s.eRowStart[kCur];
      }
      if (kc < K) {
        for (; ePtr < s.eRowStart[kc + 1] && s.eRowT[ePtr] <= t; ePtr++) {
          const a = s.eRowIp[ePtr];
          if (xp[a] === 0) {
            xpAt[a] = g.xpN;
            xpList[g.xpN++] = a;
          }
          xp[a]++;
        }
      }
      // This recipient's cross terms: its ingress windows < kc, added once each.
      for (let p = pY[b]; p < s.yStart[v + 1] && s.yWin[p] < kc; p = ++pY[b]) {
        const k = s.yWin[p];
        const y = s.yCnt[p];
        for (let e = s.eStart[k]; e < s.eStart[k + 1]; e++) {
          const c = base + eCol[e];
          if (acc[c] === 0) {
            touchedAt[c] = accN[b];
            touched[base + accN[b]++] = s.eIp[e];
          }
          acc[c] += s.eCnt[e] * y;
        }
        sy[b] += y;
        syy[b] += y * y;
      }
      let yp = 0;
      if (kc < K) {
        let lo = s.yRowStart[v];
        let hi = s.yRowStart[v + 1];
        const first = lo;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (s.yRowT[mid] <= t) lo = mid + 1;
          else hi = mid;
        }
        yp = lo - first - sy[b];
      }
      const Kt = kc < K ? kc + 1 : K;
      const syT = sy[b] + yp;
      const vy = Kt * (syy[b] + yp * yp) - syT * syT;
      let bestIp = -1;
      g.tieN = 0;
      if (vy > 0) {
        // The delivery's own timing first; without a usable sighting, or when no candidate with a
        // positive r has a departure the delay model allows, the ranking by r alone.
        const x = timed ? timed.at[i] : Number.NaN;
        bestIp = NOTHING;
        if (timed?.timing.usable && !Number.isNaN(x)) {
          timed.timing.begin(x);
          bestIp = g.bestTimedIp(b, v, yp, Kt, syT, vy, timed.timing);
        }
        if (bestIp === NOTHING) bestIp = g.bestIp(b, v, yp, Kt, syT);
      }
      let top = -1;
      if (bestIp >= 0) {
        for (let q = ipStart[bestIp]; q < ipStart[bestIp + 1]; q++) {
          if (ipUsers[q] !== R && ipUsers[q] < users) {
            top = ipUsers[q];
            break;
          }
        }
      }
      causalTop[i] = top;
      // A narrow tie: the users behind the tied ips (a NAT's users, or a few equal flows).
      if (top < 0 && g.tieN > 0 && g.tieN <= MAX_CAUSAL_TIE && g.tieUsers > 1 && g.tieUsers <= MAX_CAUSAL_TIE) {
        tied.length = 0;
        for (let k = 0; k < g.tieN; k++) {
          const a = g.tieIps[k];
          for (let q = ipStart[a]; q < ipStart[a + 1]; q++)
            if (ipUsers[q] !== R && ipUsers[q] < users) tied.push(ipUsers[q]);
        }
        ties.set(
          i,
          tied.sort((x, y) => x - y),
        );
      }
    }
  }
  // The whole-run list of every user's ip, each computed once.
  let lists: IpLists | null = null;
  if (pairKeep > 0) {
    const finals = new FinalLists(s, pairKeep);
    for (let r = 0; r < users; r++) finals.add(s.userIp[r]);
    lists = finals.result();
  }
  return { top: causalTop, tie: ties.result(), lists };
}
