import { type HopIds, VIS_RX, VIS_TX } from '../../net/log.js';

/**
 * One scratch `HopIds` per design: `Net.hop` (log.append) copies the fields at once, so a design
 * fills this one object for every hop instead of allocating one per hop. Never keep the object.
 */
export class ScratchIds {
  private readonly ids: HopIds = { sAcct: -1, rAcct: -1, obj: -1, vis: VIS_RX | VIS_TX };

  /** The scratch ids, filled: sender account, recipient account, object, and who reads them. */
  set(sAcct: number, rAcct: number, obj: number, vis: number = VIS_RX | VIS_TX): HopIds {
    const ids = this.ids;
    ids.sAcct = sAcct;
    ids.rAcct = rAcct;
    ids.obj = obj;
    ids.vis = vis;
    return ids;
  }
}
