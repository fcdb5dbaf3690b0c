/**
 * Identifier attack: links sender to recipient from what the view reads outright, with no
 * timing inference. Evidence, strongest first (the first kind found decides):
 *
 * 1. A readable sender account (`sAcct`) on an observed forwarding chain of the target names
 *    the sender.
 * 2. The chain reaches a row leaving a user device: the view sees that device's address, so
 *    the sender is one of the users behind it (one user, or the users sharing a NAT address).
 *    The chain is the walk back from the anchor along `prev`, which exists only where the
 *    adversary holds the forwarding party (it processed the payload itself). When several
 *    users share the address and the adversary received that row at t, every identified
 *    self-addressed row (readable sender account = recipient account: Signal's sync transcript
 *    to a user's own linked devices) from the same address arriving at a held party in
 *    (t, t + syncWindow] is one more vote for that account, breaking the NAT tie.
 * 3. Self-addressed store ("sync copy"): a client that stores a copy of each sent message for
 *    its own other devices makes an entry, readable as addressed to the sender, at storage it
 *    can reach, right after the message itself. When the earliest sighting on the chains reads
 *    the recipient account R at a held party at time t0, every row arriving at a held party in
 *    (t0, t0 + syncWindow] that reads a recipient account u ≠ R is one vote for u.
 *
 * The chains are walked from every anchor of the target (each a sighting of this payload: the
 * delivered copy, a replica, a federation copy; see buildTargets), and their evidence pooled.
 * Scores: candidates score their evidence (1 each for kinds 1–2, the vote count for kind 3),
 * everyone else 0; no evidence ⇒ nobody listed, uniform. Candidates on one NAT address tie;
 * the recipient itself is never a candidate (ScoreBuilder). Method: docs/attacks.md#identifier.
 * causalTop is the same answer from the anchors sighted and the votes arrived by the delivery
 * time. Pair scores: see util-scores.ts.
 */
import { duration, readParams } from '../params/typed.js';
import type { AttackInput, AttackModule, AttackResult } from './attack.js';
import { timeIndex, upperBound } from './util-index.js';
import { ScoreBuilder } from './util-scores.js';

const IDENTIFIER_PARAMS = [
  duration('syncWindow', {
    default: '2s',
    min: 0,
    description:
      'how long after a message is stored (or, behind a shared address, uploaded) a self-addressed copy counts as a vote for its account (0 disables)',
    source:
      '[assumption] the copy is stored after the store response returns: ≈ one onion round trip plus one more onion path, ≈ 8–10 one-way hops of 20–60 ms ≈ 0.2–0.6 s; 2 s leaves room for processing while keeping unrelated stores few (session-desktop MessageSentHandler → sendSyncMessage)',
  }),
];

