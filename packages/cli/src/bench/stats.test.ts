// Statistics used by the benchmark report: medians, quartiles, spread, geomean and ratios,
// including the cases where a reference is missing (undefined, never a guessed number).
import { describe, expect, it } from 'vitest';
import { geomean, geomeanOfRatios, median, mips, quantile, relativeSpread, speedRatio, summarize } from './stats.js';

describe('median and quantiles', () => {
  it('takes the middle value of an odd sample and the mean of the middle pair of an even one', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeUndefined();
  });
  it('interpolates quartiles between ranks', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75);
    expect(quantile([10, 20], 1)).toBe(20);
    expect(() => quantile([], 0.5)).toThrow(RangeError);
  });
  it('summarizes count, median, min, max and quartiles without reordering the input', () => {
    const input = [9, 1, 5, 3, 7];
    expect(summarize(input)).toEqual({ count: 5, median: 5, min: 1, max: 9, q1: 3, q3: 7 });
    expect(input).toEqual([9, 1, 5, 3, 7]);
    expect(summarize([])).toBeUndefined();
  });
  it('measures spread relative to the median', () => {
    expect(relativeSpread(summarize([90, 100, 110])!)).toBeCloseTo(0.2);
  });
});

describe('geomean and ratios', () => {
  it('computes the geometric mean of positive values', () => {
    expect(geomean([1, 4])).toBeCloseTo(2);
    expect(geomean([2, 8, 4])).toBeCloseTo(4);
  });
  it('skips missing, zero and non-finite values and is undefined with nothing left', () => {
    expect(geomean([undefined, 9, 1, 0, Number.NaN])).toBeCloseTo(3);
    expect(geomean([undefined, undefined])).toBeUndefined();
    expect(geomean([])).toBeUndefined();
  });
  it('speed ratio is reference time over subject time', () => {
    expect(speedRatio(200, 100)).toBe(2);
    expect(speedRatio(100, 400)).toBe(0.25);
  });
  it('speed ratio is undefined when either side is missing or not positive', () => {
    expect(speedRatio(undefined, 100)).toBeUndefined();
    expect(speedRatio(100, undefined)).toBeUndefined();
    expect(speedRatio(0, 100)).toBeUndefined();
    expect(speedRatio(100, 0)).toBeUndefined();
  });
  it('geomean of a ratio column counts the rows it had to leave out', () => {
    expect(geomeanOfRatios([2, undefined, 8])).toEqual({ value: expect.closeTo(4, 10) as number, used: 2, missing: 1 });
    expect(geomeanOfRatios([undefined])).toEqual({ value: undefined, used: 0, missing: 1 });
  });
  it('MIPS is instructions per microsecond', () => {
    expect(mips(5_000_000, 100)).toBe(50);
    expect(mips(undefined, 100)).toBeUndefined();
    expect(mips(100, 0)).toBeUndefined();
  });
});
