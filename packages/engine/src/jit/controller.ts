// The adaptive tiering controller (ARCHITECTURE.md, "Tiering controller"). It sees samples of
// where time goes and decides, per code address, whether recompiling at a higher tier pays:
//   recompile to tier k when  compileCost(k) + future / speedup(k)  <  future
// where `future` (the time the code will still take at its current tier) is estimated as the time
// it has taken so far, compileCost is the measured compile rate of tier k (ms per guest
// instruction, averaged online from the compile worker's replies) times the code's size, and
// speedup(k) is the ratio of measured guest-instruction rates of the tiers (averaged online from
// the run loop's slices). For T0 the same rule, solved for the number of executions, gives the
// hot-branch threshold the interpreter reports at.

export type JitTier = 'interp' | 'baseline' | 'opt';

/** Exponentially weighted running average, seeded with a prior. */
class Average {
  /** Samples taken so far: none means the value is still the prior. */
  samples = 0;
  constructor(private value: number, private readonly weight = 0.2) {}
  get(): number {
    return this.value;
  }
  add(sample: number): void {
    if (!Number.isFinite(sample) || sample <= 0) return;
    this.value += this.weight * (sample - this.value);
    this.samples++;
  }
}

/** Guest instructions per ms per tier before any measurement (this machine, corpus benchmarks).
 *  Only their ratios matter once one tier is measured. */
const PRIOR_SPEED: Record<JitTier, number> = { interp: 60_000, baseline: 300_000, opt: 900_000 };

export class TieringController {
  /** Guest instructions per ms, per tier (priors measured on this machine, refined online). */
  private readonly speed: Record<JitTier, Average> = {
    interp: new Average(PRIOR_SPEED.interp),
    baseline: new Average(PRIOR_SPEED.baseline),
    opt: new Average(PRIOR_SPEED.opt),
  };
  /** Compile cost in ms per guest instruction, per tier. */
  private readonly compileRate: Record<'baseline' | 'opt', Average> = {
    baseline: new Average(0.08),
    opt: new Average(0.1), // regions written directly (no binaryen): ~8-15 ms for ~120-insn regions
  };
  /** Estimated ms spent so far per translation entry pc, at its current tier. */
  private readonly spent = new Map<bigint, number>();
  decisions = 0;

  /** A slice of execution finished: `insns` guest instructions in `ms`, entered in `tier`. */
  observeSlice(tier: JitTier, insns: number, ms: number): void {
    if (insns > 10_000 && ms > 0.05) this.speed[tier].add(insns / ms);
  }

  observeCompile(tier: 'baseline' | 'opt', guestInsns: number, ms: number): void {
    if (guestInsns > 0) this.compileRate[tier].add(ms / guestInsns);
  }

  /** A budget sample landed in the translation at pc, standing for `ms` of execution. */
  sample(pc: bigint, ms: number): void {
    this.spent.set(pc, (this.spent.get(pc) ?? 0) + ms);
  }

  forget(pc: bigint): void {
    this.spent.delete(pc);
  }

  /** Speed ratio of tier `to` over tier `from` as measured so far. A tier not measured yet is
   *  estimated from the other by the priors' ratio: comparing a measured rate with an absolute
   *  prior would let a program where baseline code runs fast never try the optimizing tier. */
  speedup(from: JitTier, to: JitTier): number {
    const measured = (t: JitTier) => this.speed[t].samples > 0;
    const rate = (t: JitTier, other: JitTier) =>
      measured(t) || !measured(other) ? this.speed[t].get() : this.speed[other].get() * (PRIOR_SPEED[t] / PRIOR_SPEED[other]);
    return rate(to, from) / rate(from, to);
  }

  /** Should code at pc, now at tier `from` and `size` guest instructions, be recompiled at `to`? */
  shouldRecompile(pc: bigint, from: JitTier, to: 'baseline' | 'opt', size: number): boolean {
    const future = this.spent.get(pc) ?? 0;
    const cost = this.compileRate[to].get() * size;
    const gain = future * (1 - 1 / this.speedup(from, to));
    const yes = gain > cost;
    if (yes) this.decisions++;
    return yes;
  }

  /** Executions of a T0 block of `size` instructions after which a baseline compile pays. */
  hotThreshold(size = 8): number {
    const perExecutionMs = size / this.speed.interp.get();
    const saved = perExecutionMs * (1 - 1 / this.speedup('interp', 'baseline'));
    const cost = this.compileRate.baseline.get() * size;
    return Math.max(4, Math.min(60_000, Math.ceil(cost / saved)));
  }

  describe(): string {
    const f = (n: number) => (n / 1000).toFixed(0);
    return `speeds (M insns/s) interp ${f(this.speed.interp.get())}, baseline ${f(this.speed.baseline.get())}, opt ${f(this.speed.opt.get())}; ` +
      `compile ms/insn baseline ${this.compileRate.baseline.get().toFixed(3)}, opt ${this.compileRate.opt.get().toFixed(3)}; ` +
      `hot threshold ${this.hotThreshold()}; ${this.decisions} opt recompilations`;
  }
}
