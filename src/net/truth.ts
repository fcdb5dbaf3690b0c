/**
 * Ground truth of application deliveries: one row per (message, recipient copy) that reached
 * the recipient's device. Only metrics and tests read it; adversaries never do.
 */
export class GroundTruth {
  length = 0;
  msg = new Int32Array(1024);
  sender = new Int32Array(1024);
  recipient = new Int32Array(1024);
  group = new Int32Array(1024);
  tSend = new Float64Array(1024);
  tDeliver = new Float64Array(1024);
  /** Log row of the hop that handed the payload to the recipient's device. */
  finalRow = new Int32Array(1024);

  record(
    msg: number,
    sender: number,
    recipient: number,
    group: number,
    tSend: number,
    tDeliver: number,
    finalRow: number,
  ): number {
    if (this.length === this.msg.length) this.grow();
    const i = this.length++;
    this.msg[i] = msg;
    this.sender[i] = sender;
    this.recipient[i] = recipient;
    this.group[i] = group;
    this.tSend[i] = tSend;
    this.tDeliver[i] = tDeliver;
    this.finalRow[i] = finalRow;
    return i;
  }

  private grow(): void {
    const n = this.msg.length * 2;
    const gi = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    const gf = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.msg = gi(this.msg);
    this.sender = gi(this.sender);
    this.recipient = gi(this.recipient);
    this.group = gi(this.group);
    this.finalRow = gi(this.finalRow);
    this.tSend = gf(this.tSend);
    this.tDeliver = gf(this.tDeliver);
  }
}
