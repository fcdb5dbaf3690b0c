/**
 * Signal's scenario parameters (defaults with their sources) and the checks across them.
 * Protocol facts with their primary sources: docs/designs/signal.md.
 */
import { bool, dist, duration, fraction, int, type ParamsOf } from '../../params/typed.js';
import type { ParamProblem } from '../design.js';

export const PARAMS = [
  bool('sealedSender', {
    default: true,
    description:
      'Sealed sender for 1:1 messages, receipts and group sends: the service reads the destination account but not the sender account (false: identified sends, the sender account is on every upload and delivery)',
    source:
      'https://signal.org/blog/sealed-sender/; signalapp/Signal-Server textsecuregcm/controllers/MessageController.java (a send authorised by an Unidentified-Access-Key carries no sender account)',
  }),
  bool('deliveryReceipts', {
    default: true,
    description:
      'Automatic delivery receipt from the recipient device immediately on delivery (sealed, non-urgent), to the original sender',
    source:
      'Martiny et al., "Improving Signal\'s Sealed Sender", NDSS 2021 (delivery receipts are automatic, immediate and cannot be turned off)',
  }),
  dist('receiptDelay', {
    default: '0s',
    description:
      'Random hold before the delivery receipt leaves the recipient device (countermeasure; 0s = at once, as deployed). Unlinks the receipt from the delivery in time (Martiny et al. suggest delaying or batching receipts)',
    source: 'countermeasure, off in the deployed protocol; Martiny et al., NDSS 2021 §8 (mitigations)',
  }),
  bool('readReceipts', {
    default: true,
    description:
      'Read receipt to the original sender when the recipient reads the message (readDelay after it is on screen)',
    source: '[assumption] read receipts are on in a new Signal install (app setting; not verified in code)',
  }),
  dist('readDelay', {
    default: 'exp(30s)',
    description:
      'Time from delivery (or from the recipient next coming online, if it was offline) until the user reads the message and the read receipt leaves',
    source: '[assumption] an online user reads a new message within about half a minute; no published distribution',
  }),
  int('usersPerIp', {
    default: 1,
    unit: 'users',
    min: 1,
    description: 'Consecutive users behind one NAT address (the service sees the address, not the device)',
    source:
      '[assumption] 1 = every device has its own address; carrier-grade NAT puts many users behind one (scenarios/sealed-sender-receipts.yaml uses 50)',
  }),
  int('paddingBlock', {
    default: 160,
    unit: 'bytes',
    min: 1,
    description: 'Content padded to a multiple of this (0x80 terminator) before encryption',
    source:
      'signalapp/Signal-Desktop ts/textsecure/OutgoingMessage.ts (padMessage: 160-byte blocks after a 0x80 terminator); iOS clients are said to pad to 80 B [unverified]',
  }),
  int('envelopeOverhead', {
    default: 300,
    unit: 'bytes',
    min: 0,
    description: 'Envelope, ratchet, sealed-sender and framing bytes added to the padded content',
    source: '[assumption] 100–400 B of envelope, ratchet header, sealed-sender certificate and framing; 300 taken',
  }),
  int('groupKeyBytes', {
    default: 70,
    unit: 'bytes',
    min: 0,
    description:
      'Per-recipient bytes in a multi-recipient upload (service id, device and registration id, per-recipient key material); each fanned-out copy carries its own share',
    source:
      'signalapp/libsignal rust/protocol/src/sealed_sender.rs (SealedSenderMultiRecipientMessage: per-recipient key material and one shared ciphertext); size [assumption]',
  }),
  duration('keepaliveInterval', {
    default: '55s',
    min: 0,
    minExclusive: true,
    description: 'WebSocket keepalive period while the app is online (periodic flow device ↔ service)',
    source: 'signalapp/Signal-Desktop ts/textsecure/WebsocketResources.ts (KEEPALIVE_INTERVAL_MS = 55000)',
  }),
  int('keepaliveBytes', {
    default: 130,
    unit: 'bytes',
    min: 0,
    description:
      'Bytes of one keepalive exchange (GET /v1/keepalive and its 200 response, with TLS and WebSocket framing)',
    source:
      '[assumption] a small HTTP-style request and response in WebSocket and TLS frames, about 130 B; not measured',
  }),
  fraction('linkedDevices', {
    default: 0.3,
    unit: 'fraction of users',
    description:
      'Fraction of users with a linked device (Signal Desktop or iPad) besides the phone. Their every send is followed by an identified sync transcript to their own account (the service reads the sender account), their read receipts by an identified read sync; messages and receipts to them go to both devices, and the linked device acks, sends its own (batched) delivery receipts, keeps its own socket and drains what it missed when it reconnects',
    source:
      '[assumption] Signal publishes no figure; 0.3 takes linked desktops and tablets to be a minority, and scenarios/sealed-sender-receipts.yaml measures 0 and 1 too. Behaviour: signalapp/Signal-Android libsignal-service/src/main/java/org/whispersystems/signalservice/api/SignalServiceMessageSender.java (sendContent: after a send whose response says needsSync, a SentTranscript to the own account with SealedSenderAccess.NONE); signalapp/Signal-Android app/src/main/java/org/thoughtcrime/securesms/jobs/MultiDeviceReadUpdateJob.java (read syncs)',
  }),
  dist('pushLatency', {
    default: 'uniform(0.5s, 3s)',
    description: 'Time a wake-up push spends inside FCM/APNs before it reaches the device',
    source: '[assumption] FCM and APNs deliver in seconds, variably; no published distribution',
  }),
];

export type SignalParams = ParamsOf<typeof PARAMS>;

/** Problems across parameters (ranges the specs cannot state, and combinations). */
export function checkSignal(p: SignalParams, users: number): ParamProblem[] {
  const out: ParamProblem[] = [];
  if (p.usersPerIp > users)
    out.push({
      param: 'usersPerIp',
      message: `usersPerIp ${p.usersPerIp} exceeds the ${users} users; lower it to at most workload.users`,
      expected: `integer in 1..${users}`,
    });
  return out;
}
