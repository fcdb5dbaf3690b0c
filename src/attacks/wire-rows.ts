/**
 * Which observed rows a protocol-aware observer counts as a possible send or delivery of a
 * payload. Every party and wire observer reads sizes and directions: a row leaving a user device
 * whose size no payload departure ever had (a 64 B ack, an 800 B Session poll, a 150 B Matrix
 * typing notification) is not a candidate send, and a row into a device whose size no payload
 * arrival ever had (an ack, a push wake-up, a sync long-poll answer) is not a candidate delivery.
 * The sizes are the adversary's size laws (AttackInput.payloadSizes, measured like the timing
 * attack's size-change laws with its own traffic); a size the law never saw is ruled out, which is
 * the timing attack's weighing (`SizeModel.p`, a floor for an unseen size or change) taken to its
 * limit for counts that cannot carry weights. Padding to one size (SimpleX's 16 KiB blocks) leaves
 * every row a candidate, as it should. `sizes: false` is the size-blind observer (every row from or
 * to a device counts), for comparison. One rule for the windowed attacks (the departures weighed per
 * delivery, the receipt triggers) and the figures' candidate sends; the windowed series count every
 * row on purpose (activity there is evidence, src/attacks/flow.ts).
 */
import { bool, oneOf, readParams } from '../params/typed.js';
import type { AttackInput } from './attack.js';

/** Predicates over observed rows j: a candidate send (leaves a user device), a candidate delivery (reaches one). */
export interface WireRows {
  send(j: number): boolean;
  delivery(j: number): boolean;
  /**
   * The same rules for a background crossing of `bytes` (AttackInput.background: keepalives,
   * empty polls, PINGs) leaving / reaching a device: the size-aware observer rules out those whose
   * size no payload had, the size-blind one counts them all (SimpleX's PINGs, padded to a block,
   * stay candidates either way).
   */
  sendBytes(bytes: number): boolean;
  deliveryBytes(bytes: number): boolean;
  /** False when the observer is size-blind or has no size laws: every device row counts. */
  readonly sizeAware: boolean;
}

/** The rows `input`'s observer counts, reading its `sizes` (default true) and `background` (default counted) parameters. */
export function wireRows(input: Pick<AttackInput, 'users' | 'obs' | 'payloadSizes' | 'params'>): WireRows {
  const p = readParams(WIRE_PARAMS, input.params);
  return payloadRows(input, p.sizes, p.background === 'counted');
}

/** Whether the observer counts the view's background crossings (param `background`). */
export function backgroundCounted(params: AttackInput['params']): boolean {
  return readParams([BACKGROUND_PARAM], params).background === 'counted';
}

/** The rows counted with sizes read (`sizes`) or not, background crossings counted or stripped. */
export function payloadRows(
  input: Pick<AttackInput, 'users' | 'obs' | 'payloadSizes'>,
  sizes: boolean,
  background = true,
): WireRows {
  const { obs, users } = input;
  const laws = sizes ? input.payloadSizes : undefined;
  const dep = laws && laws.departure.samples > 0 ? laws.departure : null;
  const arr = laws && laws.arrival.samples > 0 ? laws.arrival : null;
  return {
    send: dep ? (j) => obs.from[j] < users && dep.seen(obs.bytes[j]) : (j) => obs.from[j] < users,
    delivery: arr ? (j) => obs.to[j] < users && arr.seen(obs.bytes[j]) : (j) => obs.to[j] < users,
    sendBytes: !background ? () => false : dep ? (b) => dep.seen(b) : () => true,
    deliveryBytes: !background ? () => false : arr ? (b) => arr.seen(b) : () => true,
    sizeAware: dep !== null || arr !== null,
  };
}

/**
 * The `sizes` parameter with the attack's own wording: one default (the observer reads sizes) for
 * every attack that offers it (timing words it for size changes, the windowed attacks for rows).
 */
export function sizesParam(description: string, source: string) {
  return bool('sizes', { default: true, description, source });
}

export const SIZES_PARAM = sizesParam(
  'read packet sizes as a protocol-aware observer does: a row from (to) a device whose size no payload departure ' +
    "(arrival) had in the size laws — an ack, poll, push, typing notification — is not a candidate send behind a delivery's " +
    'timing (not a receipt trigger); false: the size-blind observer, for comparison (padding is the countermeasure). ' +
    'The windowed series count every row either way',
  "every party and wire observer reads sizes and directions, as for the timing attack's sizes (DeepCorr, Nasr et al., " +
    'CCS 2018); the size-blind count took acks and polls for sends (docs/attacks-flow-disclosure.md)',
);

export const BACKGROUND_PARAM = oneOf('background', ['counted', 'stripped'], {
  default: 'counted',
  description:
    "the view's background traffic (keepalives, empty polls, PINGs, /sync long-polls: periodic flows): 'counted' — " +
    'its crossings are rows like any other, candidate sends and deliveries unless `sizes` rules them out; ' +
    "'stripped' — the observer has fitted every periodic flow and removed it (exact here: simulated flows have no jitter, " +
    'so this is an upper bound on what fitting gives)',
  source:
    'the flow attacks as published count every packet (Levine et al., FC 2004; DeepCorr, Nasr et al., CCS 2018); ' +
    'stripping is the stronger observer a real one approaches with enough observation (docs/attacks.md#background-traffic)',
});

const WIRE_PARAMS = [SIZES_PARAM, BACKGROUND_PARAM];