function run(input: AttackInput): AttackResult {
  const { users, obs, targets } = input;
  const window = readParams(IDENTIFIER_PARAMS, input.params).syncWindow;
  const b = new ScoreBuilder(input);
  // Rows a held party receives with a readable recipient account, by arrival time.
  const stores = timeIndex(obs.tRx, obs.length, (j) => obs.heldTo[j] === 1 && obs.rAcct[j] >= 0);
  const named: number[] = [];
  const devices: number[] = [];
  /** When a held party received each device's departure row (+Infinity: not received by one). */
  const departed: number[] = [];

  // Set by `evidence` when it left out a sighting or a vote made after `by`.
  let later = false;
  const { anchorStart, anchors } = anchorLists(targets);

  /**
   * Adds target i's evidence from its anchors sighted by `by` (sync votes arriving by `by`) to
   * the builder: the strongest kind found decides. Returns false when there is none.
   */
  const evidence = (i: number, by: number): boolean => {
    const r = targets.recipient[i];
    if (named.length > 0) named.length = 0;
    if (devices.length > 0) {
      devices.length = 0;
      departed.length = 0;
    }
    later = false;
    let t0 = Number.POSITIVE_INFINITY;
    for (let k = anchorStart[i]; k < anchorStart[i + 1]; k++) {
      let row = anchors[k];
      if (obs.tRx[row] > by) {
        later = true;
        continue;
      }
      for (;;) {
        const s = obs.sAcct[row];
        if (s >= 0 && s < users && !named.includes(s)) named.push(s);
        if (obs.rAcct[row] === r && obs.heldTo[row] === 1 && obs.tRx[row] < t0) t0 = obs.tRx[row];
        const p = obs.prev[row];
        // prev always points to an earlier row; the check guards against a malformed log.
        if (p < 0 || p >= row) break;
        row = p;
      }
      const h = obs.from[row];
      if (h < users) {
        // When a held party received the departure, from then on it can join self-sends to it.
        const t = obs.heldTo[row] === 1 ? obs.tRx[row] : Number.POSITIVE_INFINITY;
        const at = devices.indexOf(h);
        if (at < 0) {
          devices.push(h);
          departed.push(t);
        } else if (t < departed[at]) departed[at] = t;
      }
    }
    if (named.length > 0) {
      for (const s of named) b.add(s, 1);
      return true;
    }
    if (devices.length > 0) {
      for (let k = 0; k < devices.length; k++) {
        const h = devices[k];
        b.addIpEach(h, 1);
        // Several users behind the address: identified self-addressed sends from it right after
        // the departure (a linked-device user's sync transcript) name which of them.
        const ip = input.hostIp[h];
        const t = departed[k];
        if (window > 0 && t < Number.POSITIVE_INFINITY && input.ipStart[ip + 1] - input.ipStart[ip] > 1) {
          const lo = upperBound(stores.t, 0, stores.t.length, t);
          const end = upperBound(stores.t, lo, stores.t.length, t + window);
          const hi = upperBound(stores.t, lo, end, by);
          if (hi < end) later = true;
          for (let q = lo; q < hi; q++) selfVote(b, input, stores.rows[q], ip);
        }
      }
      return true;
    }
    if (window > 0 && t0 < Number.POSITIVE_INFINITY) {
      const lo = upperBound(stores.t, 0, stores.t.length, t0);
      const end = upperBound(stores.t, lo, stores.t.length, t0 + window);
      const hi = upperBound(stores.t, lo, end, by);
      if (hi < end) later = true;
      for (let k = lo; k < hi; k++) vote(b, obs.rAcct[stores.rows[k]], r, users);
      return true;
    }
    return false;
  };

  for (let i = 0; i < targets.count; i++) {
    // Causal top from what was sighted by the delivery time; scores from every sighting (the
    // same evidence unless a copy was sighted, or a vote arrived, after the delivery).
    const top = evidence(i, targets.tDeliver[i]) ? b.uniqueArgmax() : -1;
    if (later) {
      b.clear();
      evidence(i, Number.POSITIVE_INFINITY);
    }
    b.commit(i, top);
  }
  return b.result();
}

/** Every target's anchors as CSR lists (hand-built targets may give only the primary one). */
function anchorLists(targets: AttackInput['targets']): { anchorStart: Int32Array; anchors: Int32Array } {
  if (targets.anchorStart && targets.anchors) return { anchorStart: targets.anchorStart, anchors: targets.anchors };
  const anchorStart = new Int32Array(targets.count + 1);
  for (let i = 0; i < targets.count; i++) anchorStart[i + 1] = anchorStart[i] + (targets.anchor[i] >= 0 ? 1 : 0);
  return { anchorStart, anchors: targets.anchor.filter((a) => a >= 0) };
}

function vote(b: ScoreBuilder, u: number, r: number, users: number): void {
  if (u !== r && u < users) b.add(u, 1);
}

/** Row j names its sender as its own recipient and left a device at address `ip`: a vote for that account. */
function selfVote(b: ScoreBuilder, input: AttackInput, j: number, ip: number): void {
  const { obs, users } = input;
  const s = obs.sAcct[j];
  if (s >= 0 && s < users && s === obs.rAcct[j] && obs.from[j] < users && input.hostIp[obs.from[j]] === ip) b.add(s, 1);
}

export const identifier: AttackModule = {
  id: 'identifier',
  summary:
    'names the sender from identifiers the view reads: sender account on the forwarding chain, the sending device address, or self-addressed store copies',
  params: IDENTIFIER_PARAMS,
  run,
};
