/**
 * Signal: a centralised star. Every client keeps WebSockets to one logical service
 * (chat.signal.org); a 1:1 message is one upload (sealed sender: the service reads the
 * destination account and the sender's IP, not the sender's account) and one push of the
 * envelope down the recipient's authenticated socket. Groups are one multi-recipient upload
 * that the service fans out. Offline mobile devices are woken through FCM/APNs, then connect
 * and drain their queue; offline desktops drain when they next come online.
 * Protocol facts and their primary sources: docs/designs/signal.md.
 *
 * Identifier numbering (`obj`): group g → g (the multi-recipient set is the group minus its
 * sender); platform push token of user u → groups + u.
 * Row kinds: message (upload, envelope to device), receipt (delivery and read receipts, msg =
 * the original message), ack (HTTP/WebSocket 200 responses), push (service → FCM/APNs →
 * device), fetch (a woken or returning device opening its authenticated socket to drain).
 *
 * Parts: params.ts (parameters and their checks); this file holds the model, one closure under
 * 600 lines (the larger designs split theirs: docs/architecture.md, Designs).
 */
import { MS } from '../../core/time.js';
import { Role } from '../../net/hosts.js';
import { type HopIds, Kind, type KindId } from '../../net/log.js';
import { isOnline, nextOnline } from '../../workload/generate.js';
import { Platform } from '../../workload/types.js';
import { connectionPhase, feedWorkload, padTo } from '../common.js';
import { afterHoldOf, withCountermeasures } from '../countermeasures.js';
import type { BuiltDesign, DesignContext, DesignModule } from '../design.js';
import { ScratchIds } from '../parts/ids.js';
import { Mailboxes } from '../parts/mailbox.js';
import { PushChain } from '../parts/push.js';
import { checkSignal, PARAMS, type SignalParams } from './params.js';

/** Bytes of control frames: HTTP/WebSocket 200 responses and acks, a push wake-up, a socket (re)open. [assumption] */
const ACK_BYTES = 64;
const PUSH_BYTES = 256;
const FETCH_BYTES = 600;
/** Plaintext of a receipt Content (type + timestamps) before padding. [assumption] */
const RECEIPT_PLAINTEXT = 20;
/**
 * A SentTranscript repeats the message and adds, per recipient, its service id and sealed-sender
 * status (≈ 60 B); a read sync names the sender and timestamp of what was read (≈ 60 B). [assumption]
 */
const SYNC_PER_RECIPIENT = 60;
const READ_SYNC_PLAINTEXT = 60;
/** Signal Desktop batches its delivery receipts for up to 500 ms (signalapp/Signal-Desktop ts/background.ts deliveryReceiptBatcher, wait: 500). */
const LINKED_RECEIPT_WAIT = 500 * MS;

export const signal: DesignModule = withCountermeasures({
  id: 'signal',
  summary: 'Signal: one central service, sealed sender, server fan-out for groups, FCM/APNs wake-ups',
  params: PARAMS,
  processing: {
    default: 'uniform(1ms, 10ms)',
    source: '[assumption] 1–10 ms of processing and queueing at a relay or server; no published measurement',
  },
  check: checkSignal,
  /** The one service. */
  infraHosts: () => 1,
  build: buildSignal,
});

