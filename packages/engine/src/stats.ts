// Counters a run reports with --stats: guest instructions, exits by kind, transitions (returns to
// the engine's loop: dispatched transfers) and exits served in place (coalesced), transfers that
// chained from translation to translation without returning (when the JIT code counted them),
// system calls by name, code invalidations, wall time.

export interface CompileCounters {
  modules: number;
  functions: number;
  guestInsns: number;
  compileMs: number;
}

export class RunStats {
  constructor(readonly tier: string = 'interp') {}
  instructions = 0n;
  /** Compilation per JIT tier. */
  compile: Record<string, CompileCounters> = {};
  /** Live translations at exit. */
  translations = 0;
  /** The adaptive controller's view at exit. */
  controller = '';
  /** Translations installed before the run (AOT), and the time instantiating and installing took. */
  preloaded: { tier: string; translations: number; ms: number } | undefined = undefined;
  /** Guest instructions and time by the tier each slice was entered in (adaptive tier). */
  perTier: Record<string, { instructions: string; ms: number }> = {};
  wallMs = 0;
  invalidations = 0;
  readonly exits = new Map<string, number>();
  syscalls: ReadonlyMap<string, number> = new Map();
  /** Exits generated code offered the runtime in place and the runtime served (coalesced exits). */
  exitsServedInPlace = 0;
  /** Transfers between translations that did not return to the engine (RunOptions.countTransfers):
   *  direct calls inside a module, and calls through the jump cache. */
  transfers: { direct: bigint; chained: bigint } | undefined = undefined;

  /** Returns from generated code to the engine's loop (each exit that was not served in place). */
  get transitions(): number {
    let n = 0;
    for (const count of this.exits.values()) n += count;
    return n;
  }

  /** Transitions per million guest instructions. */
  get transitionsPerMillion(): number {
    return this.instructions > 0n ? (this.transitions * 1e6) / Number(this.instructions) : 0;
  }

  countExit(kind: string): void {
    this.exits.set(kind, (this.exits.get(kind) ?? 0) + 1);
  }

  /** Human-readable report, one item per line. */
  format(): string {
    const mips = this.wallMs > 0 ? Number(this.instructions) / this.wallMs / 1000 : 0;
    const compiled = Object.entries(this.compile).filter(([, c]) => c.functions > 0);
    const lines = [
      `tier                 ${this.tier}`,
      `guest instructions   ${this.instructions}`,
      ...compiled.map(([t, c]) => `compiled (${t})`.padEnd(21) + `${c.functions} functions in ${c.modules} modules, ${c.guestInsns} guest instructions, ${c.compileMs.toFixed(1)} ms (${(c.compileMs / Math.max(1, c.functions)).toFixed(3)} ms per function)`),
      `wall time            ${this.wallMs.toFixed(1)} ms (${mips.toFixed(1)} M guest instructions/s)`,
      `code invalidations   ${this.invalidations}`,
      ...(this.controller ? [`controller           ${this.controller}`] : []),
      ...(this.preloaded ? [`preloaded (${this.preloaded.tier})`.padEnd(21) + `${this.preloaded.translations} translations installed in ${this.preloaded.ms.toFixed(1)} ms`] : []),
      ...this.coverageLines(),
      ...Object.entries(this.perTier).filter(([, e]) => e.instructions !== '0').map(([t, e]) => `slices entered in ${t}`.padEnd(20) + ` ${e.instructions} guest instructions, ${e.ms.toFixed(1)} ms`),
      `exits                ${[...this.exits].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
      `transitions          ${this.transitions} (${this.transitionsPerMillion.toFixed(1)} per million guest instructions); exits served in place (coalesced) ${this.exitsServedInPlace}`,
      ...(this.transfers ? [this.transfersLine(this.transfers)] : []),
      `system calls         ${[...this.syscalls].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
    ];
    return lines.join('\n');
  }

  private transfersLine({ direct, chained }: { direct: bigint; chained: bigint }): string {
    return `transfers            ${direct + chained} chained without returning (${direct} direct calls inside a module, ${chained} through the jump cache), ${this.transitions} dispatched (the transitions)`;
  }

  /** The share of guest instructions run in slices entered in preloaded code (approximate: a
   *  slice entered there may chain into JIT code, and the reverse). */
  private coverageLines(): string[] {
    const tier = this.preloaded?.tier;
    const entered = tier === undefined ? undefined : this.perTier[tier];
    if (!entered || this.instructions === 0n) return [];
    const share = (100 * Number(entered.instructions)) / Number(this.instructions);
    return [`${tier} coverage`.padEnd(21) + `${share.toFixed(1)}% of guest instructions (in slices entered in ${tier} code)`];
  }

  toJSON(): object {
    return {
      tier: this.tier,
      compile: this.compile,
      translations: this.translations,
      controller: this.controller,
      perTier: this.perTier,
      ...(this.preloaded ? { preloaded: this.preloaded } : {}),
      instructions: this.instructions.toString(),
      wallMs: this.wallMs,
      invalidations: this.invalidations,
      exits: Object.fromEntries(this.exits),
      transitions: this.transitions,
      exitsServedInPlace: this.exitsServedInPlace,
      ...(this.transfers ? { transfers: { direct: this.transfers.direct.toString(), chained: this.transfers.chained.toString() } } : {}),
      syscalls: Object.fromEntries(this.syscalls),
    };
  }
}
