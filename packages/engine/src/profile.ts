// `ferry profile`'s engine: runs a program on the profiling T0 build (no superoperators, no
// inlined successors) with exits served one by one, and collects executions per guest pc (the
// decode cache's per-entry counters, flushed to the runtime whenever an entry is refilled or
// dropped), executed (row, next row) pairs, and exits by kind and by guest pc. Invariant: the sum
// of the per-pc counts equals the retired-instruction count of the run.
import {
  DECODE_CACHE, DECODE_CACHE_ENTRIES, DECODE_CACHE_ENTRY_SIZE, ExitCode, GUEST_PAGE_SHIFT, exitCodeName,
} from '@ferry/abi';
import { PC_COUNTS, PROFILE_EVICT_IMPORT, SUCCESSOR_COUNTS, SUCCESSOR_COUNTS_ROWS } from '@ferry/backend-wasm/counters';
import { loadInterpreterModule } from '@ferry/interp';
import { ROWS } from '@ferry/isa-riscv';
import { GuestFault, Machine, type MachineOptions } from '@ferry/runtime';
import { MAX_INSNS_STATUS, SIGNAL } from './run.js';

export interface ExitSite {
  kind: string;
  pc: bigint;
  count: number;
}

export interface HotRegion {
  /** The function symbol (or `?` outside every symbol). */
  name: string;
  start: bigint;
  instructions: number;
}

export interface ExecutionProfile {
  instructions: bigint;
  status: number;
  /** Executed pcs (ascending) with their execution counts and instruction words. */
  sites: { pc: bigint; count: number; word: number }[];
  /** Executed (row, next row) pairs by row name, most frequent first (control transfers included). */
  rowPairs: { from: string; to: string; count: number }[];
  exits: Record<string, number>;
  /** Exits by kind and guest pc, most frequent first. */
  exitSites: ExitSite[];
  /** Instructions executed per function, most first. */
  hotRegions: HotRegion[];
}

export interface ProfileOptions extends MachineOptions {
  maxInsns?: bigint;
}

const CHUNK = 1n << 20n;
const EMPTY = -1n;

export function profileProgram(options: ProfileOptions): ExecutionProfile {
  const machine = Machine.load(options);
  try {
    return profileMachine(machine, options.maxInsns);
  } finally {
    machine.close();
  }
}

