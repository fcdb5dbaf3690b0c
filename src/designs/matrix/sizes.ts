/** What Matrix's exchanges weigh on the wire (before any padAll padding). */

/** Event JSON the Megolm plaintext wraps around the body (type, content.msgtype, room_id). [assumption] */
export const PLAINTEXT_JSON = 110;
/** Megolm message framing: version, index varint, length, 8-byte MAC, 64-byte ed25519 signature. */
export const MEGOLM_FRAMING = 80;
/** A /sync response carrying one event (event JSON, next_batch, room envelope). [assumption] */
export const SYNC_EVENT_BYTES = 400;
/** Sizes of control exchanges [assumption]: 200 response to a PUT; EDU as PUT, in a transaction, in /sync. */
export const ACK_BYTES = 150;
export const EDU_CLIENT_BYTES = 150;
export const EDU_FED_BYTES = 400;
export const EDU_SYNC_BYTES = 250;
/** An Olm-encrypted m.room_key to-device message (per target device). [assumption] */
export const KEY_SHARE_BYTES = 600;
/** Homeserver → Sygnal notification (event_id_only: event, room, counts, device pushkey); gateway → provider; provider → device. */
export const NOTIFY_BYTES = 600;
export const PUSH_BYTES = 400;
export const WAKE_BYTES = 256;
/** A /sync request (a woken or returning device) and one idle long-poll exchange (request + empty response). */
export const SYNC_REQUEST_BYTES = 400;
export const SYNC_IDLE_BYTES = 700;
