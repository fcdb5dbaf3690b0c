/**
 * Shared by the windowed attacks' validation cases: the idealised Signal world in which the closed
 * forms hold through the pipeline, and the top-m reading of an estimate vector.
 */

/**
 * Scenario text of the validation world: constant 30 ms links and no processing (a delivery's round
 * is its send's epoch), no receipts, replies, groups or linked devices, everyone always online,
 * uniform contact weights; a global passive observer; the disclosure attack with `method`, each
 * delivery ranked by pair scores alone, epochs of 5 s.
 */
export function validationWorld(o: {
  name: string;
  seed: number;
  replicates?: number;
  users: number;
  contacts: number;
  rate: string;
  method: string;
}): string {
  return `
name: ${o.name}
seed: ${o.seed}
replicates: ${o.replicates ?? 1}
duration: 20min
warmup: 0s
network: { latency: const(30ms) }
workload: { users: ${o.users}, contacts: ${o.contacts}, contactSkew: 0, rate: ${o.rate}, replyProbability: 0 }
designs:
  - { design: signal, processing: 0s, deliveryReceipts: false, readReceipts: false, linkedDevices: 0 }
adversaries:
  - kind: global-passive
attacks: [disclosure]
attackParams:
  disclosure: { method: ${o.method}, deliveryTiming: false, epoch: 5s }
`;
}

/**
 * Expected share of the `friend`s among the m best of `v`, and the probability that all of them
 * are there, under uniform tie-breaking among equal estimates (CONTRACT §4's tie rule).
 */
export function topM(v: Float64Array, friend: Uint8Array, m: number): { frac: number; all: number } {
  const sorted = Float64Array.from(v).sort();
  const s = sorted[sorted.length - m];
  let g = 0;
  let e = 0;
  let fg = 0;
  let fe = 0;
  let fl = 0;
  for (let j = 0; j < v.length; j++) {
    if (v[j] > s) {
      g++;
      fg += friend[j];
    } else if (v[j] === s) {
      e++;
      fe += friend[j];
    } else fl += friend[j];
  }
  const k = m - g;
  let all = 0;
  if (fl === 0) {
    all = 1;
    for (let i = 0; i < fe; i++) all *= (k - i) / (e - i);
  }
  return { frac: (fg + (fe * k) / e) / m, all };
}
