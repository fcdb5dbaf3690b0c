/**
 * Builds an `AttackResult` target by target. An attack accumulates evidence for users into a
 * dense scratch vector (touched users tracked, so a target costs O(its candidates)), then
 * commits it: the listed scores are the normalised posterior (sum 1, unlisted users 0), and
 * each listed user's posterior mass is added to the pair (user, recipient). A target with no
 * evidence commits as "no information": nobody listed, base 1 (uniform), and no pair mass.
 * Targets must be committed in order 0, 1, …; output is deterministic (candidates ascending,
 * pairs by (sender, recipient)).
 *
 * Evidence for the current target's recipient is ignored: the question is "who sent what R
 * received", and a payload's sender is never its own recipient (sync copies to one's own
 * devices are not deliveries). This is what the question says, not ground truth.
 */
import { type AttackInput, type AttackResult, MAX_CAUSAL_TIE } from './attack.js';
import { KeyTable } from './util-hash.js';
import { kthLargest } from './util-index.js';

/** Most candidates listed per target (see ScoreBuilder.commit). */
export const MAX_LISTED = 256;
/** Most candidates per target that add pair mass (see ScoreBuilder.commit). */
export const MAX_PAIRED = 32;

/** The smallest evidence value strictly above `v` among `list`'s users (+Infinity when none). */
function nextAbove(acc: Float64Array, list: Int32Array, v: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < list.length; k++) {
    const x = acc[list[k]];
    if (x > v && x < best) best = x;
  }
  return best;
}

class Grow {
  i32 = new Int32Array(1024);
  f64 = new Float64Array(1024);
  length = 0;
  push(u: number, v: number): void {
    if (this.length === this.i32.length) {
      const a = new Int32Array(this.length * 2);
      a.set(this.i32);
      const b = new Float64Array(this.length * 2);
      b.set(this.f64);
      this.i32 = a;
      this.f64 = b;
    }
    this.i32[this.length] = u;
    this.f64[this.length++] = v;
  }
}

export class ScoreBuilder {
  readonly causalTop: Int32Array;
  private readonly acc: Float64Array;
  private readonly touched: Int32Array;
  private nTouched = 0;
  private readonly offsets: Int32Array;
  private readonly base: Float64Array;
  private readonly out = new Grow();
  private readonly pairMass = new KeyTable();
  private next = 0;
  private scratch = new Float64Array(1024);
  /** The tied top set found by uniqueArgmax for target `tieFor` (−1: none pending). */
  private readonly tie = new Int32Array(MAX_CAUSAL_TIE);
  private tieN = 0;
  private tieFor = -1;
  private readonly tieOffsets: Int32Array;
  private readonly tieCand: number[] = [];
  /**
   * Per host, the user at its address when that user is alone there, else −1: the timing trace
   * calls addIp for every background cause it replays (10^8 calls at 10^4 users), and most
   * addresses have one user.
   */
  private readonly sole: Int32Array;

  /**
   * @param maxListed most candidates listed per target before the tail is folded into `base`
   *   (see commit); Infinity lists every candidate (a posterior bounded by the attack's own work).
   */
  constructor(
    private readonly input: AttackInput,
    private readonly count = input.targets.count,
    private readonly maxListed = MAX_LISTED,
  ) {
    this.acc = new Float64Array(input.users);
    this.touched = new Int32Array(input.users);
    this.offsets = new Int32Array(count + 1);
    this.base = new Float64Array(count);
    this.causalTop = new Int32Array(count).fill(-1);
    this.tieOffsets = new Int32Array(count + 1);
    const { hostIp, ipStart, ipUsers } = input;
    this.sole = new Int32Array(hostIp.length);
    for (let h = 0; h < hostIp.length; h++) {
      const ip = hostIp[h];
      this.sole[h] = ipStart[ip + 1] - ipStart[ip] === 1 ? ipUsers[ipStart[ip]] : -1;
    }
  }

  /** Adds evidence w > 0 for user u (non-positive w, and the target's recipient, are ignored). */
  add(u: number, w: number): void {
    if (!(w > 0) || u === this.input.targets.recipient[this.next]) return;
    if (this.acc[u] === 0) this.touched[this.nTouched++] = u;
    this.acc[u] += w;
  }

  /**
   * Adds w for the device `host`'s address: the users behind it (other than the recipient)
   * share w equally — the observer sees the address, not which of the NAT's users sent.
   * Returns false when nobody can take it (the address is the recipient's alone).
   */
  addIp(host: number, w: number): boolean {
    const u = this.sole[host];
    if (u >= 0) {
      // The one user at the address takes w / 1 = w: the general case below, without its loops.
      if (u === this.input.targets.recipient[this.next]) return false;
      this.add(u, w);
      return true;
    }
    const ip = this.input.hostIp[host];
    const lo = this.input.ipStart[ip];
    const hi = this.input.ipStart[ip + 1];
    const r = this.input.targets.recipient[this.next];
    let n = 0;
    for (let k = lo; k < hi; k++) if (this.input.ipUsers[k] !== r) n++;
    if (n === 0) return false;
    const share = w / n;
    for (let k = lo; k < hi; k++) this.add(this.input.ipUsers[k], share);
    return true;
  }

  /** Adds `w` to each user behind `host`'s address (identification: each is fully consistent). */
  addIpEach(host: number, w: number): void {
    const ip = this.input.hostIp[host];
    for (let k = this.input.ipStart[ip]; k < this.input.ipStart[ip + 1]; k++) this.add(this.input.ipUsers[k], w);
  }

  get empty(): boolean {
    return this.nTouched === 0;
  }

  /** How many users have evidence for the current target; `touchedUser(k)` lists them, k < this. */
  get touchedCount(): number {
    return this.nTouched;
  }

