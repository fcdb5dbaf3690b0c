/**
 * Flow correlation: windowed interval-count correlation after Levine, Reiter, Wang and Wright,
 * "Timing attacks in low-latency mix systems" (FC 2004), made sparse so that every
 * sender × recipient pair of a large run is scored. The engine is in windowed/; method,
 * parameters and complexity: docs/attacks-flow-disclosure.md.
 *
 * Pair (u → R) scores max(0, Pearson r) between the egress series of u's ip and the ingress
 * series of R's ip over the run's windows (every user at one ip gets that ip's value; only
 * positively correlated flows are accused, so every pair with r ≤ 0, in particular every pair
 * that never co-occurs, scores 0 = the unlisted value). Lists are cut to `pairTop` / `listTop`
 * (ties at the cut never split): top-k for k ≤ listTop is exact, and the entropy of the
 * normalised scores is then a lower bound (the adversary is overstated, not understated).
 * The causal top of a delivery at t uses exactly the rows observed by t.
 *
 * Per delivery (`deliveryTiming`, default on): each candidate's pair score times its ip's timing
 * weight for that delivery (windowed/delivery-timing.ts), so a delivery is attributed to the
 * partner of R whose departure fits its own delay, not only to R's best partner overall. The
 * departures weighed are the candidate sends of a protocol-aware observer (`sizes`, default on;
 * wire-rows.ts): an ack or a poll the wire tells apart by size is not the send behind a delivery.
 * The series count every row: there an ack or a poll is activity, and measured it is evidence (a
 * partner's device acks R's receipt within the window; polls mark who is online): counting
 * payload rows only lowered the default scenario's pair AUC (global observer: Signal 0.980 → 0.944,
 * Session 0.913 → 0.805; docs/attacks-flow-disclosure.md).
 */
import { readParams } from '../params/typed.js';
import type { AttackInput, AttackModule, AttackResult } from './attack.js';
import { anchorSightings, buildDepartures, DeliveryTiming } from './windowed/delivery-timing.js';
import { flowCausalTops } from './windowed/flow-causal.js';
import {
  DELIVERY_TIMING_PARAM,
  delayShift,
  LIST_TOP_PARAM,
  listBounds,
  PAIR_TOP_PARAM,
  SHIFT_PARAM,
  WINDOW_PARAM,
} from './windowed/options.js';
import { assembleResult, type IpLists, indexTargets, sweepRecipients } from './windowed/pairs.js';
import { buildWindowSeries } from './windowed/series.js';
import { PEARSON } from './windowed/statistics.js';
import { IpSweep } from './windowed/sweep.js';
import { BACKGROUND_PARAM, SIZES_PARAM, wireRows } from './wire-rows.js';

export const FLOW_PARAMS = [
  WINDOW_PARAM,
  SHIFT_PARAM,
  SIZES_PARAM,
  BACKGROUND_PARAM,
  DELIVERY_TIMING_PARAM,
  PAIR_TOP_PARAM,
  LIST_TOP_PARAM,
];

export const flow: AttackModule = {
  id: 'flow',
  summary: 'Windowed interval-count Pearson correlation of egress and ingress flows (Levine et al. 2004), sparse',
  params: FLOW_PARAMS,
  run(input: AttackInput): AttackResult {
    const p = readParams(FLOW_PARAMS, input.params);
    const shift = delayShift(input.endToEnd, p.shift);
    const timed = p.deliveryTiming;
    const { pairKeep, listTop } = listBounds(input.params);
    const rows = wireRows(input);
    const series = buildWindowSeries(input, p.window, shift, rows);
    const idx = indexTargets(input.targets, input.users);
    const timing = timed ? new DeliveryTiming(buildDepartures(input, rows), input.endToEnd, series.ips) : null;
    const at = timed ? anchorSightings(input) : null;
    // The causal pass also gives the whole-run list of every user's ip (ips without targets get a
    // row that skips the pass over time); sweepRecipients only copies them to the recipients.
    const causal = flowCausalTops(series, idx, timing && at ? { timing, at: at.causal } : undefined, pairKeep);
    const lists = sweepRecipients([new IpSweep(series, PEARSON)], idx, input.users, pairKeep, undefined, undefined, {
      lists: causal.lists as IpLists,
      userIp: series.userIp,
    });
    lists.causalTop = causal.top;
    lists.causalTie = causal.tie;
    if (!timing || !at) return assembleResult(input.users, input.targets, lists, listTop);
    return assembleResult(input.users, input.targets, lists, listTop, { timing, at: at.final, userIp: series.userIp });
  },
};
