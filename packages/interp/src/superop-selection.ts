// Superoperator selection over execution profiles, in the greedy manner of Proebsting's
// superoperator selection: pick the adjacent pattern that saves the most dispatches, rewrite the
// profile as if the decoder fused it (simulateDispatches), repeat. A profile is a list of executed
// sites (pc, execution count, instruction word); a sequence at a site is the run of instructions
// that falls through from it, so its count is the site's. Each program's counts are taken as
// shares of its instructions, times the program's weight. Candidates are each sequence's exact
// register shape and its general form (every register distinct unless x0), which matches more.
// Invariant: simulateDispatches fuses exactly where the T0 decoder would, given the same words in
// one page (matchesAt), with patterns tried in their order.
import { GUEST_PAGE_MASK, GUEST_PAGE_SIZE } from '@ferry/abi';
import { decode, type Decoded } from '@ferry/isa-riscv';
import { fusedRow, generalPattern, matchesAt, notFusableInside, parsePattern, patternOf, type ParsedPattern } from './superops.js';

export interface ProfileSite {
  pc: bigint;
  count: number;
  word: number;
}

/** A profile's sites decoded and indexed by pc. */
export class SiteIndex {
  readonly sites: { pc: bigint; count: number; insn: Decoded | undefined }[];
  private readonly byPc = new Map<bigint, number>();
  readonly instructions: number;

  constructor(sites: readonly ProfileSite[]) {
    this.sites = [...sites].sort((a, b) => (a.pc < b.pc ? -1 : a.pc > b.pc ? 1 : 0)).map((s) => ({ pc: s.pc, count: s.count, insn: decode(s.word) }));
    this.sites.forEach((s, i) => this.byPc.set(s.pc, i));
    this.instructions = this.sites.reduce((n, s) => n + s.count, 0);
  }

  private readonly runs = new Map<number, Decoded[]>();
  private readonly keys = new Map<number, string[]>();

  /** The instructions at pc and after it, up to `length`, while each falls through to the next
   *  (only the last may transfer control); shorter when a later one never executed. */
  sequence(pc: bigint, length: number): Decoded[] {
    const i = this.byPc.get(pc);
    if (i === undefined) return [];
    let run = this.runs.get(i);
    if (!run || (run.length < length && run.length === MAX_RUN)) {
      run = [];
      let at = pc;
      while (run.length < Math.max(length, MAX_RUN)) {
        const k = this.byPc.get(at);
        const insn = k === undefined ? undefined : this.sites[k]!.insn;
        if (!insn) break;
        run.push(insn);
        if (insn.row.flags.endsBlock) break;
        at += BigInt(insn.size);
      }
      this.runs.set(i, run);
    }
    return run.length > length ? run.slice(0, length) : run;
  }

  /** Candidate patterns for the sequence of `length` at site i: its exact and general shapes. */
  candidateKeys(i: number, length: number): string[] {
    const key = i * 8 + length;
    let keys = this.keys.get(key);
    if (!keys) {
      const run = this.sequence(this.sites[i]!.pc, length);
      keys = run.length === length ? [...new Set([patternOf(run), generalPattern(run)])] : [];
      this.keys.set(key, keys);
    }
    return keys;
  }
}

/** The longest sequence the selection considers. */
const MAX_RUN = 3;

/** The decoder only fuses a sequence whose words it can read in the first one's page. */
const fitsPage = (pc: bigint, insns: readonly Decoded[]): boolean => {
  const lastOffset = insns.slice(0, -1).reduce((n, d) => n + d.size, 0);
  return Number(pc & BigInt(GUEST_PAGE_MASK)) <= GUEST_PAGE_SIZE - 4 - lastOffset;
};

/** Dynamic counts of adjacent sequences of `length` instructions, by pattern (exact shape). */
export function sequenceCounts(index: SiteIndex, length: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const site of index.sites) {
    const run = index.sequence(site.pc, length);
    if (run.length !== length) continue;
    const key = patternOf(run);
    counts.set(key, (counts.get(key) ?? 0) + site.count);
  }
  return counts;
}

export interface Simulation {
  dispatches: number;
  instructions: number;
  /** Fused dispatches per pattern. */
  fused: number[];
  /** Per site: dispatches there, and whether a pattern fuses there. */
  siteDispatches: Float64Array;
  siteFused: Uint8Array;
}

/** Dispatches the decoder's fusion would leave: a site is dispatched as often as it executes,
 *  less the times a fused entry before it ran it. */
