// The host clock and blocking sleep the time calls and futex timeouts share (a leaf module: the
// kernel's parts import it without importing each other).

export const monotonicNs = (): bigint => process.hrtime.bigint();

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Block the thread for ns nanoseconds. */
export function sleepNs(ns: bigint): void {
  let remaining = ns;
  while (remaining > 0n) {
    const start = monotonicNs();
    const ms = Number(remaining / 1_000_000n);
    if (ms >= 1) Atomics.wait(sleeper, 0, 0, Math.min(ms, 1 << 30));
    else while (monotonicNs() - start < remaining); // sub-millisecond: spin
    remaining -= monotonicNs() - start;
  }
}
