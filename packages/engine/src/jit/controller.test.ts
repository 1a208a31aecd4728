// The tiering controller's decisions from the samples it is fed.
import { describe, expect, it } from 'vitest';
import { TieringController } from './controller.js';

/** Feeds `n` slices of a tier running at `rate` guest instructions per ms. */
function observe(c: TieringController, tier: 'interp' | 'baseline' | 'opt', rate: number, n = 20): void {
  for (let i = 0; i < n; i++) c.observeSlice(tier, rate * 10, 10);
}

describe('TieringController', () => {
  it('recompiles hot baseline code at opt even when baseline measures faster than the opt prior', () => {
    const c = new TieringController();
    observe(c, 'baseline', 1_000_000); // faster than the opt tier's absolute prior
    expect(c.speedup('baseline', 'opt')).toBeGreaterThan(1.5);
    c.sample(0x1000n, 200);
    expect(c.shouldRecompile(0x1000n, 'baseline', 'opt', 200)).toBe(true);
  });

  it('does not recompile once opt measures no faster than baseline', () => {
    const c = new TieringController();
    observe(c, 'baseline', 1_000_000);
    observe(c, 'opt', 900_000);
    expect(c.speedup('baseline', 'opt')).toBeLessThan(1);
    c.sample(0x1000n, 10_000);
    expect(c.shouldRecompile(0x1000n, 'baseline', 'opt', 200)).toBe(false);
  });

  it('waits until the time spent pays for the compile', () => {
    const c = new TieringController();
    c.sample(0x2000n, 0.01);
    expect(c.shouldRecompile(0x2000n, 'baseline', 'opt', 200)).toBe(false);
    c.sample(0x2000n, 1000);
    expect(c.shouldRecompile(0x2000n, 'baseline', 'opt', 200)).toBe(true);
    c.forget(0x2000n);
    expect(c.shouldRecompile(0x2000n, 'baseline', 'opt', 200)).toBe(false);
  });

  it('reports T0 blocks hot sooner when baseline compiles get cheaper', () => {
    const c = new TieringController();
    const before = c.hotThreshold();
    for (let i = 0; i < 30; i++) c.observeCompile('baseline', 100, 1); // 0.01 ms per instruction
    const after = c.hotThreshold();
    expect(after).toBeLessThan(before);
    expect(after).toBeGreaterThanOrEqual(4);
  });
});