export function profileMachine(machine: Machine, maxInsns?: bigint): ExecutionProfile {
  const memory = machine.wasmMemory;
  const counts = new Map<bigint, number>();
  const add = (pc: bigint, n: number) => counts.set(pc, (counts.get(pc) ?? 0) + n);
  const tags = () => new BigInt64Array(memory.buffer, DECODE_CACHE, (DECODE_CACHE_ENTRIES * DECODE_CACHE_ENTRY_SIZE) / 8);
  const pcCounts = () => new Uint32Array(memory.buffer, PC_COUNTS, DECODE_CACHE_ENTRIES);
  const stride = DECODE_CACHE_ENTRY_SIZE / 8;
  /** Hand the counts of the entries `keep` rejects to `counts` and empty those entries. */
  const drop = (keep: (tag: bigint) => boolean) => {
    const t = tags(), c = pcCounts();
    for (let slot = 0; slot < DECODE_CACHE_ENTRIES; slot++) {
      const tag = t[slot * stride]!;
      if (tag === EMPTY || keep(tag)) continue;
      if (c[slot]) add(tag, c[slot]!);
      c[slot] = 0;
      t[slot * stride] = EMPTY;
    }
  };
  new Uint32Array(memory.buffer, SUCCESSOR_COUNTS, SUCCESSOR_COUNTS_ROWS * SUCCESSOR_COUNTS_ROWS).fill(0);
  pcCounts().fill(0);
  drop(() => false);
  machine.serveExitsInPlace = false;
  machine.onCodeWrite = (page) => {
    drop((tag) => tag >> BigInt(GUEST_PAGE_SHIFT) !== BigInt(page));
    machine.memory.clearCode(page);
  };
  const imports = { ...machine.helpers(), [PROFILE_EVICT_IMPORT]: (pc: bigint, n: number) => add(pc, n) };
  const run = new WebAssembly.Instance(loadInterpreterModule('profile'), { ferry: imports }).exports.run as () => number;

  const state = machine.state;
  const exits: Record<string, number> = {};
  const exitSites = new Map<string, ExitSite>();
  const countExit = (kind: string, pc: bigint) => {
    exits[kind] = (exits[kind] ?? 0) + 1;
    const key = `${kind}@${pc}`;
    const site = exitSites.get(key) ?? { kind, pc, count: 0 };
    site.count++;
    exitSites.set(key, site);
  };
  let status: number | undefined;
  while (status === undefined) {
    const remaining = maxInsns === undefined ? CHUNK : maxInsns - state.instret;
    if (remaining <= 0n) {
      status = MAX_INSNS_STATUS;
      break;
    }
    state.budget = remaining < CHUNK ? remaining : CHUNK;
    let code: number;
    try {
      code = run();
    } catch (e) {
      if (!(e instanceof GuestFault)) throw e;
      countExit('fault', e.pc ?? state.pc);
      status = 128 + SIGNAL.SIGSEGV;
      break;
    }
    const kind = exitCodeName(code);
    if (code !== ExitCode.budget) countExit(kind, state.exitPc);
    else exits[kind] = (exits[kind] ?? 0) + 1;
    switch (code) {
      case ExitCode.ecall: {
        const outcome = machine.syscall();
        if (outcome.exited) status = outcome.status;
        break;
      }
      case ExitCode.budget:
        break;
      case ExitCode.fenceI:
        drop(() => false);
        state.pc = state.exitPc + 4n;
        break;
      case ExitCode.illegalInstruction:
        status = 128 + SIGNAL.SIGILL;
        break;
      case ExitCode.ebreak:
        status = 128 + SIGNAL.SIGTRAP;
        break;
      default:
        throw new Error(`internal error: the profiling interpreter exited with ${kind} at 0x${state.exitPc.toString(16)}`);
    }
  }
  drop(() => false);

  const sites = [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([pc, count]) => {
    let word = 0;
    try {
      word = machine.memory.fetchSlow(pc);
    } catch {
      // unmapped since it ran: the word stays 0 (an illegal instruction)
    }
    return { pc, count, word };
  });
  const pairCounts = new Uint32Array(memory.buffer, SUCCESSOR_COUNTS, SUCCESSOR_COUNTS_ROWS * SUCCESSOR_COUNTS_ROWS);
  const rowPairs: ExecutionProfile['rowPairs'] = [];
  for (let from = 0; from < ROWS.length; from++) {
    for (let to = 0; to < ROWS.length; to++) {
      const count = pairCounts[from * SUCCESSOR_COUNTS_ROWS + to]!;
      if (count) rowPairs.push({ from: ROWS[from]!.name, to: ROWS[to]!.name, count });
    }
  }
  rowPairs.sort((a, b) => b.count - a.count);
  return {
    instructions: state.instret,
    status,
    sites,
    rowPairs,
    exits,
    exitSites: [...exitSites.values()].sort((a, b) => b.count - a.count),
    hotRegions: hotRegions(machine, sites),
  };
}

/** Executions summed per function symbol (sorted starts, binary search). */
function hotRegions(machine: Machine, sites: ExecutionProfile['sites']): HotRegion[] {
  const functions = machine.elf.symbols().filter((s) => s.type === 'func' && s.size > 0).sort((a, b) => a.value - b.value);
  const regions = new Map<string, HotRegion>();
  for (const site of sites) {
    const at = Number(site.pc);
    let lo = 0, hi = functions.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (functions[mid]!.value <= at) (found = mid), (lo = mid + 1);
      else hi = mid - 1;
    }
    const f = found >= 0 && at < functions[found]!.value + functions[found]!.size ? functions[found]! : undefined;
    const key = f ? f.name : '?';
    const region = regions.get(key) ?? { name: key, start: f ? BigInt(f.value) : site.pc, instructions: 0 };
    region.instructions += site.count;
    regions.set(key, region);
  }
  return [...regions.values()].sort((a, b) => b.instructions - a.instructions);
}