export function simulateDispatches(index: SiteIndex, patterns: readonly ParsedPattern[]): Simulation {
  const byFirst = new Map<unknown, { p: ParsedPattern; k: number }[]>();
  patterns.forEach((p, k) => {
    const list = byFirst.get(p.rows[0]) ?? [];
    list.push({ p, k });
    byFirst.set(p.rows[0], list);
  });
  const covered = new Map<bigint, number>();
  const fused = patterns.map(() => 0);
  const siteDispatches = new Float64Array(index.sites.length);
  const siteFused = new Uint8Array(index.sites.length);
  let dispatches = 0;
  index.sites.forEach((site, i) => {
    const d = Math.max(0, site.count - (covered.get(site.pc) ?? 0));
    siteDispatches[i] = d;
    dispatches += d;
    const candidates = site.insn ? byFirst.get(site.insn.row) : undefined;
    if (!candidates || d === 0) return;
    for (const { p, k } of candidates) {
      const run = index.sequence(site.pc, p.rows.length);
      if (!matchesAt(p, run) || !fitsPage(site.pc, run)) continue;
      fused[k]! += d;
      siteFused[i] = 1;
      let at = site.pc;
      for (const insn of run.slice(0, -1)) {
        at += BigInt(insn.size);
        covered.set(at, (covered.get(at) ?? 0) + d);
      }
      break;
    }
  });
  return { dispatches, instructions: index.instructions, fused, siteDispatches, siteFused };
}

/** Whether a pattern can be a fused row (cached: checking lifts it). */
const fusable = new Map<string, boolean>();
export function isFusable(pattern: string): boolean {
  let ok = fusable.get(pattern);
  if (ok === undefined) fusable.set(pattern, (ok = typeof fusedRow(pattern) !== 'string'));
  return ok;
}

export interface SelectionStep {
  pattern: string;
  /** Share of all dispatches (weighted over the programs) this pattern removed when chosen. */
  saved: number;
}

export interface SelectionOptions {
  /** At most this many patterns (the entry's handler byte limits them). */
  maxPatterns: number;
  /** Stop when the best pattern saves less than this share of dispatches. */
  minSaved: number;
  /** Sequence lengths considered (at most 3). */
  lengths: readonly number[];
  /** Called with each pattern as it is chosen. */
  progress?: (step: SelectionStep) => void;
}

export interface WeightedProfile {
  index: SiteIndex;
  weight: number;
}

/** Greedy selection over several programs' profiles. */
export function selectSuperops(programs: readonly WeightedProfile[], options: SelectionOptions): SelectionStep[] {
  const totalWeight = programs.reduce((n, p) => n + p.weight, 0);
  const share = (p: WeightedProfile, dispatches: number) => (dispatches / p.index.instructions) * (p.weight / totalWeight);
  const chosen: SelectionStep[] = [];
  const parsed: ParsedPattern[] = [];
  while (chosen.length < options.maxPatterns) {
    // Candidate gains at sites the chosen set leaves unfused, from exact shapes.
    const gains = new Map<string, number>();
    const sims = programs.map((p) => simulateDispatches(p.index, parsed));
    programs.forEach((program, n) => {
      const { index } = program;
      const sim = sims[n]!;
      index.sites.forEach((site, i) => {
        const d = sim.siteDispatches[i]!;
        if (d === 0 || sim.siteFused[i]) return;
        for (const length of options.lengths) {
          const run = index.sequence(site.pc, length);
          if (run.length !== length || !fitsPage(site.pc, run)) continue;
          if (run.slice(0, -1).some((insn) => notFusableInsideCached(insn))) continue;
          const gain = share(program, d * (length - 1));
          for (const key of index.candidateKeys(i, length)) gains.set(key, (gains.get(key) ?? 0) + gain);
        }
      });
    });
    // Check the best few exactly (a pattern also matches shapes it does not distinguish).
    const ranked = [...gains].sort((a, b) => b[1] - a[1]).filter(([key]) => isFusable(key)).slice(0, 8);
    let best: { pattern: string; saved: number } | undefined;
    const before = sims.reduce((n, s, k) => n + share(programs[k]!, s.dispatches), 0);
    for (const [key] of ranked) {
      const trial = [...parsed, parsePattern(key)];
      const after = programs.reduce((n, p) => n + share(p, simulateDispatches(p.index, trial).dispatches), 0);
      const saved = before - after;
      if (!best || saved > best.saved) best = { pattern: key, saved };
    }
    if (!best || best.saved < options.minSaved) break;
    options.progress?.(best);
    chosen.push(best);
    parsed.push(parsePattern(best.pattern));
  }
  return chosen;
}

const insideCache = new Map<unknown, boolean>();
function notFusableInsideCached(insn: Decoded): boolean {
  let no = insideCache.get(insn.row);
  if (no === undefined) insideCache.set(insn.row, (no = notFusableInside(insn.row) !== undefined));
  return no;
}