  /** The k-th user with evidence for the current target (in the order evidence first came). */
  touchedUser(k: number): number {
    return this.touched[k];
  }

  /** The current target's evidence for user u (0 when none). */
  evidence(u: number): number {
    return this.acc[u];
  }

  /** Total evidence accumulated for the current target. */
  total(): number {
    let s = 0;
    for (let k = 0; k < this.nTouched; k++) s += this.acc[this.touched[k]];
    return s;
  }

  /**
   * The unique user with the largest evidence, or -1 when none or tied. On a tie of at most
   * MAX_CAUSAL_TIE users it also remembers them for the current target: commit(i, -1) then
   * records them as its causal tie (AttackResult.causalTie).
   */
  uniqueArgmax(): number {
    let best = -1;
    let bestV = 0;
    let tied = 0;
    for (let k = 0; k < this.nTouched; k++) {
      const u = this.touched[k];
      const v = this.acc[u];
      if (v > bestV) {
        best = u;
        bestV = v;
        tied = 1;
      } else if (v === bestV && v > 0) tied++;
    }
    this.tieFor = -1;
    if (tied <= 1) return best;
    if (tied <= MAX_CAUSAL_TIE) {
      let n = 0;
      for (let k = 0; k < this.nTouched; k++) if (this.acc[this.touched[k]] === bestV) this.tie[n++] = this.touched[k];
      this.tie.subarray(0, n).sort();
      this.tieN = n;
      this.tieFor = this.next;
    }
    return -1;
  }

  /** Forgets the current evidence without committing it. */
  clear(): void {
    for (let k = 0; k < this.nTouched; k++) this.acc[this.touched[k]] = 0;
    this.nTouched = 0;
  }

  /**
   * Commits the current evidence as target i's scores (and its pair mass), then clears.
   * At most `maxListed` (default MAX_LISTED) candidates are listed: beyond that the least probable ones (the tail)
   * are folded into `base`, their mass spread evenly over every unlisted user, and give no pair
   * mass. Ties at the cut are listed together, or all folded when that would list more than
   * 2·MAX_LISTED, so the choice never depends on user ids. This bounds memory when a delay
   * model's support is long (minutes) and thousands of departures fit; the top of the ranking,
   * and so top1/top5, is unchanged. Likewise only the MAX_PAIRED most probable candidates (same
   * tie rule) add their posterior to pair scores: the rest carry little mass each and would
   * make the pair table grow with targets × window instead of with real links.
   */
  commit(i: number, causalTop: number): void {
    if (i !== this.next) throw new Error(`ScoreBuilder: target ${i} committed out of order (expected ${this.next})`);
    this.causalTop[i] = causalTop;
    if (causalTop === -1 && this.tieFor === i) for (let k = 0; k < this.tieN; k++) this.tieCand.push(this.tie[k]);
    this.tieFor = -1;
    this.tieOffsets[i + 1] = this.tieCand.length;
    const n = this.nTouched;
    if (n === 0) {
      this.next++;
      this.base[i] = 1;
      this.offsets[i + 1] = this.out.length;
      return;
    }
    const list = this.touched.subarray(0, n).sort();
    const total = this.total();
    const cut = this.cutFor(list, this.maxListed);
    const pairCut = Math.max(cut, this.cutFor(list, MAX_PAIRED));
    const r = this.input.targets.recipient[i];
    const users = this.input.users;
    let listed = 0;
    let tail = 0;
    for (let k = 0; k < n; k++) {
      const u = list[k];
      const p = this.acc[u] / total;
      if (this.acc[u] < cut) {
        tail += p;
        continue;
      }
      this.out.push(u, p);
      listed++;
      if (u !== r && this.acc[u] >= pairCut) this.pairMass.add(u * users + r, p);
    }
    this.base[i] = tail > 0 ? tail / (users - listed) : 0;
    this.offsets[i + 1] = this.out.length;
    this.clear();
    this.next++;
  }

  /**
   * Evidence threshold keeping at most `keep` of `list` (0 = keep all): the keep-th largest
   * value, raised past a tied group at the cut that would keep more than 2·keep.
   */
  private cutFor(list: Int32Array, keep: number): number {
    const n = list.length;
    if (n <= keep) return 0;
    const w = this.scratch.length >= n ? this.scratch : (this.scratch = new Float64Array(n * 2));
    for (let k = 0; k < n; k++) w[k] = this.acc[list[k]];
    let cut = kthLargest(w, n, keep);
    let atOrAbove = 0;
    for (let k = 0; k < n; k++) if (this.acc[list[k]] >= cut) atOrAbove++;
    if (atOrAbove > 2 * keep) cut = nextAbove(this.acc, list, cut);
    return cut;
  }

  result(): AttackResult {
    if (this.next !== this.count) throw new Error(`ScoreBuilder: ${this.next} of ${this.count} targets committed`);
    const keys = this.pairMass.sortedKeys();
    const users = this.input.users;
    const sender = new Int32Array(keys.length);
    const recipient = new Int32Array(keys.length);
    const score = new Float64Array(keys.length);
    for (let k = 0; k < keys.length; k++) {
      sender[k] = Math.floor(keys[k] / users);
      recipient[k] = keys[k] - sender[k] * users;
      score[k] = this.pairMass.get(keys[k]);
    }
    return {
      perTarget: {
        offsets: this.offsets,
        cand: this.out.i32.slice(0, this.out.length),
        score: this.out.f64.slice(0, this.out.length),
        base: this.base,
      },
      causalTop: this.causalTop,
      causalTie: { offsets: this.tieOffsets, cand: Int32Array.from(this.tieCand) },
      pairs: { sender, recipient, score },
    };
  }
}
