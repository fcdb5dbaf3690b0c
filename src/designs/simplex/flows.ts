/**
 * SimpleX's keepalives: PING/PONG on every open relay connection while the user is online (one
 * block each way), as periodic flows. Over Tor a flow runs on the circuit open at the flow's
 * start, drawn here at build time (the same circuits traffic then uses, tor.ts). A connection
 * open at t = 0 has a uniform phase (common.ts, connectionPhase).
 */
import { Kind } from '../../net/log.js';
import { connectionPhase } from '../common.js';
import type { DesignContext } from '../design.js';
import type { SimplexTopology } from './topology.js';
import type { Tor } from './tor.js';

export function addPingFlows(
  ctx: DesignContext,
  t: SimplexTopology,
  tor: Tor | null,
  o: { period: number; block: number; end: number },
): void {
  const { net, workload: w } = ctx;
  const U = w.users;
  const { R, relay0, connected } = t;
  const { period, block, end } = o;
  let nFlows = 0;
  for (let u = 0; u < U; u++) {
    let links = 0;
    for (let i = 0; i < R; i++) links += connected[u * R + i];
    nFlows += links * (w.onIdx[u + 1] - w.onIdx[u]);
  }
  // Paths are views into one buffer: one allocation instead of one per flow (over Tor: the circuit at the flow's start).
  const hopsPerPath = tor ? 5 : 2;
  const paths = new Int32Array(hopsPerPath * nFlows);
  let f = 0;
  for (let u = 0; u < U; u++) {
    for (let k = w.onIdx[u]; k < w.onIdx[u + 1]; k++) {
      const start = w.onStart[k];
      const stop = Math.min(w.onEnd[k], end);
      if (stop <= start) continue;
      for (let i = 0; i < R; i++) {
        if (!connected[u * R + i]) continue;
        const at = hopsPerPath * f++;
        if (tor) paths.set(tor.circuit(u, i), at);
        else {
          paths[at] = u;
          paths[at + 1] = relay0 + i;
        }
        net.periodic.add({
          path: paths.subarray(at, at + hopsPerPath),
          period,
          phase: connectionPhase(ctx, u, start, period),
          start,
          end: stop,
          bytesPerLink: 2 * block,
          kind: Kind.keepalive,
        });
      }
    }
  }
}
