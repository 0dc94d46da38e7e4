// The global byte budget for buffered (out-of-order) segments across all flows, checked where the
// buffers are allocated so the sensor's memory stays bounded whatever the traffic does.
export class ByteBudget {
  used = 0;

  constructor(readonly limit: number) {}

  tryReserve(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used -= bytes;
    if (this.used < 0) this.used = 0;
  }
}
