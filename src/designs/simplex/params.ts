/**
 * SimpleX's scenario parameters (defaults with their sources) and the checks across them.
 * Protocol facts with their primary sources: docs/designs/simplex.md.
 */
import { bool, dist, duration, int, oneOf, type ParamsOf } from '../../params/typed.js';
import type { ParamProblem } from '../design.js';

const MQ = 'simplex-chat/simplexmq';
const SC = 'simplex-chat/simplex-chat';
const APP_MODEL = `${SC} apps/multiplatform/common/src/commonMain/kotlin/chat/simplex/common/model/SimpleXAPI.kt`;
export const PRIVATE_ROUTING = ['always', 'unknown', 'never'] as const;

export const PARAMS = [
  int('relays', {
    default: 17,
    unit: 'relays',
    min: 1,
    description:
      'SMP relays in the preset list: the first relays − proxyOnlyRelays store queues (and proxy), the rest only proxy',
    source: `${SC} src/Simplex/Chat/Operators/Presets.hs (11 enabled SimpleX Chat routers with storage and proxy roles, 6 Flux routers with the proxy role only)`,
  }),
  int('proxyOnlyRelays', {
    default: 6,
    unit: 'relays',
    min: 0,
    description: 'Relays of a second operator (Flux) with the proxy role only: they never host queues',
    source: `${SC} src/Simplex/Chat/Operators/Presets.hs (smp1…smp6.simplexonflux.com: storage = False, proxy = True)`,
  }),
  oneOf('privateRouting', PRIVATE_ROUTING, {
    default: 'always',
    description:
      'always: every SEND goes sender → proxy relay → destination relay; unknown: proxy only to relays outside the sender’s configured servers (with the preset list every storage relay is configured, so all sends are direct); never: always direct (the destination relay sees the sender’s address)',
    source: `${APP_MODEL} (SMPProxyMode.default = Always, SMPProxyFallback.default = AllowProtected); ${MQ} src/Simplex/Messaging/Client.hs (the library default is never); ${SC} PRIVACY.md`,
  }),
  bool('deliveryReceipts', {
    default: true,
    description:
      'Delivery receipt for each direct (1:1) message, sent back through the reply queue of the same contact',
    source: `${SC} blog/20230722-simplex-chat-v5-2-message-delivery-receipts.md (on for new profiles, in direct chats)`,
  }),
  dist('receiptDelay', {
    default: '0s',
    description:
      'Random hold before a delivery receipt leaves the recipient (countermeasure; 0s = at once, as deployed)',
    source: 'countermeasure, off in the deployed protocol; Martiny et al., NDSS 2021 §8 (delay or batch receipts)',
  }),
  bool('tor', {
    default: false,
    description:
      'Every relay connection (sends, proxy connections, subscriptions, GETs, acks, pings) runs over a 3-hop Tor circuit (guard, middle, exit): relays and proxies see a Tor exit, not the user. Tor does not mix, so a global passive observer still sees both ends',
    source: `countermeasure, off by default; the apps can connect through SOCKS/Tor and every preset relay has a .onion address (${SC} PRIVACY.md); Tor: Dingledine et al., USENIX Security 2004`,
  }),
  int('torRelays', {
    default: 1000,
    unit: 'relays',
    min: 3,
    description: 'Tor relays to draw guards, middles and exits from (uniformly; Tor weights by bandwidth)',
    source: '[assumption] a sample of the ≈7000-relay Tor network (metrics.torproject.org)',
  }),
  duration('torCircuitLifetime', {
    default: '10min',
    description:
      'A circuit to one relay is replaced (new middle and exit, same guard) when it is older than this at the next use',
    source:
      'MaxCircuitDirtiness defaults to 600 s (https://2019.www.torproject.org/docs/tor-manual.html.en); one primary guard per client (https://spec.torproject.org/proposals/271-another-guard-selection.html)',
  }),
  dist('torRelayDelay', {
    default: 'uniform(1ms, 50ms)',
    description: 'Queueing and processing at each Tor relay on a circuit',
    source: '[assumption] (Tor relays do not delay on purpose; congestion adds ms to tens of ms)',
  }),
  int('blockBytes', {
    default: 16384,
    unit: 'bytes',
    min: 1,
    description: 'Fixed transport block: every SMP transmission on every link is one block',
    source: `${MQ} src/Simplex/Messaging/Transport.hs (smpBlockSize = 16384)`,
  }),
  duration('pingInterval', {
    default: '1200s',
    min: 0,
    minExclusive: true,
    description: 'PING/PONG period on each open relay connection while the app is online (periodic flow)',
    source: `${APP_MODEL} (NetCfg.defaults smpPingInterval = 1200 s; the library's default is 600 s)`,
  }),
  bool('iosNotifications', {
    default: true,
    description:
      'iOS "instant" notifications: the destination relay sends NMSG for every message to an iOS user’s queue to the notification server, which pushes through APNs; an offline device then GETs the message',
    source: `${MQ} protocol/push-notifications.md (NMSG → notification server → APNs, for iOS only); instant mode as the default [assumption]`,
  }),
  duration('ntfDeliveryInterval', {
    default: '1.5s',
    description: 'A relay flushes its pending NMSG notifications to the notification server on this tick',
    source:
      'simplex-chat/simplexmq src/Simplex/Messaging/Server/Main.hs (ntfDeliveryInterval = 1500000 µs; 3 s in older versions)',
  }),
  dist('pushLatency', {
    default: 'uniform(0.5s, 3s)',
    description: 'Time a notification spends inside APNs before it reaches the device',
    source: '[assumption] APNs delivers in seconds, variably; no published distribution',
  }),
];

export type SimplexParams = ParamsOf<typeof PARAMS>;

/** Problems across parameters (combinations; each value's own range is its spec's). */
export function checkSimplex(p: SimplexParams): ParamProblem[] {
  const out: ParamProblem[] = [];
  const { relays, proxyOnlyRelays: proxyOnly } = p;
  if (proxyOnly >= relays)
    out.push({
      param: 'proxyOnlyRelays',
      message: `proxyOnlyRelays is ${proxyOnly} of ${relays} relays; at least one relay must store queues, so set it to 0..${Math.max(0, relays - 1)}`,
      expected: `integer in 0..relays − 1`,
    });
  if (p.privateRouting === 'always' && relays < 2)
    out.push({
      param: 'privateRouting',
      message:
        'privateRouting: always needs a proxy relay other than the destination; set relays ≥ 2 or privateRouting: never',
      expected: 'relays ≥ 2 with privateRouting: always',
    });
  return out;
}
