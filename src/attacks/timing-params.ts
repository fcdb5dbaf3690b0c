/** The timing attack's parameters (src/attacks/timing.ts), with their defaults and sources. */
import { bool, int, oneOf } from '../params/typed.js';
import { BACKGROUND_PARAM, sizesParam } from './wire-rows.js';

export const TIMING_PARAMS = [
  bool('trace', {
    default: true,
    description: 'trace hop by hop before falling back to the end-to-end model (false: end-to-end model only)',
    source: '[design choice] hop-by-hop likelihood tracing, after Danezis 2004 (continuous-time mixes)',
  }),
  sizesParam(
    'read packet sizes as a protocol-aware observer does: weigh each candidate cause by how likely its size change is (empirical law of bytes out − bytes in at a party, and from departure to anchor), so acks, receipts, polls and keepalives the wire tells apart from payloads are not taken for sends; false: the size-blind observer, for comparison (padding is the countermeasure to sizes)',
    'every party and wire observer reads sizes and directions; size-based traffic analysis: DeepCorr (Nasr et al., CCS 2018) uses timings and sizes; the size-blind attack counted each 64 B delivery ack as a candidate send, doubling Λ (docs/attacks.md)',
  ),
  BACKGROUND_PARAM,
  oneOf('dwell', ['pooled', 'per-kind'], {
    default: 'per-kind',
    description:
      "the dwell law weighed at a party on watched links: one law over every forward ('pooled'), or one per kind of forward — the party's role and whether the row goes to a device or to another party ('per-kind'; kinds with fewer than 30 calibration samples use the pooled law)",
    source:
      '[design choice] per-kind: the adversary knows relaying, storing and pushing are different laws, and the tighter laws let the adaptive scan stop early (default scenario: targets cut by `scan` 13 699 → 5 652); pooled is the blunter adversary of earlier results (docs/attacks.md)',
  }),
  oneOf('fallback', ['anchor', 'break'], {
    default: 'anchor',
    description:
      "where mass the trace loses at a broken chain is spread from: the anchor, by the end-to-end law ('anchor'), or the row where the view's exact chain breaks, by the law of departure → break row ('break': what the trace learnt before the break is kept)",
    source:
      '[design choice] anchor by default so results stay comparable; break conditions the fallback on the trace (docs/attacks.md)',
  }),
  oneOf('calibration', ['same-run', 'independent-run'], {
    default: 'same-run',
    description:
      "where the adversary learns its delay and size laws: from the run it attacks ('same-run', in-sample) or from an independent simulation of the same scenario, design and adversary with other random draws ('independent-run', out-of-sample; costs a second simulation and its memory)",
    source:
      '[design choice] the adversary knows the protocol, not this run; in-sample calibration is the default so results stay comparable, and the independent run measures how much it helps (docs/attacks.md)',
  }),
  int('beam', {
    default: 32,
    min: 1,
    unit: 'hypotheses',
    description: 'most probable partial paths kept per hop while tracing (per target it may widen: `widen`)',
    source: '[assumption] speed/accuracy trade-off; results are insensitive above ~16 in the validation runs',
  }),
  int('scan', {
    default: 512,
    min: 1,
    unit: 'rows',
    description:
      'most rows weighed per window (incoming rows at one party, or departures in the fallback): the most recent (shortest delays) first, 32 and then doubling chunks, until what the older rows could still weigh is below 1/8 of the 0.1 % that counts as capped (per target it may widen: `widen`)',
    source:
      '[assumption] bounds the cost when a delay model spans minutes (offline recipients): 32 rows bound 13 699 targets of the default scenario, 512 bound 5 652 at +1.35× CPU for a 10 000-user Signal global run with offline periods (no change in bench:attacks); docs/attacks.md',
  }),
  int('budget', {
    default: 8192,
    min: 1,
    unit: 'rows',
    description:
      'rows weighed per delivery while tracing; past it the remaining hypotheses fall back to the end-to-end model (per target it may widen: `widen`)',
    source: '[assumption] multi-hop traces (onion paths) need thousands; measured effect in docs/attacks.md',
  }),
  int('widen', {
    default: 8,
    min: 1,
    unit: 'factor',
    description:
      "the most a target's `scan`, `beam` and `budget` may each grow by: a target whose posterior one of them cut by more than 0.1 % is scored again from scratch with the caps that cut doubled, until none cuts more, each has grown this much, or a round moved its posterior by less than 0.1 % (L1) while the caps cut less than half of it (its scores are then those of the attack with its last caps fixed; `caps` counts the targets still cut); 1: fixed caps, the attack before caps could widen",
    source:
      "[assumption] fixed caps bind at load and made designs look safer than they are: Session, global observer, 3162 users at 1/10 min, timing top1 0.510 at fixed 512/32/8192 and 0.738 with caps ×32–64 (93 CPU s); widen 4 / 8 / 16 / 32 / 64 give 0.632 / 0.679 / 0.715 / 0.735 / 0.737. A round that no longer moves the posterior ends the widening, which frees the default scenario's Signal cells (default scenario, timing only: 7.7 CPU s at widen 8, 10.5 at 32, where widen 4 cost 10.3 before the rule), but where caps bind at any ceiling with posteriors that keep moving (10 s mix delays) the cost grows with the ceiling: the countermeasures validation scenario (300 users, mixDelay 0/10 s × cover × sizes, timing only) costs 56 CPU s at widen 4, 89 at 8 and 167 at 16 (317 at 32 before the rule, which stops few of its rounds), so the default is 8 (docs/attacks.md#timing)",
  }),
];