function buildSignal(ctx: DesignContext, p: SignalParams): BuiltDesign {
  const { sim, net, hosts, workload: w } = ctx;
  const log = net.log;
  const U = w.users;
  const G = w.groupStart.length - 1;
  const sealed = p.sealedSender;
  const receipts = p.deliveryReceipts;
  const readReceipts = p.readReceipts;
  const readDelay = p.readDelay;
  const receiptDelay = p.receiptDelay;
  const block = p.paddingBlock;
  const overhead = p.envelopeOverhead;
  const groupKey = p.groupKeyBytes;
  const pushLatency = p.pushLatency;
  const end = ctx.duration;

  hosts.shareUserIps(p.usersPerIp);
  const service = hosts.add(Role.server, 'signal-service');
  const fcm = hosts.add(Role.push, 'fcm');
  const apns = hosts.add(Role.push, 'apns');

  // Linked devices: one Bernoulli draw per account in id order (so u's draw does not depend on
  // U); each linked device is a user-role host after the infrastructure, with its own address.
  const linkedOf = new Int32Array(U).fill(-1);
  const firstLinked = hosts.count;
  const ownerOfLinked: number[] = [];
  const linkRng = ctx.streams.stream('linked-devices');
  const linkedFraction = p.linkedDevices;
  for (let u = 0; u < U; u++) {
    if (linkRng() < linkedFraction) {
      linkedOf[u] = hosts.add(Role.user, `linked-${u}`);
      ownerOfLinked.push(u);
    }
  }
  /** The account a device host belongs to (primary devices: host id = user id). */
  const ownerOf = (h: number): number => (h < U ? h : ownerOfLinked[h - firstLinked]);
  /** Devices of account u: every message, receipt or sync to u carries one sealed body per device. */
  const devicesOf = (u: number): number => (linkedOf[u] >= 0 ? 2 : 1);

  const procRng = ctx.streams.stream('service/processing');
  const pushRng = ctx.streams.stream('push/latency');
  const readRng: (() => number)[] = new Array(U);
  const receiptRng: (() => number)[] = new Array(hosts.count);
  const proc = ctx.processing;

  /** Actual send time of each message (replies may leave later than the workload's nominal time). */
  const tSend = new Float64Array(w.count);
  const receiptBytes = padTo(RECEIPT_PLAINTEXT, block) + overhead;
  const readSyncBytes = padTo(READ_SYNC_PLAINTEXT, block) + overhead;

  // One scratch ids object (parts/ids.ts); vis is always both sides here.
  const ids = new ScratchIds();
  const setIds = (s: number, r: number, o: number): HopIds => ids.set(s, r, o);

  const contentBytes = (m: number): number => padTo(w.size[m], block) + overhead;
  /** Bytes of the copy of a stored payload that goes down to one device. */
  const copyBytes = (storeRow: number): number => {
    const kind = log.kind[storeRow];
    if (kind === Kind.receipt) return receiptBytes;
    if (kind === Kind.sync) return log.bytes[storeRow]; // one body: the sender's only other device
    const m = log.msg[storeRow];
    return contentBytes(m) + (w.group[m] >= 0 ? groupKey : 0);
  };
  /** Only a primary phone gets platform pushes; a linked Desktop or iPad waits for its own socket. */
  const isMobile = (h: number): boolean => h < U && w.platform[h] !== Platform.desktop;

  // --- device side ---------------------------------------------------------------------------

  const onDevice = (row: number): void => {
    const h = log.to[row];
    const m = log.msg[row];
    // The client answers the service's PUT /api/v1/message with a 200 on its authenticated socket.
    net.hop(h, service, ACK_BYTES, Kind.ack, -1, -1, undefined, null);
    if (log.kind[row] !== Kind.message) return;
    if (h >= U) {
      // A linked device: no delivery of record (the phone's copy is), but its own delivery
      // receipt, batched; the user reads (and read-receipts) on the phone.
      if (!receipts) return;
      const hold =
        LINKED_RECEIPT_WAIT +
        (receiptDelay.mean > 0
          ? Math.round(
              receiptDelay.sample((receiptRng[h] ??= ctx.streams.stream(`linked/${ownerOf(h)}/receipt-delay`))),
            )
          : 0);
      const t = nextOnline(w, ownerOf(h), sim.now + hold);
      if (t < end) sim.at(t, onDelayedReceipt, row);
      return;
    }
    const u = h;
    net.deliver(m, w.sender[m], u, w.group[m], tSend[m], row);
    if (receipts) {
      if (receiptDelay.mean > 0) {
        const rng = (receiptRng[u] ??= ctx.streams.stream(`user/${u}/receipt-delay`));
        const t = nextOnline(w, u, sim.now + Math.round(receiptDelay.sample(rng)));
        if (t < end) sim.at(t, onDelayedReceipt, row);
      } else sendReceipt(u, m);
    }
    if (readReceipts) {
      const rng = (readRng[u] ??= ctx.streams.stream(`user/${u}/read`));
      const t = nextOnline(w, u, sim.now) + Math.round(readDelay.sample(rng));
      if (t < end) sim.at(t, onRead, row);
    }
  };

  /** A delayed (or batched) delivery receipt for the payload that `deliveryRow` handed over. */
  const onDelayedReceipt = (deliveryRow: number): void => sendReceipt(log.to[deliveryRow], log.msg[deliveryRow]);

  /** The user reads on the phone: a read receipt to the sender, and a read sync to its own linked device. */
  const onRead = (deliveryRow: number): void => {
    const u = log.to[deliveryRow];
    sendReceipt(u, log.msg[deliveryRow]);
    if (linkedOf[u] >= 0)
      atService(net.hop(u, service, readSyncBytes, Kind.sync, -1, log.msg[deliveryRow], setIds(u, u, -1), null));
  };

  /** A receipt is a sealed 1:1 message from a device of the recipient to the original sender's devices. */
  const sendReceipt = (from: number, m: number): void => {
    const s = w.sender[m];
    atService(
      net.hop(
        from,
        service,
        receiptBytes * devicesOf(s),
        Kind.receipt,
        -1,
        m,
        setIds(sealed ? -1 : ownerOf(from), s, -1),
        null,
      ),
    );
  };

  /**
   * Per device host: payloads stored at the service while the device was not connected, handed
   * over when it opens its socket (back online before the run's end, or woken by a push).
   */
  const mail = new Mailboxes(sim, w, {
    devices: hosts.count,
    ownerOf,
    horizon: end,
    // Device h opens its authenticated socket; the service then drains everything stored for it.
    // The socket is authenticated, but the drained rows name the account anyway; the open itself carries no ids.
    open: (h) => {
      const row = net.hop(h, service, FETCH_BYTES, Kind.fetch, -1, -1, undefined, null);
      sim.after(log.tRx[row], proc.sample(procRng), mail.drain, h);
    },
    hand: (h, storeRow) => toDevice(h, storeRow),
  });

  /** Service → FCM/APNs → phone: the push names the account's token (object G + u), no payload. */
  const pushes = new PushChain(sim, net, w, {
    fcm,
    apns,
    latency: pushLatency,
    rng: pushRng,
    userOf: (row) => log.obj[row] - G,
    deviceBytes: PUSH_BYTES,
    deviceIds: (u) => setIds(-1, -1, G + u),
    onDevice: (row) => mail.wake(log.to[row]),
  });

  /**
   * The service's 200 reached a sender with a linked device: it sends the SentTranscript, an
   * identified message to its own account (sender and recipient account readable by the service).
   */
  const onSendAck = (ackRow: number): void => {
    const up = log.prev[ackRow];
    const s = log.to[ackRow];
    const m = log.msg[up];
    const g = w.group[m];
    const listed = g < 0 ? 1 : w.groupStart[g + 1] - w.groupStart[g] - 1;
    const bytes = padTo(w.size[m] + SYNC_PER_RECIPIENT * listed, block) + overhead;
    atService(net.hop(s, service, bytes, Kind.sync, -1, m, setIds(s, s, -1), null));
  };

  // --- service side --------------------------------------------------------------------------

  // Arrival and processing at a party are one event: it acts at tRx + its processing delay.
  const atService = (row: number): void => {
    sim.after(log.tRx[row], proc.sample(procRng), forward, row);
  };

  const afterHold = afterHoldOf(sim, ctx.mix, ctx.streams.stream('service/mixing'));
  const forward = (row: number): void => {
    // 200 response to the PUT /v1/messages (or /multi_recipient) on the sending socket; a sender
    // with a linked device sends its sync transcript when the 200 of a message upload arrives.
    const from = log.from[row];
    const syncs = from < U && linkedOf[from] >= 0 && log.kind[row] === Kind.message;
    net.hop(service, from, ACK_BYTES, Kind.ack, row, -1, undefined, syncs ? onSendAck : null);
    afterHold(dispatch, row);
  };

  /** Routes the payload that arrived via `row` to its recipients' devices (after any mixing hold). */
  const dispatch = (row: number): void => {
    const from = log.from[row];
    const m = log.msg[row];
    const kind = log.kind[row];
    if (kind === Kind.sync) {
      // Addressed to the sender's own account: every device but the one that sent it.
      routeAccount(ownerOf(from), row, from);
      return;
    }
    if (kind === Kind.receipt) {
      routeAccount(w.sender[m], row, -1);
      return;
    }
    const g = w.group[m];
    if (g < 0) {
      routeAccount(w.recipient[m], row, -1);
      return;
    }
    for (let k = w.groupStart[g]; k < w.groupStart[g + 1]; k++) {
      const member = w.groupMembers[k];
      if (member !== from) routeAccount(member, row, -1);
    }
  };

  /** Routes a stored payload to every device of account u except `except`: the phone first, then its linked device. */
  const routeAccount = (u: number, storeRow: number, except: number): void => {
    if (u !== except) route(u, storeRow);
    const l = linkedOf[u];
    if (l >= 0 && l !== except) route(l, storeRow);
  };

  /** Sends a stored payload to device h now if its socket is open, else stores it and wakes or waits for the device. */
  const route = (h: number, storeRow: number): void => {
    const u = ownerOf(h);
    if (isOnline(w, u, sim.now)) {
      toDevice(h, storeRow);
      return;
    }
    mail.store(h, storeRow);
    // MessageSender: no active connection → sendNewMessageNotification (no payload in the push).
    if (isMobile(h)) pushes.send(service, u, PUSH_BYTES, storeRow, log.msg[storeRow], setIds(-1, -1, G + u));
    mail.expectReconnect(h);
  };

  const toDevice = (h: number, storeRow: number): void => {
    net.hop(
      service,
      h,
      copyBytes(storeRow),
      log.kind[storeRow] as KindId,
      storeRow,
      log.msg[storeRow],
      setIds(log.sAcct[storeRow], ownerOf(h), -1),
      onDevice,
    );
  };

  // --- sending -------------------------------------------------------------------------------

  const send = (m: number): void => {
    tSend[m] = sim.now;
    const s = w.sender[m];
    const g = w.group[m];
    if (g < 0) {
      const r = w.recipient[m];
      const bytes = contentBytes(m) * devicesOf(r);
      atService(net.hop(s, service, bytes, Kind.message, -1, m, setIds(sealed ? -1 : s, r, -1), null));
      return;
    }
    // One multi-recipient upload: shared ciphertext + key material for each other member's devices.
    let others = 0;
    for (let k = w.groupStart[g]; k < w.groupStart[g + 1]; k++) {
      const member = w.groupMembers[k];
      if (member !== s) others += devicesOf(member);
    }
    const bytes = contentBytes(m) + groupKey * others;
    atService(net.hop(s, service, bytes, Kind.message, -1, m, setIds(sealed ? -1 : s, -1, g), null));
  };

  feedWorkload(ctx, send);

  // Keepalives on the open socket, one flow per online interval of each device (mobile apps in
  // the background hold no Signal socket; they rely on the platform push channel). A linked
  // device keeps its own socket in its owner's online intervals.
  const period = p.keepaliveInterval;
  const kaBytes = p.keepaliveBytes;
  const keepalives = (h: number): void => {
    const u = ownerOf(h);
    for (let k = w.onIdx[u]; k < w.onIdx[u + 1]; k++) {
      const start = w.onStart[k];
      const stop = Math.min(w.onEnd[k], end);
      if (stop <= start) continue;
      net.periodic.add({
        path: Int32Array.of(h, service),
        period,
        phase: connectionPhase(ctx, h, start, period),
        start,
        end: stop,
        bytesPerLink: kaBytes,
        kind: Kind.keepalive,
      });
    }
  };
  for (let u = 0; u < U; u++) keepalives(u);
  for (let u = 0; u < U; u++) if (linkedOf[u] >= 0) keepalives(linkedOf[u]);

  // The multi-recipient upload names every recipient's account (its object id is the group).
  return {
    infra: [service],
    central: service,
    realWorldIdentifier: 1,
    pushHosts: [fcm, apns],
    groupMembersReadable: true,
  };
}
