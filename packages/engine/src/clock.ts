// Milliseconds on the monotonic clock for timing slices and runs, read through process.hrtime:
// the global `performance` loads Node's perf_hooks on first use (~1.5-6 ms, a noticeable share of
// a short run's start-up). Invariant: same clock and unit as performance.now(), other origin.
export function nowMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}
