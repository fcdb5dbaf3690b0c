/**
 * What Session's requests carry: framing sizes on the wire and the codes that tell stored items
 * and onion requests apart.
 */

// Framing sizes [assumption]: JSON-RPC wrappers as seen on the wire inside the innermost layer.
/** store request: method, 66-hex pubkey, ttl, timestamp, namespace, signature; data base64 on top. */
export const STORE_RPC_BYTES = 250;
/** store response: per-swarm-member hash and signature. */
export const STORE_RESPONSE_BYTES = 600;
/** retrieve request: pubkey, namespace, last hash, timestamp, signature, ed25519 key. */
export const RETRIEVE_REQUEST_BYTES = 400;
/** retrieve response without messages ({"messages": [], "more": false} + network time, hardfork). */
export const RETRIEVE_EMPTY_BYTES = 100;
/** per returned message: hash, expiration, timestamp; data base64 on top. */
export const RETRIEVE_ITEM_BYTES = 150;
/** snode → snode replication envelope. */
export const REPLICATE_RPC_BYTES = 100;
/** A sync message's Content names the recipient (syncTarget, 66-hex Session ID). */
export const SYNC_EXTRA = 70;
/** snode → SPNS notification (account, namespace, hash; no body) and a platform push. */
export const NOTIFY_BYTES = 300;
export const PUSH_BYTES = 256;

/** What a stored item is: the recipient's copy, the sender's sync copy, or a group message. */
export const T_MSG = 1;
export const T_SYNC = 2;
export const T_GROUP = 3;
/** What an onion request carries: a store of T_MSG/T_SYNC/T_GROUP (same codes), a retrieve, or its response. */
export const C_POLL = 4;
export const C_PICKUP = 5;

/** Length of n bytes in base64 (padded). */
export const base64 = (n: number): number => Math.ceil(n / 3) * 4;
