// Statistics for benchmark repetitions: median, spread (min/max and interquartile range),
// geometric mean, and speed ratios that stay undefined when a side is missing.
// Invariant: nothing here invents a number: an empty sample or a missing reference gives
// undefined, never 0 or 1, so reports print "n/a" instead of a guess.

export interface Summary {
  /** Number of timed repetitions. */
  count: number;
  median: number;
  min: number;
  max: number;
  /** First and third quartiles (linear interpolation between closest ranks). */
  q1: number;
  q3: number;
}

/** Value at fraction `p` (0..1) of an ascending sample, interpolating between neighbours. */
export function quantile(sortedAscending: readonly number[], p: number): number {
  const n = sortedAscending.length;
  if (n === 0) throw new RangeError('quantile of an empty sample');
  const position = (n - 1) * Math.min(1, Math.max(0, p));
  const below = Math.floor(position);
  const above = Math.min(n - 1, below + 1);
  const weight = position - below;
  return sortedAscending[below]! * (1 - weight) + sortedAscending[above]! * weight;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

export function summarize(values: readonly number[]): Summary | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    median: quantile(sorted, 0.5),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
  };
}

/** Spread as a fraction of the median: (max - min) / median. */
export function relativeSpread(summary: Summary): number {
  return summary.median > 0 ? (summary.max - summary.min) / summary.median : 0;
}

/** Geometric mean of the defined, positive, finite values; undefined when there are none. */
export function geomean(values: readonly (number | undefined)[]): number | undefined {
  const usable = values.filter((v): v is number => v !== undefined && Number.isFinite(v) && v > 0);
  if (usable.length === 0) return undefined;
  return Math.exp(usable.reduce((sum, v) => sum + Math.log(v), 0) / usable.length);
}

/** How many times faster the subject is than the reference: referenceMs / subjectMs
 *  (2 = twice as fast, 0.5 = half as fast). Undefined when either time is missing or not positive. */
export function speedRatio(referenceMs: number | undefined, subjectMs: number | undefined): number | undefined {
  if (referenceMs === undefined || subjectMs === undefined) return undefined;
  if (!(referenceMs > 0) || !(subjectMs > 0)) return undefined;
  return referenceMs / subjectMs;
}

/** Geomean of a column of ratios plus how many rows it leaves out (missing on either side). */
export function geomeanOfRatios(ratios: readonly (number | undefined)[]): { value: number | undefined; used: number; missing: number } {
  const used = ratios.filter((r) => r !== undefined && Number.isFinite(r) && r > 0).length;
  return { value: geomean(ratios), used, missing: ratios.length - used };
}

/** Guest instructions per microsecond = millions per second. */
export function mips(instructions: number | undefined, ms: number | undefined): number | undefined {
  if (instructions === undefined || ms === undefined || !(ms > 0)) return undefined;
  return instructions / ms / 1000;
}
