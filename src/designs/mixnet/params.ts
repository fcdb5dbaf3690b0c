/**
 * The mixnet's scenario parameters (defaults with their sources). Each value's range is its
 * spec's, and no two parameters constrain each other, so the mixnet has no `check`.
 * Protocol facts with their primary sources: docs/designs/mixnet.md.
 */
import { duration, int, oneOf, type ParamsOf, rate } from '../../params/typed.js';

const LOOPIX = 'Piotrowska et al., "The Loopix Anonymity System", USENIX Security 2017';

export const PARAMS = [
  int('layers', {
    default: 3,
    unit: 'layers',
    min: 1,
    description: 'Mix layers in the stratified topology; every packet crosses one random mix per layer',
    source: `${LOOPIX} §4 (stratified topology; the evaluation and the Nym deployment use 3 layers [unverified])`,
  }),
  int('mixesPerLayer', {
    default: 3,
    unit: 'mixes',
    min: 1,
    description:
      'Mixes in each layer. Few mixes keep the traffic per mix high: with 1000 users and the default cover, λ/μ ≈ 3 per mix',
    source: `[assumption] chosen so that λ/μ ≥ 2 per mix at the default workload (${LOOPIX} §4.1.3 calls λ/μ ≥ 2 good [unverified])`,
  }),
  int('providers', {
    default: 4,
    unit: 'providers',
    min: 1,
    description: 'Providers (entry/exit and inbox servers); each user attaches to one, uniformly at random',
    source: '[assumption] a handful of providers, as in a small Loopix deployment',
  }),
  duration('mixDelay', {
    default: '200ms',
    min: 0,
    description: 'Mean of the exponential delay each mix holds each packet for (1/μ), on top of processing',
    source: `[assumption] sub-second per-hop delays as in ${LOOPIX} §6 (evaluation) [unverified]`,
  }),
  int('packetBytes', {
    default: 2048,
    unit: 'bytes',
    min: 1,
    description:
      'Size of every packet on every link (Sphinx-like fixed size): real, loop and drop packets and fetches look alike',
    source: '[assumption] (Sphinx packets of a few kB; Nym uses ≈2 kB payloads [unverified])',
  }),
  rate('loopRate', {
    default: '2/min',
    unit: 'per user',
    description: 'Poisson rate of loop cover packets per online user (0 = none)',
    source: `[assumption] ${LOOPIX} §3 (λ_L); chosen so cover dominates the default workload's ≈0.1–0.2 messages/min`,
  }),
  rate('dropRate', {
    default: '2/min',
    unit: 'per user',
    description: 'Poisson rate of drop cover packets per online user (0 = none)',
    source: `[assumption] ${LOOPIX} §3 (λ_D)`,
  }),
  rate('payloadRate', {
    default: '0/s',
    unit: 'per user',
    description:
      'Poisson rate of payload slots per online user (λ_P). Each slot sends the oldest queued real packet, or a drop packet when none waits; 0 = real packets leave at their workload time, on top of the cover',
    source: `${LOOPIX} §3 (payload messages at rate λ_P, replaced by drop messages when nothing is queued); off by default so the cover-on-top results stay comparable [assumption]`,
  }),
  oneOf('fetchReply', ['fixed', 'stored'], {
    default: 'fixed',
    description:
      "How the provider answers an inbox fetch. 'fixed' (Loopix): every fetch, empty or not, gets exactly fetchBatch packets, stored ones first and dummies filling the rest, so an observer sees the same exchange whether the user received or not. 'stored': only fetches that find something are answered, one packet per stored item (empty fetches stay periodic flows, which views see as background exchanges)",
    source: `${LOOPIX} §3 (clients pull a constant number of messages; the provider pads with dummies); UCL-InfoSec/loopix loopix/loopix_provider.py pull_messages (MAX_RETRIEVE = 50, padded with generate_dummy_messages). 'stored' is this simulator's earlier, leakier model, kept for comparison`,
  }),
  int('fetchBatch', {
    default: 1,
    unit: 'packets',
    min: 1,
    description:
      "Packets in every answer to a fetch with fetchReply 'fixed'; more stored packets wait for the next fetch",
    source:
      '[assumption] 1 per 1 s fetch is ≥ 20× the default per-user arrival rate (real + loop); the Loopix implementation pulls 50 every 10 s (UCL-InfoSec/loopix loopix/loopix_provider.py MAX_RETRIEVE = 50; UCL-InfoSec/loopix loopix/config.json TIME_PULL = 10)',
  }),
  int('fetchRequestBytes', {
    default: 64,
    unit: 'bytes',
    min: 1,
    description:
      'Size of an inbox fetch (pull) request on the client → provider link. Loopix pulls with a short request, not a Sphinx packet, so a size-aware observer tells it from a send; set it to packetBytes for a client that pads its pulls',
    source:
      "UCL-InfoSec/loopix loopix/loopix_client.py retrieve_messages (a LoopingCall sends the datagram 'PULL' + client name, petlib-encoded, every TIME_PULL); 64 B with UDP/IP headers [assumption]",
  }),
  duration('fetchInterval', {
    default: '1s',
    min: 0,
    minExclusive: true,
    description: "Period of the client's inbox fetches from its provider while online (uniform random phase per user)",
    source: `[assumption] ${LOOPIX} §3 (clients periodically pull their inbox from their provider)`,
  }),
];

export type MixnetParams = ParamsOf<typeof PARAMS>;
