/**
 * The scoring strategies of an IpSweep: what a sender ip's windowed sums say about a recipient.
 *
 * - PEARSON (flow; Levine, Reiter, Wang, Wright 2004): r over the K_t windows of the state,
 *   cross term Σ x_k·y_k.
 * - SDA (disclosure; Danezis 2003, Mathewson & Dingledine 2004): rounds with ingress to the
 *   recipient are the target rounds; cross term O_T = Σ_{k∈T} x_k; background û from the other
 *   rounds; v̂ = (O_T − (B_T − M_T)⁺·û)/M_T.
 */
import { backgroundShare, pearsonFromSums, sdaEstimate } from './estimators.js';
import type { IpSweep, WindowStatistic } from './sweep.js';

export const PEARSON: WindowStatistic = {
  crossWeight: (y) => y,
  value(sw, acc, xpa, px, px2) {
    const sx = px + xpa;
    const sy = sw.syPref + sw.yp;
    const syy = sw.syyPref + sw.yp * sw.yp;
    return pearsonFromSums(sw.windowCount, sx, px2 + xpa * xpa, sy, syy, acc + xpa * sw.yp);
  },
};

export const SDA: WindowStatistic = {
  // A target round counts the sender's rows once, however many rows the recipient got in it.
  crossWeight: () => 1,
  value(sw, acc, xpa, px) {
    const sx = px + xpa;
    const inT = sw.yp > 0 ? 1 : 0;
    const oT = acc + xpa * inT;
    const mT = sw.syPref + sw.yp;
    const bT = sw.bTPref + sw.bp * inT;
    const b = sw.s.bCum[sw.kc] + sw.bp;
    return sdaEstimate(oT, mT, bT, backgroundShare(sx, oT, b, bT));
  },
};

/**
 * SDA sweeps only: calls visit(q, ub) for each candidate slot (or each of `only`'s, ascending)
 * whose upper bound ub of v̂ is ≥ the threshold, which starts at `threshold` and is replaced by
 * visit's return value. v̂ decreases in
 * O (the sender's egress so far) and O ≥ O_lo = max(O_T, the slot's last computed prefix + the
 * partial round), so v̂ ≤ (O_T − κ·(O_lo − O_T))/M_T with κ = (B_T − M_T)⁺/(B − B_T): slot-local
 * data, no cursor step, no division per skipped slot.
 */
export function scanSda(
  sw: IpSweep,
  threshold: number,
  visit: (q: number, ub: number) => number,
  only?: { slots: Int32Array; count: number },
): void {
  const s = sw.s;
  const mT = sw.syPref + sw.yp;
  if (!(mT > 0)) return;
  const inT = sw.yp > 0 ? 1 : 0;
  const bT = sw.bTPref + sw.bp * inT;
  const b = s.bCum[sw.kc] + sw.bp;
  const kappa = bT > mT && b > bT ? (bT - mT) / (b - bT) : 0;
  const end = sw.kc === s.windows;
  let thr = threshold * mT;
  const count = only ? only.count : sw.nSlots;
  for (let c = 0; c < count; c++) {
    const q = only ? only.slots[c] : c;
    const a = sw.slotIp[q];
    if (sw.ownIp(a)) continue;
    const xpa = sw.xp[a];
    const oT = sw.slotAcc[q] + xpa * inT;
    if (!(oT > 0)) continue;
    const stale = end ? s.xSum[a] : sw.slotCur[q] >= 0 ? sw.slotPx[q] + xpa : xpa;
    const ubm = oT - kappa * (Math.max(oT, stale) - oT);
    const ub = ubm + Math.abs(ubm) * 1e-12;
    if (ub < thr) continue;
    thr = visit(q, ub / mT) * mT;
  }
}

/**
 * An upper bound of v̂ for SDA candidate slots in a sweep's current state, as scanSda's but with
 * a rounding margin relative to the terms (O_T and κ·(O_lo − O_T)) rather than to their
 * difference, so that it holds where they nearly cancel. `begin` after each `at`.
 */
export class SdaBound {
  private sw: IpSweep | null = null;
  private mT = 0;
  private inT = 0;
  private kappa = 0;
  private end = false;

  begin(sw: IpSweep): void {
    const s = sw.s;
    this.sw = sw;
    this.mT = sw.syPref + sw.yp;
    this.inT = sw.yp > 0 ? 1 : 0;
    const bT = sw.bTPref + sw.bp * this.inT;
    const b = s.bCum[sw.kc] + sw.bp;
    this.kappa = bT > this.mT && b > bT ? (bT - this.mT) / (b - bT) : 0;
    this.end = sw.kc === s.windows;
  }

  /** At least v̂ of slot q's ip (the ip's statistic, PerUserShare aside). */
  slot(q: number): number {
    const sw = this.sw as IpSweep;
    const s = sw.s;
    const a = sw.slotIp[q];
    if (!(this.mT > 0) || sw.ownIp(a)) return 0;
    const xpa = sw.xp[a];
    const oT = sw.slotAcc[q] + xpa * this.inT;
    if (!(oT > 0)) return 0;
    const stale = this.end ? s.xSum[a] : sw.slotCur[q] >= 0 ? sw.slotPx[q] + xpa : xpa;
    const cut = this.kappa * (Math.max(oT, stale) - oT);
    return (oT - cut + (oT + cut) * 1e-12) / this.mT;
  }
}
