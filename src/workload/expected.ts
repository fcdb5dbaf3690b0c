/**
 * Expected traffic of a workload, from its parameters alone (no simulation): what `anonsim
 * validate` reports and the long-run warning reads. 1:1 messages are Poisson while the sender is
 * online (the stationary online fraction E[on]/(E[on]+E[off]) under the sessions model, as
 * generate.ts starts users), each answered with probability replyProbability; a group message is
 * delivered to every other member.
 */
export interface TrafficParams {
  users: number;
  /** 1:1 messages per user per ns. */
  rate: number;
  replyProbability: number;
  groups: { count: number; size: number; rate: number };
  online?: { model: 'always' | 'sessions'; on: { mean: number }; off: { mean: number } };
}

export function onlineFraction(online: TrafficParams['online']): number {
  if (!online || online.model === 'always') return 1;
  const on = online.on.mean;
  const off = online.off.mean;
  return on + off > 0 ? on / (on + off) : 1;
}

/** Expected messages sent (1:1, replies and group posts) and deliveries in `duration` ns. */
export function expectedTraffic(p: TrafficParams, duration: number): { messages: number; deliveries: number } {
  const direct = p.users * p.rate * duration * onlineFraction(p.online) * (1 + p.replyProbability);
  const posts = p.groups.count * p.groups.rate * duration;
  return { messages: direct + posts, deliveries: direct + posts * Math.max(0, p.groups.size - 1) };
}
