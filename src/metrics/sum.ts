/**
 * Mean over many targets: compensated (Neumaier) summation of deviations from the first
 * value. The error stays at a few ulps instead of growing with the count, and when every value
 * is equal (e.g. no information: top1 = 1/N for every target) the mean is that value exactly,
 * which docs/metrics.md requires ("top1 = 1/users exactly").
 */
export class Mean {
  private n = 0;
  private shift = 0;
  private s = 0;
  private c = 0;

  add(x: number): void {
    if (this.n++ === 0) {
      this.shift = x;
      return;
    }
    const d = x - this.shift;
    const t = this.s + d;
    if (Math.abs(this.s) >= Math.abs(d)) this.c += this.s - t + d;
    else this.c += d - t + this.s;
    this.s = t;
  }

  /** NaN when empty. */
  get value(): number {
    return this.n === 0 ? Number.NaN : this.shift + (this.s + this.c) / this.n;
  }
}
