/**
 * Matrix's scenario parameters (defaults with their sources) and the checks across them.
 * Protocol facts with their primary sources: docs/designs/matrix.md.
 */
import { bool, dist, duration, fraction, int, num, oneOf, type ParamsOf } from '../../params/typed.js';
import type { ParamProblem } from '../design.js';

const SPEC = 'matrix-org/matrix-spec';

export const PARAMS = [
  int('homeservers', {
    default: 50,
    unit: 'servers',
    min: 1,
    description: 'Homeservers users are registered on (a server with no users exists but takes part in no room)',
    source:
      '[assumption] enough servers that a uniform placement spreads users thinly; no census of homeservers by user count exists',
  }),
  oneOf('placement', ['uniform', 'zipf'], {
    default: 'uniform',
    description:
      "How users pick a homeserver, i.i.d.: uniform, or zipf (rank k with weight 1/(k+1)^zipfExponent: one big server like matrix.org, Element's default, dominates)",
    source:
      "[assumption] uniform is the neutral placement (test/validation/matrix-exposure.test.ts checks it against the closed form); zipf models one dominant server, as matrix.org is Element's default homeserver [not code-verified]",
  }),
  num('zipfExponent', {
    default: 1,
    min: 0,
    description: 'Exponent s of the zipf placement',
    source: '[assumption] s = 1, the classic zipf law; no measured distribution of users over homeservers',
  }),
  fraction('threepidFraction', {
    default: 0.5,
    description:
      'Fraction of accounts registered with an e-mail address or phone number (a 3PID) — the real-world identifier',
    source:
      '[assumption] no published share; 0.5 as a midpoint (matrix.org asks for an e-mail at sign-up, other servers vary). An input, not a measurement: exposure.csv marks the vector it sets as source = input',
  }),
  bool('readReceipts', {
    default: true,
    description: 'Public m.read receipt when a member reads an event, federated to every homeserver in the room',
    source: `${SPEC} content/client-server-api/modules/receipts.md (m.read is federated; m.read.private is optional)`,
  }),
  dist('readDelay', {
    default: 'exp(30s)',
    description:
      'Time from delivery (or from the member next coming online, if it was offline) until the member reads the event',
    source: '[assumption] an online user reads a new message within about half a minute; no published distribution',
  }),
  bool('typingNotifications', {
    default: true,
    description:
      'm.typing EDU (typing: true) from the sender typingLead before each message, to every homeserver in the room; the typing: false on send rides in the same transaction as the event',
    source: `${SPEC} data/api/client-server/typing.yaml (timeout 30000 ms); clients send typing notifications by default [assumption]`,
  }),
  dist('typingLead', {
    default: 'uniform(2s, 15s)',
    description: 'How long before a message its sender starts typing (start of the m.typing notification)',
    source: '[assumption] a short message takes seconds to type',
  }),
  int('megolmRotation', {
    default: 100,
    unit: 'messages',
    min: 0,
    description:
      'A sender starts a new Megolm session in a room every this many messages and shares the key with every other member (to-device m.room_key); the count starts at a random phase; 0 = no key shares',
    source: `${SPEC} data/event-schemas/schema/m.room.encryption.yaml (rotation_period_msgs = 100)`,
  }),
  duration('syncTimeout', {
    default: '30s',
    min: 0,
    minExclusive: true,
    description: 'Timeout of the idle /sync long-poll an online client keeps open (periodic flow device ↔ homeserver)',
    source: 'matrix-org/matrix-js-sdk src/sync.ts (pollTimeout = 30 s)',
  }),
  bool('push', {
    default: true,
    description:
      'Events for an offline mobile (android/ios) member go homeserver → push gateway (Sygnal) → FCM/APNs → device, which wakes and syncs',
    source: `element-hq/element-x-android (FirebaseConfig PUSHER_HTTP_URL: the matrix.org Sygnal gateway); ${SPEC} data/api/push-gateway/push_notifier.yaml (event_id_only format)`,
  }),
  dist('pushLatency', {
    default: 'uniform(0.5s, 3s)',
    description: 'Time a push spends inside FCM/APNs before it reaches the device',
    source: '[assumption] FCM and APNs deliver in seconds, variably; no published distribution',
  }),
  int('eventOverhead', {
    default: 300,
    unit: 'bytes',
    min: 0,
    description:
      'Bytes around the Megolm ciphertext in the client PUT (algorithm, device_id, sender_key, session_id, HTTP framing)',
    source: `${SPEC} content/client-server-api/modules/end_to_end_encryption.md (m.megolm.v1.aes-sha2 content fields); size [assumption]`,
  }),
  int('pduOverhead', {
    default: 700,
    unit: 'bytes',
    min: 0,
    description:
      'Bytes around the ciphertext in a federated PDU (sender, room_id, event_id, origin_server_ts, prev/auth events, depth, hashes, signatures, transaction framing)',
    source: `${SPEC} data/api/server-server/definitions/components/pdu_base.yaml (PDU fields); size [assumption]`,
  }),
  int('paddingBlock', {
    default: 0,
    unit: 'bytes',
    min: 0,
    description:
      'Pad the event plaintext to a multiple of this before Megolm encryption, so ciphertext sizes no longer track message length (countermeasure; 0 = no padding, as deployed: Megolm hides length only to 16 bytes)',
    source: `countermeasure, off in the deployed protocol: Megolm is AES-CBC with no length padding (${SPEC} content/client-server-api/modules/end_to_end_encryption.md); Signal pads to 160 B (docs/designs/signal.md)`,
  }),
  bool('padAll', {
    default: false,
    description:
      'Pad every transmission (uploads, federation, /sync, typing and receipt EDUs, to-device key shares, pushes, acks, idle syncs) to a multiple of paddingBlock instead of padding only the event plaintext, so every kind of traffic below the block has one size on the wire (countermeasure; needs paddingBlock > 0)',
    source:
      'countermeasure, off in the deployed protocol; constant-size transmissions as in SimpleX (16 KB blocks) and mixnets (Sphinx)',
  }),
];

export type MatrixParams = ParamsOf<typeof PARAMS>;

/** Problems across parameters (combinations; each value's own range is its spec's). */
export function checkMatrix(p: MatrixParams): ParamProblem[] {
  const out: ParamProblem[] = [];
  if (p.padAll && !(p.paddingBlock > 0))
    out.push({
      param: 'padAll',
      message: 'padAll pads to paddingBlock, which is 0; set paddingBlock (e.g. 4096) or padAll: false',
      expected: 'paddingBlock > 0 with padAll: true',
    });
  return out;
}
