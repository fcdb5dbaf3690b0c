/**
 * The closed-form estimators of the windowed attacks, as pure functions of their sums (the
 * validation cases check these formulas; the sweeps feed them).
 */

/** Pearson r of two count series over K windows from their sums; 0 when either series is constant. */
export function pearsonFromSums(K: number, sx: number, sxx: number, sy: number, syy: number, sxy: number): number {
  const vx = K * sxx - sx * sx;
  const vy = K * syy - sy * sy;
  if (!(vx > 0) || !(vy > 0)) return 0;
  return (K * sxy - sx * sy) / Math.sqrt(vx * vy);
}

/**
 * Generalised statistical-disclosure estimate (Danezis 2003; Mathewson & Dingledine 2004) of
 * the share of the target's traffic due to one candidate:
 *   v̂ = (O_T − (B_T − M_T)⁺·û) / M_T
 * O_T: the candidate's count over the target rounds; M_T: the target's messages in those rounds;
 * B_T: all messages in those rounds; û: the candidate's background share (from rounds without
 * the target, or known). With B_T = t·b, M_T = t, û = 1/N this is Danezis's mean count − (b−1)/N.
 */
export function sdaEstimate(oT: number, mT: number, bT: number, uHat: number): number {
  if (!(mT > 0)) return 0;
  return (oT - Math.max(0, bT - mT) * uHat) / mT;
}

/** Background share û of a candidate from the rounds without the target: (O − O_T)/(B − B_T). */
export function backgroundShare(o: number, oT: number, b: number, bT: number): number {
  return b - bT > 0 ? (o - oT) / (b - bT) : 0;
}

/**
 * Delivery-receipt estimate (Martiny et al., NDSS 2021): v̂_r = (c − β̂·|U|) / C with
 * β̂ = (n − c)/(T − |U|): the excess of rows addressed to u inside the target epochs over u's rate
 * outside them, per epoch. c: u's evidence rows inside the epochs U (total length |U|, C
 * disjoint epochs); n: all of u's evidence rows over the span T. β̂ = 0 when the epochs cover T.
 */
export function receiptEstimate(c: number, n: number, unionLen: number, span: number, epochs: number): number {
  if (!(epochs > 0)) return 0;
  const bgTime = span - unionLen;
  const beta = bgTime > 0 ? (n - c) / bgTime : 0;
  return (c - beta * unionLen) / epochs;
}
